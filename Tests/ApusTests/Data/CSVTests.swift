import Foundation
import Testing
@testable import Apus

/// Writes `text` to a fresh temporary file and returns its path (removed by `removeFiles`).
private func csvFile(_ text: String) -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("apus-csv-\(UUID().uuidString).csv")
    try! Data(text.utf8).write(to: url)
    return url.path
}

private func removeFiles(_ paths: String...) {
    for p in paths { try? FileManager.default.removeItem(atPath: p) }
}

// MARK: - Parsing

@Test func numericTargetInTheLastColumn() throws {
    let path = csvFile("x1,x2,y\n1,2,0.5\n3,4.25,-1\n-5e-1,6,2\n")
    defer { removeFiles(path) }
    let d = try loadCSV(path: path)
    #expect(d.features.shape == [3, 2] && d.features.dtype == .float32)
    #expect(d.features.toDoubles() == [1, 2, 3, 4.25, -0.5, 6])
    #expect(d.targets.dtype == .float32 && d.targets.toDoubles() == [0.5, -1, 2])
    #expect(d.featureNames == ["x1", "x2"] && d.targetName == "y")
    #expect(d.classNames == nil)
    #expect(d.count == 3)
    let (x, y) = d.batch(at: [2, 0])
    #expect(x.toDoubles() == [-0.5, 6, 1, 2] && y.toDoubles() == [2, 0.5])
    #expect(d.dataset.inputs == d.features)
}

@Test func textLabelsBecomeSortedClassIndices() throws {
    let path = csvFile("""
        sepal,species,petal
        5.1,setosa,1.4
        6.3,virginica,6.0
        5.8,versicolor,4.1
        4.9,setosa,1.5
        """)
    defer { removeFiles(path) }
    let d = try loadCSV(path: path, target: .name("species"))
    #expect(d.featureNames == ["sepal", "petal"] && d.targetName == "species")
    #expect(d.features.toDoubles().map { Float($0) } == [5.1, 1.4, 6.3, 6.0, 5.8, 4.1, 4.9, 1.5])
    #expect(d.classNames == ["setosa", "versicolor", "virginica"])
    #expect(d.targets.dtype == .int64)
    #expect(d.targets.toArray(as: Int64.self) == [0, 2, 1, 0])
}

@Test func targetByIndexWithoutHeader() throws {
    let path = csvFile("7,1,2\n8,3,4\n")
    defer { removeFiles(path) }
    let d = try loadCSV(path: path, hasHeader: false, target: .index(0))
    #expect(d.featureNames == ["1", "2"] && d.targetName == "0")
    #expect(d.features.toDoubles() == [1, 2, 3, 4])
    #expect(d.targets.toDoubles() == [7, 8])
}

@Test func quotedFieldsCRLFBlankLinesAndNoTrailingNewline() throws {
    // A UTF-8 byte-order mark, CRLF line ends, a blank line, a quoted header name with the
    // delimiter, a quoted number, labels with doubled quotes, a delimiter and a line break,
    // spaces around values, and no final line break.
    let text = "\u{FEFF}\"a,b\";c;label\r\n1;\"2.5\";plain\r\n\r\n 3 ; 4 ;\"say \"\"hi\"\"; \r\nbye\"\r\n5;6;plain"
    let path = csvFile(text)
    defer { removeFiles(path) }
    let d = try loadCSV(path: path, delimiter: ";")
    #expect(d.featureNames == ["a,b", "c"])
    #expect(d.features.toDoubles() == [1, 2.5, 3, 4, 5, 6])
    #expect(d.classNames == ["plain", "say \"hi\"; \r\nbye"])
    #expect(d.targets.toArray(as: Int64.self) == [0, 1, 0])
}

@Test func parserRecordsTheLineWhereEachRecordStarts() throws {
    let records = try CSVParser.records(in: Array("h1,h2\n\n1,\"x\ny\"\r\n\n2,z".utf8),
                                        delimiter: UInt8(ascii: ","), path: "p")
    #expect(records == [CSVRecord(line: 1, fields: ["h1", "h2"]),
                        CSVRecord(line: 3, fields: ["1", "x\ny"]),
                        CSVRecord(line: 6, fields: ["2", "z"])])
    // An empty quoted field is a record, not a blank line; a lone CR ends a line.
    #expect(try CSVParser.records(in: Array("\"\"\ra\r".utf8), delimiter: UInt8(ascii: ","), path: "p")
            == [CSVRecord(line: 1, fields: [""]), CSVRecord(line: 2, fields: ["a"])])
}

