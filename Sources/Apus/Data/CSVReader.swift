import Foundation

/// Reads CSV records one at a time from a file or from bytes in memory, holding only one block
/// of input and one record: RFC 4180 fields separated by `delimiter`, fields in double quotes may
/// hold delimiters, line breaks and doubled quotes; lines end in LF, CRLF or CR; blank lines are
/// skipped and a UTF-8 byte-order mark at the start is ignored.
///
/// A record's fields are stored back to back in ``fieldBytes``, each followed by a NUL byte, so a
/// number parser can read a field in place. A NUL byte inside the data is an error (a binary
/// file, or one in UTF-16, is not CSV), as is a quote that is never closed.
struct CSVReader {
    /// Where the bytes come from.
    enum Source {
        case file(Int32)
        case bytes([UInt8], position: Int)
    }

    private var source: Source
    /// The file (or data) name in errors.
    let path: String
    private let delimiter: UInt8
    /// Input block: bytes `position..<end` are not yet consumed.
    private var buffer: [UInt8]
    private var position = 0
    private var end = 0
    /// The most bytes one read asks for.
    private let readSize: Int
    private var atEndOfInput = false
    private var started = false

    /// The current physical line (1-based).
    private var line = 1
    /// The line the last record returned by ``next()`` starts on.
    private(set) var recordLine = 0
    /// The last record's fields, each followed by a NUL byte.
    private(set) var fieldBytes: [UInt8] = []
    /// Where each field of the last record ends in ``fieldBytes`` (the index of its NUL byte).
    private(set) var fieldEnds: [Int] = []

