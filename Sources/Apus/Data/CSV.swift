import Foundation

/// Which column of a CSV file holds the targets.
public enum CSVTarget: Sendable, Equatable {
    /// The column with this header name (needs a header).
    case name(String)
    /// The column at this 0-based index.
    case index(Int)
    /// The last column.
    case last
}

/// A table of numeric features and one target column read from a CSV file (see ``loadCSV(path:hasHeader:target:delimiter:)``).
///
/// Usable as a ``Dataset`` directly, or as a ``TensorDataset`` through ``dataset`` (to split it
/// or standardize it).
public struct CSVDataset: Dataset, Sendable {
    /// The feature columns, `[N, F]` float32, in file order without the target column.
    public let features: Tensor
    /// The targets, `[N]`: float32 when every target value is a number, otherwise int64 class
    /// indices into ``classNames``.
    public let targets: Tensor
    /// The feature columns' names (the header's, or `"0"`, `"1"`, … by column index without a header).
    public let featureNames: [String]
    /// The target column's name.
    public let targetName: String
    /// For non-numeric targets, the label of each class index: the distinct labels sorted
    /// (as scikit-learn's `LabelEncoder`), so `classNames[Int(targets[i])]` is row i's label.
    /// `nil` for numeric targets.
    public let classNames: [String]?

    /// Number of rows.
    public var count: Int { features.shape[0] }

    /// The rows at `indices`: features `[B, F]`, targets `[B]`.
    public func batch(at indices: [Int]) -> (inputs: Tensor, targets: Tensor) {
        dataset.batch(at: indices)
    }

    /// The same rows as a ``TensorDataset`` (inputs = features).
    public var dataset: TensorDataset { TensorDataset(inputs: features, targets: targets) }
}

/// Reads a CSV file of numeric features and one target column, as `pandas.read_csv` followed by
/// taking the target column out.
///
/// The format is RFC 4180's: fields separated by `delimiter`; a field in double quotes may hold
/// delimiters, line breaks and doubled quotes (`""` for `"`); lines end in LF or CRLF; a final
/// line break is optional, blank lines are skipped, a UTF-8 byte-order mark is ignored, and
/// spaces around a value are ignored. Every non-target field must parse as a number (`1`,
/// `-2.5e3`, `nan`, `inf`). When every target value is a number the targets are float32
/// (cast them with `.cast(to: .int64)` for numeric class labels); otherwise they are int64 class
/// indices, with the labels in ``CSVDataset/classNames``.
///
/// ```swift
/// let iris = try loadCSV(path: "iris.csv", target: .name("species"))
/// iris.features.shape   // [150, 4]
/// iris.classNames       // ["setosa", "versicolor", "virginica"]
/// ```
///
/// - Throws: ``ApusError/fileNotReadable(path:)`` when the file is missing or unreadable;
///   ``ApusError/emptyFile(path:)`` when it holds no data row; ``ApusError/unknownColumn(path:name:available:)``
///   or ``ApusError/columnIndexOutOfRange(path:index:columns:)`` for a target not in the file;
///   ``ApusError/malformedRow(path:line:reason:)`` for a row with the wrong number of fields,
///   a non-numeric feature, a missing target or an unterminated quote, naming the line
///   (1-based, counting the header) and the column.
public func loadCSV(path: String, hasHeader: Bool = true, target: CSVTarget = .last,
                    delimiter: Character = ",") throws -> CSVDataset {
    require(delimiter.isASCII && delimiter.utf8.count == 1 && !"\"\r\n".contains(delimiter),
            "loadCSV: the delimiter must be one ASCII character other than a quote or line break, got '\(delimiter)'")
    guard let data = FileManager.default.contents(atPath: path) else { throw ApusError.fileNotReadable(path: path) }
    let records = try CSVParser.records(in: [UInt8](data), delimiter: delimiter.utf8.first!, path: path)
    return try makeCSVDataset(records, path: path, hasHeader: hasHeader, target: target)
}

/// One record of a CSV file: the line it starts on (1-based) and its fields (not trimmed).
struct CSVRecord: Equatable {
    var line: Int
    var fields: [String]
}

