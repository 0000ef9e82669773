import Foundation

/// Writes one CSV row of metrics per epoch, as Keras's `CSVLogger` callback.
///
/// The header is `epoch` followed by the metric names of the first ``log(epoch:metrics:)``
/// call, sorted; each row is written (not buffered) as it is logged, so a run that stops
/// early keeps its rows. With `append`, an existing file is continued (resuming a run): its
/// header gives the columns and no new header is written.
///
/// ```swift
/// let logger = try CSVLogger(path: "runs/mlp/metrics.csv")
/// try logger.log(epoch: 0, metrics: ["loss": 0.52, "accuracy": 0.91])
/// // epoch,accuracy,loss
/// // 0,0.91,0.52
/// ```
///
/// A metric missing from a later row leaves its field empty; a metric that is not a column of
/// the header is an error. Fields with a comma, quote or line break are quoted (RFC 4180).
public final class CSVLogger {
    /// The CSV file.
    public let path: String
    /// The metric columns after `epoch`, once known (from the first row logged or the appended file's header).
    public private(set) var columns: [String]?

    private var handle: FileHandle?

    /// Opens `path` for logging: a new file (replacing any old one), or, with `append` and an
    /// existing non-empty file, the end of that file.
    ///
    /// - Throws: ``ApusError/fileNotWritable(path:reason:)`` when the file cannot be created or opened;
    ///   ``ApusError/corruptFile(path:reason:)`` when the file to append to does not start with an
    ///   `epoch` header.
    public init(path: String, append: Bool = false) throws {
        self.path = path
        let fm = FileManager.default
        if append, let existing = fm.contents(atPath: path), !existing.isEmpty {
            let text = String(decoding: existing, as: UTF8.self)
            let header = try CSVParser.records(in: Array(existing), delimiter: UInt8(ascii: ","), path: path).first
            guard let names = header?.fields, names.first == "epoch" else {
                throw ApusError.corruptFile(path: path, reason: "expected a header starting with 'epoch' to append to")
            }
            columns = Array(names.dropFirst())
            guard let h = FileHandle(forWritingAtPath: path) else { throw ApusError.fileNotWritable(path: path) }
            handle = h
            _ = try h.seekToEnd()
            if !text.hasSuffix("\n") { try write("\n") }
        } else {
            guard fm.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw ApusError.fileNotWritable(path: path)
            }
            handle = h
        }
    }

    deinit { try? handle?.close() }

    /// Appends the row `epoch, metrics…` (writing the header first if the file has none).
    ///
    /// - Throws: ``ApusError/invalidArgument(_:)`` for a metric that is not a column of the
    ///   header; ``ApusError/fileNotWritable(path:reason:)`` when writing fails or the logger is closed.
    public func log(epoch: Int, metrics: [String: Double]) throws {
        let columns: [String]
        if let known = self.columns {
            columns = known
            if let unknown = metrics.keys.sorted().first(where: { !known.contains($0) }) {
                throw ApusError.invalidArgument(
                    "CSVLogger: metric '\(unknown)' is not a column of '\(path)' (epoch, \(known.joined(separator: ", ")))")
            }
        } else {
            columns = metrics.keys.sorted()
            self.columns = columns
            try write((["epoch"] + columns).map(Self.escaped).joined(separator: ",") + "\n")
        }
        let fields = [String(epoch)] + columns.map { metrics[$0].map { "\($0)" } ?? "" }
        try write(fields.map(Self.escaped).joined(separator: ",") + "\n")
    }

    /// Closes the file; later calls to ``log(epoch:metrics:)`` throw.
    public func close() {
        try? handle?.close()
        handle = nil
    }

    private func write(_ text: String) throws {
        guard let handle else { throw ApusError.fileNotWritable(path: path) }
        do { try handle.write(contentsOf: Data(text.utf8)) } catch { throw ApusError.fileNotWritable(path: path) }
    }

    /// The field quoted (RFC 4180) when it holds a comma, quote or line break.
    static func escaped(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