    /// A reader of the file at `path`; throws ``ApusError/fileNotReadable(path:)``.
    init(path: String, delimiter: UInt8, readSize: Int = 1 << 20) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ApusError.fileNotReadable(path: path)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ApusError.fileNotReadable(path: path) }
        self.init(source: .file(fd), path: path, delimiter: delimiter, readSize: readSize)
    }

    /// A reader of `bytes` (named `path` in errors), `readSize` bytes at a time (tests use tiny
    /// blocks to cross block boundaries everywhere).
    init(bytes: [UInt8], path: String, delimiter: UInt8, readSize: Int = 1 << 20) {
        self.init(source: .bytes(bytes, position: 0), path: path, delimiter: delimiter, readSize: readSize)
    }

    private init(source: Source, path: String, delimiter: UInt8, readSize: Int) {
        self.source = source
        self.path = path
        self.delimiter = delimiter
        self.readSize = Swift.max(readSize, 1)
        buffer = [UInt8](repeating: 0, count: Swift.max(readSize, 4))
    }

    /// Closes the file (readers of files must be closed; reading after it is an error).
    mutating func close() {
        if case .file(let fd) = source, fd >= 0 {
            _ = Foundation.close(fd)
            source = .file(-1)
        }
    }

    /// Number of fields of the last record.
    var fieldCount: Int { fieldEnds.count }

    /// The bytes of field `i` of the last record (without its NUL).
    func fieldRange(_ i: Int) -> Range<Int> { (i == 0 ? 0 : fieldEnds[i - 1] + 1)..<fieldEnds[i] }

    /// Field `i` of the last record as text, or nil when it is not valid UTF-8.
    func fieldText(_ i: Int) -> String? { String(validating: fieldBytes[fieldRange(i)], as: UTF8.self) }

    // MARK: Input

    /// Moves the unread bytes to the front and reads more; false at the end of the input.
    private mutating func refill() throws -> Bool {
        guard !atEndOfInput else { return false }
        if position > 0 {
            let remaining = end - position
            if remaining > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    (b.baseAddress! + 0).update(from: b.baseAddress! + position, count: remaining)
                }
            }
            end = remaining
            position = 0
        }
        let room = Swift.min(buffer.count - end, readSize)
        guard room > 0 else { return true }
        let got: Int
        switch source {
        case .file(let fd):
            var n: Int
            repeat {
                n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + end, room) }
            } while n < 0 && errno == EINTR
            guard n >= 0 else { throw ApusError.fileNotReadable(path: path) }
            got = n
        case .bytes(let bytes, let at):
            got = Swift.min(room, bytes.count - at)
            buffer.withUnsafeMutableBufferPointer { b in
                bytes.withUnsafeBufferPointer { (b.baseAddress! + end).update(from: $0.baseAddress! + at, count: got) }
            }
            source = .bytes(bytes, position: at + got)
        }
        if got == 0 { atEndOfInput = true }
        end += got
        return got > 0
    }

    /// The next byte, nil at the end of the input.
    @inline(__always)
    private mutating func nextByte() throws -> UInt8? {
        if position == end, try !refill() { return nil }
        let b = buffer[position]
        position += 1
        return b
    }

    /// The next byte without consuming it, nil at the end of the input.
    @inline(__always)
    private mutating func peekByte() throws -> UInt8? {
        if position == end, try !refill() { return nil }
        return buffer[position]
    }

    // MARK: Records

    /// Reads the next record into ``fieldBytes`` and ``fieldEnds``; false at the end of the input.
    mutating func next() throws -> Bool {
        if !started {
            started = true
            while end - position < 3, try refill() {}
            if end - position >= 3 && buffer[position] == 0xEF && buffer[position + 1] == 0xBB && buffer[position + 2] == 0xBF {
                position += 3  // UTF-8 byte-order mark
            }
        }
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        while true {
            fieldBytes.removeAll(keepingCapacity: true)
            fieldEnds.removeAll(keepingCapacity: true)
            recordLine = line
            var fieldStart = 0
            var onlySpaces = true       // the current field holds nothing but spaces so far
            var recordHasQuotes = false
            var sawAnything = false     // any byte of this record, for the end of the input
            func endField() {
                fieldEnds.append(fieldBytes.count)
                fieldBytes.append(0)
                fieldStart = fieldBytes.count
                onlySpaces = true
            }
            func nulError() -> ApusError {
                .malformedRow(path: path, line: line, reason: "field \(fieldEnds.count + 1) holds a NUL byte "
                              + "(a binary or UTF-16 file is not CSV text)")
            }
            recordLoop: while true {
                guard let b = try nextByte() else {
                    // End of the input: the last record needs no line break.
                    guard sawAnything else { return false }
                    endField()
                    break recordLoop
                }
                sawAnything = true
                switch b {
                case delimiter:
                    endField()
                case lf:
                    endField()
                    line += 1
                    break recordLoop
                case cr:
                    if try peekByte() == lf { continue }  // the LF ends the line
                    endField()
                    line += 1
                    break recordLoop
                case quote where onlySpaces:
                    // An opening quote (after nothing but spaces, which are dropped).
                    fieldBytes.removeSubrange(fieldStart...)
                    recordHasQuotes = true
                    let quoteLine = line
                    quoted: while true {
                        guard let q = try nextByte() else {
                            throw ApusError.malformedRow(path: path, line: quoteLine,
                                                         reason: "quoted field opened here is never closed")
                        }
                        switch q {
                        case quote:
                            if try peekByte() == quote {
                                position += 1
                                fieldBytes.append(quote)
                            } else {
                                break quoted
                            }
                        case 0:
                            throw nulError()
                        default:
                            if q == lf { line += 1 }
                            fieldBytes.append(q)
                        }
                    }
                    onlySpaces = false
                case 0:
                    throw nulError()
                default:
                    if b != space { onlySpaces = false }
                    fieldBytes.append(b)
                }
            }
            // A line of nothing but spaces and tabs (no quotes, no delimiter) is blank, not a record.
            let blank = !recordHasQuotes && fieldEnds.count == 1
                && fieldBytes[0..<fieldEnds[0]].allSatisfy { $0 == space || $0 == tab }
            if !blank { return true }
        }
    }
}