/// Splits CSV bytes into records (RFC 4180 with LF or CRLF line ends; blank lines skipped).
enum CSVParser {
    static func records(in bytes: [UInt8], delimiter: UInt8, path: String) throws -> [CSVRecord] {
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var inQuotes = false, recordHasQuotes = false, quoteLine = 0
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // UTF-8 byte-order mark

        func endRecord() {
            fields.append(String(decoding: field, as: UTF8.self))
            let blank = !recordHasQuotes && fields.count == 1 && fields[0].allSatisfy { $0 == " " || $0 == "\t" }
            if !blank { records.append(CSVRecord(line: recordLine, fields: fields)) }
            fields = []; field = []; recordHasQuotes = false
        }

        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if inQuotes {
                if b == quote {
                    if i < bytes.count && bytes[i] == quote { field.append(quote); i += 1 } else { inQuotes = false }
                } else {
                    if b == lf { line += 1 }
                    field.append(b)
                }
                continue
            }
            switch b {
            case quote where field.allSatisfy({ $0 == UInt8(ascii: " ") }):
                field = []; inQuotes = true; recordHasQuotes = true; quoteLine = line
            case delimiter:
                fields.append(String(decoding: field, as: UTF8.self)); field = []
            case cr where i < bytes.count && bytes[i] == lf:
                continue  // the LF ends the line
            case lf, cr:
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(b)
            }
        }
        if inQuotes {
            throw ApusError.malformedRow(path: path, line: quoteLine, reason: "quoted field opened here is never closed")
        }
        if !fields.isEmpty || !field.isEmpty || recordHasQuotes { endRecord() }
        return records
    }
}

/// Turns parsed records into features, targets and names, checking every row.
func makeCSVDataset(_ records: [CSVRecord], path: String, hasHeader: Bool, target: CSVTarget) throws -> CSVDataset {
    guard let first = records.first else { throw ApusError.emptyFile(path: path) }
    let names = hasHeader ? first.fields.map(trimmed) : first.fields.indices.map(String.init)
    let rows = hasHeader ? records.dropFirst() : records[...]
    guard !rows.isEmpty else { throw ApusError.emptyFile(path: path) }
    let columns = names.count

    let targetColumn: Int
    switch target {
    case .name(let name):
        guard let c = names.firstIndex(of: name) else {
            throw ApusError.unknownColumn(path: path, name: name, available: names)
        }
        targetColumn = c
    case .index(let k):
        guard k >= 0 && k < columns else { throw ApusError.columnIndexOutOfRange(path: path, index: k, columns: columns) }
        targetColumn = k
    case .last:
        targetColumn = columns - 1
    }
    func describe(_ column: Int) -> String { "column '\(names[column])' (field \(column + 1))" }

    var features: [Float] = []
    features.reserveCapacity(rows.count * (columns - 1))
    var labels: [String] = []
    labels.reserveCapacity(rows.count)
    for row in rows {
        guard row.fields.count == columns else {
            throw ApusError.malformedRow(path: path, line: row.line, reason: "expected \(columns) fields"
                + (hasHeader ? " as in the header" : " as in the first row") + ", found \(row.fields.count)")
        }
        for (c, raw) in row.fields.enumerated() {
            let value = trimmed(raw)
            if c == targetColumn {
                guard !value.isEmpty else {
                    throw ApusError.malformedRow(path: path, line: row.line, reason: "\(describe(c)): missing target value")
                }
                labels.append(value)
            } else {
                guard let number = Double(value) else {
                    throw ApusError.malformedRow(path: path, line: row.line,
                                                 reason: "\(describe(c)): '\(value)' is not a number")
                }
                features.append(Float(number))
            }
        }
    }

    let targets: Tensor
    var classNames: [String]? = nil
    let numbers = labels.compactMap(Double.init)
    if numbers.count == labels.count {
        targets = Tensor(scalars: numbers.map { Float($0) })
    } else {
        let classes = Array(Set(labels)).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int64($0)) })
        targets = Tensor(scalars: labels.map { index[$0]! })
        classNames = classes
    }
    var featureNames = names
    featureNames.remove(at: targetColumn)
    return CSVDataset(features: Tensor(scalars: features, shape: [rows.count, columns - 1]), targets: targets,
                      featureNames: featureNames, targetName: names[targetColumn], classNames: classNames)
}

private func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces) }
