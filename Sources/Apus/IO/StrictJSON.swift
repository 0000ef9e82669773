/// A small, strict JSON reader (RFC 8259) for headers of untrusted files (safetensors).
///
/// Unlike `JSONDecoder` it rejects what would make a header ambiguous (a key twice in one
/// object), bounds nesting (``maximumDepth``) so that `[[[[…` cannot exhaust the stack, keeps
/// objects in file order, and keeps numbers as their text with the exact integer when they are
/// one, so that no size is ever rounded through a `Double`.
enum StrictJSON {
    /// A parsed JSON value.
    indirect enum Value: Equatable {
        case object([(key: String, value: Value)])
        case array([Value])
        case string(String)
        /// A number: its text, and its value when it is an integer that fits in `Int`.
        case number(text: String, integer: Int?)
        case bool(Bool)
        case null

        static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            case (.array(let x), .array(let y)): x == y
            case (.string(let x), .string(let y)): x == y
            case (.number(let x, _), .number(let y, _)): x == y
            case (.bool(let x), .bool(let y)): x == y
            case (.null, .null): true
            default: false
            }
        }

        /// The integer value, when this is an integral number that fits in `Int`.
        var integer: Int? { if case .number(_, let i) = self { i } else { nil } }
        /// The string, when this is a string.
        var string: String? { if case .string(let s) = self { s } else { nil } }
    }

    /// Why the text is not JSON, with the byte offset where reading stopped.
    struct SyntaxError: Error, Equatable {
        let message: String
        let offset: Int
        /// For a key found twice in one object: the key and the object's depth (1: the outermost).
        var duplicate: (key: String, depth: Int)? = nil

        static func == (a: SyntaxError, b: SyntaxError) -> Bool {
            a.message == b.message && a.offset == b.offset && a.duplicate?.key == b.duplicate?.key
                && a.duplicate?.depth == b.duplicate?.depth
        }
    }

    /// Objects and arrays nested deeper than this are refused.
    static let maximumDepth = 64

    /// Parses `bytes` (UTF-8) as one JSON value, surrounded by optional whitespace.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> Value {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> Value {
        try bytes.withUnsafeBytes { raw in Result { () throws(SyntaxError) -> Value in try parse(raw) } }.get()
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func error(_ message: String) -> SyntaxError { SyntaxError(message: message, offset: position) }

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
        }

        mutating func expect(_ literal: StaticString) throws(SyntaxError) {
            let text = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            guard bytes.count - position >= text.count,
                  text.indices.allSatisfy({ bytes[position + $0] == text[$0] }) else { throw error("invalid literal") }
            position += text.count
        }

        mutating func value(depth: Int) throws(SyntaxError) -> Value {
            guard let b = peek else { throw error("unexpected end of the JSON text") }
            switch b {
            case UInt8(ascii: "{"):
                guard depth < StrictJSON.maximumDepth else { throw error("nested deeper than \(StrictJSON.maximumDepth) levels") }
                return try object(depth: depth + 1)
            case UInt8(ascii: "["):
                guard depth < StrictJSON.maximumDepth else { throw error("nested deeper than \(StrictJSON.maximumDepth) levels") }
                return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("unexpected character")
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) -> Value {
            position += 1  // {
            var members: [(key: String, value: Value)] = []
            var keys = Set<String>()
            skipWhitespace()
            if peek == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let keyOffset = position
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw SyntaxError(message: "key '\(key)' appears twice in one object", offset: keyOffset,
                                      duplicate: (key, depth))
                }
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
                position += 1
                skipWhitespace()
                members.append((key, try value(depth: depth)))
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return .object(members)
                default: throw error("expected ',' or '}' in an object")
                }
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> Value {
            position += 1  // [
            var elements: [Value] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") { position += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth))
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return .array(elements)
                default: throw error("expected ',' or ']' in an array")
                }
            }
        }

        /// A number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        mutating func number() throws(SyntaxError) -> Value {
            let start = position
            func digits(_ r: inout Reader) -> Int {
                let s = r.position
                while let b = r.peek, b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { r.position += 1 }
                return r.position - s
            }
            if peek == UInt8(ascii: "-") { position += 1 }
            let intStart = position
            let intDigits = digits(&self)
            guard intDigits > 0 else { throw error("a number needs digits") }
            guard intDigits == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw error("a number cannot start with 0") }
            var integral = true
            if peek == UInt8(ascii: ".") {
                position += 1
                guard digits(&self) > 0 else { throw error("a decimal point needs digits after it") }
                integral = false
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                position += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
                guard digits(&self) > 0 else { throw error("an exponent needs digits") }
                integral = false
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            return .number(text: text, integer: integral ? Int(text) : nil)
        }

        /// A string: UTF-8 checked, escapes decoded (surrogate pairs joined, lone surrogates refused),
        /// no raw control characters.
        mutating func string() throws(SyntaxError) -> String {
            position += 1  // "
            var utf8: [UInt8] = []
            while true {
                guard let b = peek else { throw error("unterminated string") }
                switch b {
                case UInt8(ascii: "\""):
                    position += 1
                    guard let s = String(validating: utf8, as: UTF8.self) else { throw error("string is not valid UTF-8") }
                    return s
                case UInt8(ascii: "\\"):
                    position += 1
                    guard let e = peek else { throw error("unterminated escape") }
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"),
                                  bytes[position + 1] == UInt8(ascii: "u") else { throw error("unpaired surrogate escape") }
                            position += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00..<0xE000).contains(scalar) {
                            throw error("unpaired surrogate escape")
                        }
                        utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                    default: throw error("invalid escape")
                    }
                case 0..<0x20:
                    throw error("control character in a string")
                default:
                    utf8.append(b)
                    position += 1
                }
            }
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard bytes.count - position >= 4 else { throw error("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[position]
                let d: UInt8
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
                default: throw error("invalid \\u escape")
                }
                v = v << 4 | UInt32(d)
                position += 1
            }
            return v
        }
    }
}
