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

/// A table of numeric features and one target column read from a CSV file (see ``loadCSV(path:hasHeader:target:delimiter:allowNonFinite:)``).
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
/// spaces around a value are ignored. Every non-target field must be a decimal number (`1`,
/// `-2.5e3`, `.5`), read as the nearest `Double` (exactly `Double(text)`) and rounded to float32.
/// When every target value is a number the targets are float32 (cast them with
/// `.cast(to: .int64)` for numeric class labels); otherwise they are int64 class indices, with the
/// labels in ``CSVDataset/classNames``.
///
/// Nothing is guessed silently: `nan`, `inf`, `infinity` and numbers beyond float32's range
/// (`1e400`, `1e39`) are errors unless `allowNonFinite` is true (then they load as NaN and ±∞);
/// two header columns with the same name, a NUL byte, and text that is not UTF-8 in a header
/// name or label are errors.
///
/// The file is read in blocks, one record at a time, straight into the float32 matrix: memory
/// stays near the size of the features tensor plus one line, whatever the file's size.
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
///   a non-numeric or non-finite feature, a missing target, an unterminated quote, a NUL byte or
///   a duplicated column name, naming the line (1-based, counting the header) and the column.
public func loadCSV(path: String, hasHeader: Bool = true, target: CSVTarget = .last,
                    delimiter: Character = ",", allowNonFinite: Bool = false) throws -> CSVDataset {
    require(delimiter.isASCII && delimiter.utf8.count == 1 && !"\"\r\n".contains(delimiter) && delimiter != "\0",
            "loadCSV: the delimiter must be one ASCII character other than a quote, NUL or line break, got '\(delimiter)'")
    let options = CSVLoadOptions(hasHeader: hasHeader, target: target, allowNonFinite: allowNonFinite)
    let byte = delimiter.utf8.first!
    do {
        var reader = try CSVReader(path: path, delimiter: byte)
        defer { reader.close() }
        return try CSVLoader.load(&reader, options: options)
    } catch CSVLoader.Restart.asLabels {
        // A text label after numeric ones: read the file again keeping every target as text.
        var reader = try CSVReader(path: path, delimiter: byte)
        defer { reader.close() }
        return try CSVLoader.load(&reader, options: options, targetsAsLabels: true)
    }
}

/// ``loadCSV(path:hasHeader:target:delimiter:allowNonFinite:)`` on bytes in memory (named `path`
/// in errors), read `readSize` bytes at a time.
func loadCSV(bytes: [UInt8], path: String = "<CSV data>", hasHeader: Bool = true, target: CSVTarget = .last,
             delimiter: UInt8 = UInt8(ascii: ","), allowNonFinite: Bool = false, readSize: Int = 1 << 20) throws -> CSVDataset {
    let options = CSVLoadOptions(hasHeader: hasHeader, target: target, allowNonFinite: allowNonFinite)
    do {
        var reader = CSVReader(bytes: bytes, path: path, delimiter: delimiter, readSize: readSize)
        return try CSVLoader.load(&reader, options: options)
    } catch CSVLoader.Restart.asLabels {
        var reader = CSVReader(bytes: bytes, path: path, delimiter: delimiter, readSize: readSize)
        return try CSVLoader.load(&reader, options: options, targetsAsLabels: true)
    }
}

struct CSVLoadOptions {
    var hasHeader: Bool
    var target: CSVTarget
    var allowNonFinite: Bool
}

/// What to do about a value that is not a finite float32: fix the file, or (from code) load it.
private let nonFiniteAdvice = "; fix or remove it (training needs finite numbers), or load such values as NaN and "
    + "infinities from code with loadCSV(path:…, allowNonFinite: true)"

/// Turns the records of a ``CSVReader`` into features, targets and names, checking every row.
enum CSVLoader {
    /// Thrown when a target that is not a number follows numeric ones: the file is read again
    /// with every target kept as a class label (the first pass kept only numbers).
    enum Restart: Error { case asLabels }

    /// Floats per block of the growing feature matrix (1 MiB).
    static let blockFloats = 1 << 18

    /// The feature matrix while it grows: blocks mapped from the system one at a time, copied into
    /// the tensor at the end and unmapped one by one, so memory peaks at about one matrix plus one
    /// block. (Blocks from `malloc` would stay in the heap after being freed, keeping two matrices
    /// resident.)
    struct FloatBlocks: ~Copyable {
        private var blocks: [UnsafeMutablePointer<Float>] = []
        private var used = CSVLoader.blockFloats  // in the last block
        private(set) var count = 0