// MARK: - Errors

@Test func missingFile() {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("apus-no-such-\(UUID().uuidString).csv").path
    #expect(throws: ApusError.fileNotReadable(path: path)) { try loadCSV(path: path) }
}

@Test func emptyFiles() {
    for text in ["", "\n\n  \n", "a,b,y\n", "a,b,y\r\n\r\n"] {
        let path = csvFile(text)
        defer { removeFiles(path) }
        #expect(throws: ApusError.emptyFile(path: path)) { try loadCSV(path: path) }
    }
    #expect(ApusError.emptyFile(path: "d.csv").description == "file 'd.csv' holds no data rows")
}

@Test func unknownTargetColumn() {
    let path = csvFile("a,b,y\n1,2,3\n")
    defer { removeFiles(path) }
    #expect(throws: ApusError.unknownColumn(path: path, name: "label", available: ["a", "b", "y"])) {
        try loadCSV(path: path, target: .name("label"))
    }
    #expect(ApusError.unknownColumn(path: "d.csv", name: "label", available: ["a", "b", "y"]).description
            == "file 'd.csv' has no column 'label'; columns: a, b, y")
    for k in [3, -1] {
        #expect(throws: ApusError.columnIndexOutOfRange(path: path, index: k, columns: 3)) {
            try loadCSV(path: path, target: .index(k))
        }
    }
    #expect(ApusError.columnIndexOutOfRange(path: "d.csv", index: 3, columns: 3).description
            == "file 'd.csv' has 3 columns (indices 0...2); column index 3 is out of range")
}

@Test func rowWithTheWrongNumberOfFields() {
    // Line 4 counts the header (1) and the blank line (3).
    let path = csvFile("a,b,y\n1,2,3\n\n4,5\n")
    defer { removeFiles(path) }
    let error = ApusError.malformedRow(path: path, line: 4, reason: "expected 3 fields as in the header, found 2")
    #expect(throws: error) { try loadCSV(path: path) }
    #expect(error.description == "file '\(path)', line 4: expected 3 fields as in the header, found 2")

    let noHeader = csvFile("1,2,3\r\n4,5,6,7\r\n")
    defer { removeFiles(noHeader) }
    #expect(throws: ApusError.malformedRow(path: noHeader, line: 2, reason: "expected 3 fields as in the first row, found 4")) {
        try loadCSV(path: noHeader, hasHeader: false)
    }
}

@Test func nonNumericFeatureNamesLineAndField() {
    let path = csvFile("a,b,y\n1,2,cat\n3,abc,dog\n")
    defer { removeFiles(path) }
    let error = ApusError.malformedRow(path: path, line: 3, reason: "column 'b' (field 2): 'abc' is not a number")
    #expect(throws: error) { try loadCSV(path: path) }
    #expect(error.description == "file '\(path)', line 3: column 'b' (field 2): 'abc' is not a number")
    // An empty feature is not a number either.
    let empty = csvFile("a,b,y\n1,,0\n")
    defer { removeFiles(empty) }
    #expect(throws: ApusError.malformedRow(path: empty, line: 2, reason: "column 'b' (field 2): '' is not a number")) {
        try loadCSV(path: empty)
    }
}

@Test func missingTargetValueAndUnclosedQuote() {
    let path = csvFile("a,y\n1,0\n2, \n")
    defer { removeFiles(path) }
    #expect(throws: ApusError.malformedRow(path: path, line: 3, reason: "column 'y' (field 2): missing target value")) {
        try loadCSV(path: path)
    }
    let quote = csvFile("a,y\n1,0\n2,\"open\n3,1\n")
    defer { removeFiles(quote) }
    #expect(throws: ApusError.malformedRow(path: quote, line: 3, reason: "quoted field opened here is never closed")) {
        try loadCSV(path: quote)
    }
}
