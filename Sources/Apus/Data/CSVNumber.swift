import Foundation

/// Strict parsing of one CSV field as a number, in place and without building a `String`.
///
/// The grammar is decimal only: optional spaces or tabs, an optional sign, digits with an
/// optional decimal point (`1`, `-2.5`, `.5`, `3.`), an optional exponent (`e-3`, `E+07`), optional
/// spaces or tabs. `nan`, `inf` and `infinity` (any case, with a sign) are recognised as
/// non-finite; hexadecimal floats, thousands separators and anything else are not numbers.
///
/// The value is the `Double` closest to the text, exactly what `Double(text)` (and `strtod`)
/// gives: a short mantissa with a small power of ten is computed exactly (one correctly rounded
/// operation on exact operands, Clinger's fast path), anything else goes to `strtod`.
enum CSVNumber {
    enum Parsed: Equatable {
        /// A finite number.
        case finite(Double)
        /// `nan`, `inf`, `infinity`, or a number too large for a `Double` (`1e400`, parsed as ±inf).
        case nonFinite(Double, overflow: Bool)
        /// Not a number in the grammar above.
        case notANumber
    }

    /// Exact powers of ten up to 10²² (larger ones are not exact in a Double).
    private static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

    /// Parses the `count` bytes at `start`; `start[count]` must be a NUL byte (the reader's layout).
    static func parse(_ start: UnsafePointer<UInt8>, count: Int) -> Parsed {
        var i = 0, e = count
        while i < e && (start[i] == 0x20 || start[i] == 0x09) { i += 1 }
        while e > i && (start[e - 1] == 0x20 || start[e - 1] == 0x09) { e -= 1 }
        guard i < e else { return .notANumber }
        let textStart = i
        var negative = false
        if start[i] == UInt8(ascii: "+") || start[i] == UInt8(ascii: "-") {
            negative = start[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < e else { return .notANumber }
        if start[i] | 0x20 >= UInt8(ascii: "a") && start[i] | 0x20 <= UInt8(ascii: "z") {
            return word(start + i, count: e - i, negative: negative)
        }

        // Mantissa: up to 19 significant digits exactly in a UInt64, then count the rest.
        var mantissa: UInt64 = 0
        var significant = 0, dropped = 0, exponent = 0, digits = 0
        var seenPoint = false
        while i < e {
            let c = start[i]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                digits += 1
                if mantissa == 0 && c == UInt8(ascii: "0") {
                    if seenPoint { exponent -= 1 }  // leading zeros after the point scale only
                } else if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(c - UInt8(ascii: "0"))
                    significant += 1
                    if seenPoint { exponent -= 1 }
                } else {
                    dropped += 1
                    if !seenPoint { exponent += 1 }
                }
            } else if c == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return .notANumber }
        if i < e && (start[i] == UInt8(ascii: "e") || start[i] == UInt8(ascii: "E")) {
            i += 1
            var exponentNegative = false
            if i < e && (start[i] == UInt8(ascii: "+") || start[i] == UInt8(ascii: "-")) {
                exponentNegative = start[i] == UInt8(ascii: "-")
                i += 1
            }
            var value = 0, exponentDigits = 0
            while i < e, start[i] >= UInt8(ascii: "0") && start[i] <= UInt8(ascii: "9") {
                value = Swift.min(value * 10 + Int(start[i] - UInt8(ascii: "0")), 1_000_000)  // saturates
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return .notANumber }
            exponent += exponentNegative ? -value : value
        }
        guard i == e else { return .notANumber }

        if mantissa == 0 { return .finite(negative ? -0.0 : 0.0) }
        if dropped == 0 && mantissa <= 1 << 53 && (-22...22).contains(exponent) {
            let m = Double(mantissa)
            let value = exponent >= 0 ? m * powers[exponent] : m / powers[-exponent]
            return .finite(negative ? -value : value)
        }
        return slow(start + textStart, count: e - textStart)
    }

    /// `strtod` on the trimmed text (NUL-terminated after trailing spaces, which it stops at).
    private static func slow(_ text: UnsafePointer<UInt8>, count: Int) -> Parsed {
        var value: Double = 0
        var consumed = 0
        text.withMemoryRebound(to: CChar.self, capacity: count + 1) { c in
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            value = strtod(c, &endPointer)
            consumed = endPointer.map { $0 - UnsafeMutablePointer(mutating: c) } ?? 0
        }
        if consumed != count {
            // A C locale with another decimal separator (set by the application): Swift's parser
            // does not depend on the locale.
            guard let v = Double(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)) else {
                return .notANumber
            }
            value = v
        }
        return value.isFinite ? .finite(value) : .nonFinite(value, overflow: true)
    }

    /// `nan`, `inf` or `infinity` in any case; anything else is not a number.
    private static func word(_ text: UnsafePointer<UInt8>, count: Int, negative: Bool) -> Parsed {
        func equals(_ word: StaticString) -> Bool {
            guard count == word.utf8CodeUnitCount else { return false }
            for k in 0..<count where text[k] | 0x20 != word.utf8Start[k] { return false }
            return true
        }
        if equals("nan") { return .nonFinite(.nan, overflow: false) }
        if equals("inf") || equals("infinity") { return .nonFinite(negative ? -.infinity : .infinity, overflow: false) }
        return .notANumber
    }
}