        /// Appends `value`; false when the system has no memory left for another block.
        mutating func append(_ value: Float) -> Bool {
            if used == CSVLoader.blockFloats {
                let bytes = CSVLoader.blockFloats * MemoryLayout<Float>.stride
                guard let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                      raw != MAP_FAILED else { return false }
                blocks.append(raw.bindMemory(to: Float.self, capacity: CSVLoader.blockFloats))
                used = 0
            }
            blocks[blocks.count - 1][used] = value
            used += 1
            count += 1
            return true
        }

        /// Copies every value to `out` in order, unmapping each block after its copy.
        consuming func move(to out: UnsafeMutablePointer<Float>) {
            var written = 0
            for (b, block) in blocks.enumerated() {
                let n = b == blocks.count - 1 ? used : CSVLoader.blockFloats
                out.advanced(by: written).update(from: block, count: n)
                written += n
                munmap(block, CSVLoader.blockFloats * MemoryLayout<Float>.stride)
            }
            blocks = []
        }

        deinit {
            for block in blocks { munmap(block, CSVLoader.blockFloats * MemoryLayout<Float>.stride) }
        }
    }

    static func load(_ reader: inout CSVReader, options: CSVLoadOptions, targetsAsLabels: Bool = false) throws -> CSVDataset {
        let path = reader.path
        guard try reader.next() else { throw ApusError.emptyFile(path: path) }
        let columns = reader.fieldCount
        let headerLine = reader.recordLine
        var names: [String]
        if options.hasHeader {
            names = []
            for c in 0..<columns {
                guard let text = reader.fieldText(c) else {
                    throw ApusError.malformedRow(path: path, line: headerLine, reason: "column name \(c + 1) is not UTF-8 text")
                }
                names.append(trimmed(text))
            }
            var seen: [String: Int] = [:]
            for (c, name) in names.enumerated() {
                if let first = seen[name] {
                    throw ApusError.malformedRow(path: path, line: headerLine, reason: "column name '\(name)' appears twice "
                        + "(fields \(first + 1) and \(c + 1)): a column could not be chosen by name")
                }
                seen[name] = c
            }
        } else {
            names = (0..<columns).map(String.init)
        }

        let targetColumn: Int
        switch options.target {
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
        func shown(_ range: Range<Int>) -> String {
            let text = String(decoding: reader.fieldBytes[range], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            return text.count > 40 ? String(text.prefix(40)) + "…" : text
        }

        let featureCount = columns - 1
        var matrix = FloatBlocks()
        var numericTargets: [Float] = []
        var labelIndex: [String: Int32] = [:]
        var labelIDs: [Int32] = []
        var firstNonFiniteTarget: ApusError? = nil
        var rows = 0
        var isFirst = true

        while true {
            if isFirst && !options.hasHeader {
                isFirst = false  // the first record is a row
            } else {
                isFirst = false
                guard try reader.next() else { break }
            }
            let line = reader.recordLine
            guard reader.fieldCount == columns else {
                throw ApusError.malformedRow(path: path, line: line, reason: "expected \(columns) fields"
                    + (options.hasHeader ? " as in the header" : " as in the first row") + ", found \(reader.fieldCount)")
            }
            try reader.fieldBytes.withUnsafeBufferPointer { bytes in
                for c in 0..<columns {
                    let range = reader.fieldRange(c)
                    let parsed = CSVNumber.parse(bytes.baseAddress! + range.lowerBound, count: range.count)
                    if c == targetColumn {
                        if targetsAsLabels {
                            guard let text = reader.fieldText(c).map(trimmed) else {
                                throw ApusError.malformedRow(path: path, line: line, reason: "\(describe(c)): the label is not UTF-8 text")
                            }
                            guard !text.isEmpty else {
                                throw ApusError.malformedRow(path: path, line: line, reason: "\(describe(c)): missing target value")
                            }
                            let id = labelIndex[text] ?? {
                                let next = Int32(labelIndex.count)
                                labelIndex[text] = next
                                return next
                            }()
                            labelIDs.append(id)
                            continue
                        }
                        switch parsed {
                        case .finite(let v):
                            let f = Float(v)
                            if !f.isFinite && !options.allowNonFinite && firstNonFiniteTarget == nil {
                                firstNonFiniteTarget = .malformedRow(path: path, line: line, reason:
                                    "\(describe(c)): '\(shown(range))' is too large for float32 (at most ±3.4e38)" + nonFiniteAdvice)
                            }
                            numericTargets.append(f)
                        case .nonFinite(let v, let overflow):
                            if !options.allowNonFinite && firstNonFiniteTarget == nil {
                                firstNonFiniteTarget = .malformedRow(path: path, line: line, reason: "\(describe(c)): '\(shown(range))' "
                                    + (overflow ? "is too large for a number" : "is not a finite number") + nonFiniteAdvice)
                            }
                            numericTargets.append(Float(v))
                        case .notANumber:
                            if range.isEmpty || shown(range).isEmpty {
                                throw ApusError.malformedRow(path: path, line: line, reason: "\(describe(c)): missing target value")
                            }
                            throw Restart.asLabels
                        }
                        continue
                    }
                    let value: Float
                    switch parsed {
                    case .finite(let v):
                        value = Float(v)
                        if !value.isFinite && !options.allowNonFinite {
                            throw ApusError.malformedRow(path: path, line: line, reason: "\(describe(c)): '\(shown(range))' is too "
                                + "large for float32 (at most ±3.4e38)" + nonFiniteAdvice)
                        }
                    case .nonFinite(let v, let overflow):
                        guard options.allowNonFinite else {
                            throw ApusError.malformedRow(path: path, line: line, reason: "\(describe(c)): '\(shown(range))' "
                                + (overflow ? "is too large for a number" : "is not a finite number") + nonFiniteAdvice)
                        }
                        value = Float(v)
                    case .notANumber:
                        throw ApusError.malformedRow(path: path, line: line, reason: "\(describe(c)): '\(shown(range))' is not a number")
                    }
                    guard matrix.append(value) else {
                        throw ApusError.invalidArgument("loadCSV: '\(path)' does not fit in memory: the system refused more "
                                                        + "after \(matrix.count) values (line \(line))")
                    }
                }
            }
            rows += 1
        }
        guard rows > 0 else { throw ApusError.emptyFile(path: path) }
        if let firstNonFiniteTarget { throw firstNonFiniteTarget }

        // The feature matrix: the blocks in order, each unmapped as soon as it is copied.
        require(matrix.count == rows * featureCount, "loadCSV: \(matrix.count) features for \(rows) rows of \(featureCount)")
        let features = Tensor(uninitialized: [rows, featureCount], dtype: .float32)
        matrix.move(to: features.storage.raw.assumingMemoryBound(to: Float.self))

        let targets: Tensor
        var classNames: [String]? = nil
        if targetsAsLabels {
            // Class indices follow the sorted labels (scikit-learn's LabelEncoder).
            let sorted = labelIndex.keys.sorted()
            var remap = [Int64](repeating: 0, count: sorted.count)
            for (rank, label) in sorted.enumerated() { remap[Int(labelIndex[label]!)] = Int64(rank) }
            targets = Tensor(scalars: labelIDs.map { remap[Int($0)] })
            classNames = sorted
        } else {
            targets = Tensor(scalars: numericTargets)
        }
        var featureNames = names
        featureNames.remove(at: targetColumn)
        return CSVDataset(features: features, targets: targets, featureNames: featureNames,
                          targetName: names[targetColumn], classNames: classNames)
    }
}

/// One record of a CSV file: the line it starts on (1-based) and its fields (not trimmed).
struct CSVRecord: Equatable {
    var line: Int
    var fields: [String]
}

/// Splits CSV bytes into records (for small texts such as a log's header; ``loadCSV(path:hasHeader:target:delimiter:allowNonFinite:)``
/// streams instead).
enum CSVParser {
    static func records(in bytes: [UInt8], delimiter: UInt8, path: String) throws -> [CSVRecord] {
        var reader = CSVReader(bytes: bytes, path: path, delimiter: delimiter)
        var records: [CSVRecord] = []
        while try reader.next() {
            records.append(CSVRecord(line: reader.recordLine, fields: (0..<reader.fieldCount).map {
                String(decoding: reader.fieldBytes[reader.fieldRange($0)], as: UTF8.self)
            }))
        }
        return records
    }
}

private func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces) }
