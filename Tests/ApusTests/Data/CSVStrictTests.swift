import Foundation
import Testing
@testable import Apus

// What the CSV loader refuses instead of guessing, and the exactness of its number parser.

private func load(_ text: String, hasHeader: Bool = true, target: CSVTarget = .last, allowNonFinite: Bool = false,
                  readSize: Int = 1 << 20) throws -> CSVDataset {
    try loadCSV(bytes: Array(text.utf8), path: "t.csv", hasHeader: hasHeader, target: target,
                allowNonFinite: allowNonFinite, readSize: readSize)
}

private func message(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "no error"
    } catch {
        return "\(error)"
    }
}

@Test(arguments: [
    ("nan", "'nan' is not a finite number"), ("-inf", "'-inf' is not a finite number"),
    ("Infinity", "'Infinity' is not a finite number"), ("1e400", "'1e400' is too large for a number"),
    ("-1e39", "'-1e39' is too large for float32"),
])
func nonFiniteFeaturesAreErrorsNamingLineAndColumn(_ value: String, _ expected: String) throws {
    let text = "a,b,y\n1,2,0\n3,\(value),1\n"
    let error = message { _ = try load(text) }
    #expect(error.contains("file 't.csv', line 3: column 'b' (field 2): \(expected)"), "\(error)")
    #expect(error.contains("allowNonFinite"))
    // Opting in loads them as IEEE values.
    let d = try load(text, allowNonFinite: true)
    let b = d.features.toArray(as: Float.self)[3]
    switch value.lowercased() {
    case "nan": #expect(b.isNaN)
    case "-inf", "-1e39": #expect(b == -.infinity)
    default: #expect(b == .infinity)
    }
}

@Test func nonFiniteTargetsAreErrorsUnlessAllowedOrLabels() throws {
    let text = "a,y\n1,0.5\n2,nan\n3,1\n"
    #expect(message { _ = try load(text) }.contains("line 3: column 'y' (field 2): 'nan' is not a finite number"))
    #expect(try load(text, allowNonFinite: true).targets.toArray(as: Float.self)[1].isNaN)
    // With text labels in the column, "nan" is one more label.
    let labels = try load("a,y\n1,cat\n2,nan\n3,dog\n")
    #expect(labels.classNames == ["cat", "dog", "nan"])
    #expect(labels.targets.toArray(as: Int64.self) == [0, 2, 1])
}

@Test func textLabelsAfterNumericOnesKeepTheirOwnText() throws {
    // "1" and "1.0" are different labels once the column is text; the loader reads the file again.
    let d = try load("a,y\n1,1\n2,1.0\n3,b\n4,1\n")
    #expect(d.classNames == ["1", "1.0", "b"])
    #expect(d.targets.toArray(as: Int64.self) == [0, 1, 2, 0])
    #expect(d.features.toDoubles() == [1, 2, 3, 4])
}

@Test func duplicateColumnNamesAreAnError() {
    let error = message { _ = try load("x,y,x\n1,2,3\n") }
    #expect(error == "file 't.csv', line 1: column name 'x' appears twice (fields 1 and 3): a column could not be chosen by name")
    // Names are compared after trimming spaces, as they are matched.
    #expect(message { _ = try load("x, y ,y\n1,2,3\n", target: .name("y")) }.contains("column name 'y' appears twice (fields 2 and 3)"))
    // Without a header, columns are named by index and cannot clash.
    #expect((try? load("1,2,3\n", hasHeader: false)) != nil)
}

@Test func nulBytesAreAnError() {
    for text in ["a,y\n1\u{0}2,3\n", "a,y\n12,3\u{0}\n", "a\u{0},y\n1,2\n", "a,y\n\"1\u{0}\",2\n"] {
        let error = message { _ = try load(text) }
        #expect(error.contains("holds a NUL byte"), "\(text.debugDescription): \(error)")
    }
    #expect(message { _ = try load("a,y\n1\u{0}2,3\n") } == "file 't.csv', line 2: field 1 holds a NUL byte (a binary or UTF-16 file is not CSV text)")
}

@Test func textThatIsNotUTF8IsAnErrorInNamesAndLabels() {
    let header: [UInt8] = Array("a,".utf8) + [0xFF] + Array("\n1,2\n".utf8)
    #expect(message { _ = try loadCSV(bytes: header, path: "t.csv") } == "file 't.csv', line 1: column name 2 is not UTF-8 text")
    // Two labels that are different bytes but would both print as U+FFFD must not merge into one class.
    let labels: [UInt8] = Array("a,y\n1,".utf8) + [0xFE] + Array("\n2,".utf8) + [0xFF] + Array("\n3,x\n".utf8)
    #expect(message { _ = try loadCSV(bytes: labels, path: "t.csv") }.contains("line 2: column 'y' (field 2): the label is not UTF-8 text"))
}

@Test func strictNumberGrammar() throws {
    for good in ["1", "-2.5", "+3", ".5", "5.", "1e3", "1E+03", "-0.0e-0", " 7 ", "\t8\t", "00012", "1.e2"] {
        #expect((try? load("a,y\n\(good),0\n")) != nil, "'\(good)' should be a number")
    }
    for bad in ["0x1p3", "1,000", "1e", "e5", ".", "-", "1.2.3", "1e5.5", "one", "1_000", "١", "nan(1)", "1 2", "+-1", "--1", "infinit"] {
        let text = "a;y\n\(bad);0\n"
        let error = message { _ = try loadCSV(bytes: Array(text.utf8), path: "t.csv", delimiter: UInt8(ascii: ";")) }
        #expect(error.contains("is not a number"), "'\(bad)': \(error)")
    }
}

/// Every parsed value equals `Double(text)`, bit for bit, over a spread of forms: short and long
/// mantissas, points anywhere, exponents near the fast path's edges, subnormals, halfway cases.
@Test func numbersEqualSwiftsDoubleParse() throws {
    var generator = SystemRandomNumberGenerator()
    var texts = ["0.1", "0.3", "9007199254740993", "9007199254740992", "2.2250738585072011e-308", "4.9e-324", "1e-400",
                 "1.7976931348623157e308", "123456789012345678901234567890", "0.000000000000000000000000001",
                 "1e22", "1e23", "9e-22", "9e-23", "-0", "3.4028235e38", "3.4028236e38", "1.00000005960464477539062499"]
    let digits = Array("0123456789")
    for _ in 0..<20_000 {
        let count = Int.random(in: 1...25, using: &generator)
        var s = String((0..<count).map { _ in digits.randomElement(using: &generator)! })
        if Bool.random(using: &generator) { s.insert(".", at: s.index(s.startIndex, offsetBy: Int.random(in: 0...count, using: &generator))) }
        if Bool.random(using: &generator) { s += "e\(Int.random(in: -330...310, using: &generator))" }
        if Bool.random(using: &generator) { s = "-" + s }
        texts.append(s)
    }
    for text in texts {
        guard let expected = Double(text) else { continue }
        var bytes = Array(text.utf8) + [0]
        let parsed = bytes.withUnsafeMutableBufferPointer { CSVNumber.parse($0.baseAddress!, count: text.utf8.count) }
        switch parsed {
        case .finite(let v): #expect(v.bitPattern == expected.bitPattern, "\(text): \(v) != \(expected)")
        case .nonFinite(let v, _): #expect(v == expected && !expected.isFinite, "\(text)")
        case .notANumber: Issue.record("\(text) should parse")
        }
    }
    // Through the loader: float32 features are the Double rounded to Float.
    let sample = texts.filter { Double($0).map { abs($0) < 1e38 } ?? false }.prefix(2000)
    let d = try load("v,y\n" + sample.map { "\($0),0" }.joined(separator: "\n"))
    #expect(d.features.toArray(as: Float.self).map(\.bitPattern) == sample.map { Float(Double($0)!).bitPattern })
}

/// Reading in blocks of any size (down to one byte) gives the same records: quotes, CRLF, the
/// byte-order mark and multi-line fields cross block boundaries.
@Test func blockBoundariesDoNotChangeTheResult() throws {
    let text = "\u{FEFF}\"a,b\";c;label\r\n1;\"2.5\";plain\r\n\r\n 3 ; 4 ;\"say \"\"hi\"\"; \r\nbye\"\r\n5;6;plain\r7;8;\"x\""
    let whole = try loadCSV(bytes: Array(text.utf8), path: "t.csv", delimiter: UInt8(ascii: ";"))
    #expect(whole.features.toDoubles() == [1, 2.5, 3, 4, 5, 6, 7, 8])
    #expect(whole.classNames == ["plain", "say \"hi\"; \r\nbye", "x"])
    for size in 1...9 {
        let d = try loadCSV(bytes: Array(text.utf8), path: "t.csv", delimiter: UInt8(ascii: ";"), readSize: size)
        #expect(d.features == whole.features && d.targets == whole.targets && d.classNames == whole.classNames
                && d.featureNames == whole.featureNames, "read size \(size)")
    }
}

/// A file larger than one read block, read from disk: the same matrix as from memory.
@Test func largeFileStreamsInBlocks() throws {
    var text = "a,b,c,y\n"
    for i in 0..<60_000 { text += "\(i),\(Double(i) / 7),-\(i % 13).25,\(i % 3)\n" }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("apus-csv-large-\(UUID().uuidString).csv")
    try Data(text.utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(text.utf8.count > 1 << 20)
    let d = try loadCSV(path: url.path)
    #expect(d.features.shape == [60_000, 3])
    #expect(d.features.toArray(as: Float.self)[3 * 59_999 + 1] == Float(Double(59_999) / 7))
    #expect(d.targets.toArray(as: Float.self).prefix(4) == [0, 1, 2, 0])
    #expect(d.features == (try load(text)).features)
}

@Test func aDirectoryIsNotReadable() {
    let dir = FileManager.default.temporaryDirectory.path
    #expect(throws: ApusError.fileNotReadable(path: dir)) { try loadCSV(path: dir) }
}
