import Foundation

// Tensor storage is copied to and from the file's little-endian bytes unchanged.
#if _endian(big)
#error("Safetensors.swift assumes a little-endian host")
#endif

/// Reading and writing the [safetensors](https://github.com/huggingface/safetensors) format,
/// the checkpoint format of Hugging Face and of `safetensors.torch.save_file` / `load_file`.
///
/// A file is
///
///     [8 bytes: N, little-endian UInt64] [N bytes: JSON header] [data]
///
/// where the header maps each tensor name to `{"dtype": "F32", "shape": [3, 4], "data_offsets": [begin, end]}`
/// (byte offsets into the data part, row-major little-endian elements) and may hold a
/// `"__metadata__"` object of string → string. Apus writes and reads every dtype it has (`BOOL`,
/// `U8`, `I8`, `I16`, `I32`, `I64`, `F16`, `BF16`, `F32`, `F64`). By default reading widens
/// `F16` and `BF16` to float32 and the narrow integers to int64, the types a model computes
/// with; `preservingDTypes: true` keeps every tensor in the file's dtype (half the memory for
/// half-precision weights).
///
/// Files are written byte for byte as Python's `safetensors` writes them: tensors ordered by dtype
/// (`I64`, `F64`, `F32`, `I32`, `BF16`, `F16`, `I16`, `I8`, `U8`, `BOOL`: the order of the Rust
/// library's dtype enum, largest first) and then
/// by name, data in that order with no gaps, `__metadata__` first with its keys sorted, compact JSON,
/// and the header padded with spaces to a multiple of 8 bytes. Writes are atomic (see ``write(_:metadata:checksum:to:)``).
///
/// Reading validates everything and throws ``ApusError`` naming the file and the problem: a missing file,
/// a file shorter than 8 bytes, a header length beyond the file, invalid JSON (read by a strict JSON reader:
/// a tensor named twice is an error, sizes are exact integers), unknown dtypes, shapes whose size
/// overflows, data offsets out of bounds, overlapping, leaving gaps or not matching shape × dtype
/// size, truncated data, and a data checksum (``checksumKey``) that does not match.
public enum Safetensors {
    /// Header entries above this size are refused (Python's safetensors uses the same limit).
    static let maximumHeaderBytes = 100_000_000

    /// The contents of a safetensors file: tensors in file order and the `__metadata__` strings.
    public struct Contents: Sendable {
        /// Tensors in the order of their data in the file.
        public var tensors: [(name: String, tensor: Tensor)]
        /// The `__metadata__` map (empty when the file has none).
        public var metadata: [String: String]

        /// Contents to write: named tensors in order, and string metadata.
        public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) {
            self.tensors = tensors
            self.metadata = metadata
        }

        /// The tensor named `name`, if present.
        public subscript(name: String) -> Tensor? { tensors.first { $0.name == name }?.tensor }

        /// The tensors keyed by name (for ``Module/loadStateDict(_:strict:)``).
        public var dictionary: [String: Tensor] { Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }) }
    }

    // MARK: - Writing

    /// Writes `tensors` and `metadata` to `path` atomically: the bytes go to a temporary file in the
    /// same directory, which is flushed to disk (`fsync`) and renamed over `path`, so `path` holds
    /// either its previous contents or the complete new file, never a partial one.
    ///
    /// Names must be unique and not `__metadata__`. Tensors are written in their dtype as
    /// contiguous row-major data; gradients are not saved. With
    /// `checksum`, the metadata also records the CRC-32C of the data section under ``checksumKey``
    /// (8 hexadecimal digits), which ``read(_:preservingDTypes:)`` verifies; checkpoints are written so.
    /// Before writing, temporary files that an interrupted earlier write of `path` left behind
    /// (a process killed mid-write) are removed.
    /// Throws ``ApusError/fileNotWritable(path:reason:)`` when the file cannot be written (also when
    /// its directory does not exist: it is not created).
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                             checksum: Bool = false, to path: String) throws {
        let plan = layout(tensors, metadata: metadata, checksum: checksum)
        try AtomicFile.write(to: path) { sink in
            try sink.write(plan.prefix)
            for entry in plan.entries {
                try entry.tensor.withRawData { try sink.write($0) }
            }
        }
    }

    /// The complete file contents ``write(_:metadata:checksum:to:)`` would write.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                              checksum: Bool = false) -> [UInt8] {
        let plan = layout(tensors, metadata: metadata, checksum: checksum)
        var bytes = plan.prefix
        for entry in plan.entries {
            entry.tensor.withRawData { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// The metadata key holding the CRC-32C (Castagnoli) of the data section, as 8 lowercase
    /// hexadecimal digits: written with `checksum: true`, verified by every read when present.
    public static let checksumKey = "data_crc32c"

    /// Tensors in file order (contiguous, detached) and the 8-byte length plus padded header.
    private static func layout(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String],
                               checksum: Bool) -> (prefix: [UInt8], entries: [(name: String, tensor: Tensor)]) {
        var names = Set<String>()
        for (name, _) in tensors {
            require(name != "__metadata__", "Safetensors.write: '__metadata__' cannot be a tensor name")
            require(names.insert(name).inserted, "Safetensors.write: duplicate tensor name '\(name)'")
        }
        let entries = tensors.map { ($0.name, $0.tensor.detached().contiguous()) }
            .sorted { a, b in
                let ra = fileOrder(a.1.dtype), rb = fileOrder(b.1.dtype)
                return ra != rb ? ra > rb : a.0.utf8.lexicographicallyPrecedes(b.0.utf8)
            }
        var metadata = metadata
        if checksum {
            var crc: UInt32 = 0
            for (_, t) in entries { t.withRawData { crc = CRC32C.checksum($0, continuing: crc) } }
            metadata[checksumKey] = hex(crc)
        }
        var header = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                .map { jsonString($0) + ":" + jsonString(metadata[$0]!) }
            fields.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, t) in entries {
            let end = offset + t.count * t.dtype.byteSize
            fields.append(jsonString(name) + ":{\"dtype\":\"\(code(t.dtype))\",\"shape\":["
                          + t.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += fields.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes += [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8)
        var prefix = withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) }
        prefix += headerBytes
        return (prefix, entries.map { (name: $0.0, tensor: $0.1) })
    }

    /// Rank of a dtype in Python safetensors' write order (higher first): its Rust `Dtype` enum order.
    private static func fileOrder(_ dtype: DType) -> Int {
        switch dtype {
        case .bool: 0
        case .uint8: 1
        case .int8: 2
        case .int16: 3
        case .float16: 4
        case .bfloat16: 5
        case .int32: 6
        case .float32: 7
        case .float64: 8
        case .int64: 9
        }
    }

    /// The safetensors dtype code Apus writes for `dtype`.
    static func code(_ dtype: DType) -> String {
        switch dtype {
        case .bool: "BOOL"
        case .uint8: "U8"
        case .int8: "I8"
        case .int16: "I16"
        case .int32: "I32"
        case .int64: "I64"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .float32: "F32"
        case .float64: "F64"
        }
    }

    /// A JSON string literal escaped as Rust's serde_json does (so headers match Python's byte for byte).
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: - Reading

    /// Reads the safetensors file at `path`, validating header and data.
    ///
    /// Throws ``ApusError/fileNotReadable(path:)`` when the file is missing or unreadable and
    /// ``ApusError/corruptFile(path:reason:)`` for anything wrong inside it. Half-precision tensors
    /// widen to float32 and narrow integers to int64 unless `preservingDTypes`.
    public static func read(_ path: String, preservingDTypes: Bool = false) throws -> Contents {
        try withMappedFile(path) { try decode($0, path: path, preservingDTypes: preservingDTypes) }
    }

    /// Decodes the bytes of a safetensors file; `path` only names the file in error messages.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>", preservingDTypes: Bool = false) throws -> Contents {
        try bytes.withUnsafeBytes { try decode($0, path: path, preservingDTypes: preservingDTypes) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, path: String, preservingDTypes: Bool = false) throws -> Contents {
        func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }
        guard bytes.count >= 8 else {
            throw corrupt("not a safetensors file: \(bytes.count) bytes, shorter than the 8-byte header length")
        }
        var n: UInt64 = 0
        withUnsafeMutableBytes(of: &n) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<8])) }
        n = UInt64(littleEndian: n)
        guard n <= UInt64(bytes.count - 8) else {
            throw corrupt("header length \(n) runs beyond the end of the file (\(bytes.count) bytes)")
        }
        guard n <= UInt64(maximumHeaderBytes) else { throw corrupt("header length \(n) exceeds the limit of \(maximumHeaderBytes) bytes") }
        let headerEnd = 8 + Int(n)
        let header: Header
        do {
            header = try Header(UnsafeRawBufferPointer(rebasing: bytes[8..<headerEnd]))
        } catch {
            throw corrupt(error.message)
        }
        let metadata = header.metadata
        let entries = header.entries
        let dataStart = headerEnd
        let dataCount = bytes.count - dataStart
        // Per-tensor checks: known dtype, size matches shape. Sizes are multiplied with overflow
        // checks, zero dimensions left out so that every stride of the tensor fits too.
        for e in entries {
            guard let size = elementSize(e.dtype) else {
                throw corrupt("tensor '\(e.name)' has unknown dtype '\(e.dtype)'")
            }
            guard decodedType(e.dtype) != nil else {
                throw corrupt("tensor '\(e.name)' has dtype '\(e.dtype)', which Apus cannot read "
                              + "(supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)")
            }
            let stored = e.end - e.begin
            guard let needed = CheckedSize.product(e.shape + [size]) else {
                throw corrupt("tensor '\(e.name)' has shape \(e.shape) of \(e.dtype): its size does not fit in 64 bits")
            }
            guard stored == needed else {
                throw corrupt("tensor '\(e.name)' has data_offsets [\(e.begin), \(e.end)] (\(stored) bytes) "
                              + "but shape \(e.shape) of \(e.dtype) needs \(needed) bytes")
            }
        }
        // Every tensor lies inside the data part...
        if let outside = entries.filter({ $0.end > dataCount }).max(by: { $0.end < $1.end }) {
            throw corrupt("tensor '\(outside.name)' needs data bytes up to \(outside.end), the file holds \(dataCount) "
                          + "bytes of data (truncated data or offsets out of bounds)")
        }
        // ...and together they tile it: sorted by offset, no overlap, no gap, nothing after the last.
        let byOffset = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var position = 0
        for e in byOffset {
            if e.begin < position {
                throw corrupt("tensor '\(e.name)' data [\(e.begin), \(e.end)] overlaps the previous tensor's, which ends at \(position)")
            }
            if e.begin > position {
                throw corrupt("gap in the data: bytes \(position)..<\(e.begin) belong to no tensor (before '\(e.name)')")
            }
            position = e.end
        }
        if position < dataCount {
            throw corrupt("\(dataCount - position) bytes after the last tensor's data belong to no tensor")
        }
        if let recorded = metadata[checksumKey] {
            guard recorded.utf8.count == 8, recorded.utf8.allSatisfy({ $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit }),
                  let expected = UInt32(recorded, radix: 16) else {
                throw corrupt("metadata '\(checksumKey)' must be 8 hexadecimal digits, got '\(recorded)'")
            }
            let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[dataStart...]))
            guard actual == expected else {
                throw corrupt("checksum mismatch: the tensor data's CRC-32C is \(hex(actual)), the header records "
                              + "\(hex(expected)) (the file was damaged after it was written)")
            }
        }
        let tensors = byOffset.map { e in
            (name: e.name, tensor: makeTensor(UnsafeRawBufferPointer(rebasing: bytes[(dataStart + e.begin)..<(dataStart + e.end)]),
                                              dtype: e.dtype, shape: e.shape, preservingDTypes: preservingDTypes))
        }
        return Contents(tensors: tensors, metadata: metadata)
    }

    /// `value` as 8 lowercase hexadecimal digits.
    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Element size in bytes of every dtype the safetensors format defines; nil for unknown codes.
    private static func elementSize(_ code: String) -> Int? {
        switch code {
        case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0": 1
        case "I16", "U16", "F16", "BF16": 2
        case "I32", "U32", "F32": 4
        case "I64", "U64", "F64", "C64": 8
        default: nil
        }
    }

    /// The Apus dtype a safetensors dtype is read as, or nil when Apus cannot read it.
    private static func decodedType(_ code: String) -> DType? {
        switch code {
        case "BOOL": .bool
        case "U8": .uint8
        case "I8": .int8
        case "I16": .int16
        case "I32": .int32
        case "I64": .int64
        case "F16": .float16
        case "BF16": .bfloat16
        case "F32": .float32
        case "F64": .float64
        default: nil
        }
    }

    /// A tensor of `shape` from little-endian `bytes` of safetensors dtype `code` (validated
    /// before), in that dtype or widened (half precision to float32, integers to int64).
    private static func makeTensor(_ bytes: UnsafeRawBufferPointer, dtype code: String, shape: [Int],
                                   preservingDTypes: Bool) -> Tensor {
        let stored = decodedType(code)!
        let t = Tensor(shape: shape, dtype: stored, zeroed: false)
        if t.count > 0 {
            if stored == .bool {
                let out = t.storage.raw.assumingMemoryBound(to: Bool.self)
                for i in 0..<t.count { out[i] = bytes[i] != 0 }  // any non-zero byte is true
            } else {
                t.storage.raw.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            }
        }
        if preservingDTypes { return t }
        if stored.isReducedPrecision { return Kernels.cast(t, to: .float32) }
        if stored.isIntegral { return Kernels.cast(t, to: .int64) }
        return t
    }

    /// IEEE 754 half precision → single precision, exactly (subnormals, infinities and NaN included).
    static func halfToFloat(_ h: UInt16) -> Float { Half(bitPattern: h).floatValue }

    /// One tensor's header entry.
    struct Entry {
        let name: String
        let dtype: String
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    /// A header problem, reported as the file's corruption reason.
    struct HeaderError: Error { let message: String }

    /// The JSON header: `__metadata__` and the tensor entries, read with ``StrictJSON`` (a name
    /// twice is an error, not "the first one wins"; sizes are exact integers).
    struct Header {
        var metadata: [String: String] = [:]
        var entries: [Entry] = []

        init(_ bytes: UnsafeRawBufferPointer) throws(HeaderError) {
            let root: StrictJSON.Value
            do {
                root = try StrictJSON.parse(bytes)
            } catch {
                if let (key, depth) = error.duplicate {
                    throw HeaderError(message: depth == 1 ? "tensor name '\(key)' appears twice in the header"
                                                          : "header: key '\(key)' appears twice in one object")
                }
                throw HeaderError(message: "header is not a JSON object (\(error.message) at byte \(error.offset) of the header)")
            }
            guard case .object(let members) = root else { throw HeaderError(message: "header is not a JSON object") }
            for (name, value) in members {
                if name == "__metadata__" {
                    guard case .object(let pairs) = value else {
                        throw HeaderError(message: "__metadata__ must map strings to strings")
                    }
                    for (key, entry) in pairs {
                        guard let text = entry.string else { throw HeaderError(message: "__metadata__ must map strings to strings") }
                        metadata[key] = text
                    }
                    continue
                }
                guard case .object(let fields) = value else {
                    throw HeaderError(message: "entry '\(name)' is not a tensor description "
                                      + "({\"dtype\": string, \"shape\": [integers], \"data_offsets\": [integers]})")
                }
                func field(_ key: String) -> StrictJSON.Value? { fields.first { $0.key == key }?.value }
                guard let dtype = field("dtype")?.string else { throw HeaderError(message: "tensor '\(name)' has no dtype") }
                let dims: [StrictJSON.Value]
                if case .array(let values)? = field("shape") { dims = values } else { dims = [.null] }
                let shape = dims.compactMap(\.integer)
                guard shape.count == dims.count, shape.allSatisfy({ $0 >= 0 }) else {
                    throw HeaderError(message: "tensor '\(name)' has no valid shape (a list of non-negative integers)")
                }
                guard case .array(let bounds)? = field("data_offsets"), bounds.count == 2,
                      let begin = bounds[0].integer, let end = bounds[1].integer, begin >= 0, begin <= end else {
                    throw HeaderError(message: "tensor '\(name)' has no valid data_offsets (two integers, begin ≤ end)")
                }
                entries.append(Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end))
            }
        }
    }
}

extension Tensor {
    /// The bytes of a contiguous tensor's elements, in storage order.
    fileprivate func withRawData<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(storage.raw) + offset * dtype.byteSize,
                                        count: count * dtype.byteSize))
    }
}

/// Writes a file atomically: temporary file in the target's directory, `fsync`, `rename`.
enum AtomicFile {
    /// Receives the file's bytes in order.
    final class Sink {
        let fd: Int32
        let path: String
        init(fd: Int32, path: String) { self.fd = fd; self.path = path }

        func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

        func write(_ bytes: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ApusError.fileNotWritable(path: path, reason: String(cString: strerror(errno)))
                }
                done += n
            }
        }
    }

    /// Calls `body` with a sink writing to a temporary file next to `path`, then replaces `path`
    /// with it. If `body` or any step throws, the temporary file is removed and `path` is untouched.
    ///
    /// The temporary file (`.NAME.tmp-UUID` beside `path`) is locked (`flock`) while it is
    /// written. A process killed mid-write leaves it behind, unlocked (the kernel drops a dead
    /// process's locks): the next write of `path` removes such files, and leaves alone the locked
    /// ones of writers still running.
    static func write(to path: String, body: (Sink) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        removeStaleTemporaries(of: path)
        let (fd, temporary) = try createLockedTemporary(for: path)
        var closed = false
        do {
            try body(Sink(fd: fd, path: path))
            guard fsync(fd) == 0 else { throw ApusError.fileNotWritable(path: path, reason: String(cString: strerror(errno))) }
            guard rename(temporary, path) == 0 else {
                throw ApusError.fileNotWritable(path: path, reason: String(cString: strerror(errno)))
            }
            closed = true
            guard close(fd) == 0 else { throw ApusError.fileNotWritable(path: path, reason: String(cString: strerror(errno))) }
        } catch {
            if !closed {
                unlink(temporary)  // while still locked, so no other writer's cleanup races with it
                close(fd)
            }
            throw error
        }
        // Make the rename itself durable; failure here loses nothing already written.
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    /// The prefix of the temporary files of `path`: `.NAME.tmp-`.
    static func temporaryPrefix(of path: String) -> String {
        ".\(URL(fileURLWithPath: path).lastPathComponent).tmp-"
    }

    /// Creates and locks a new temporary file beside `path`; returns its descriptor and path.
    private static func createLockedTemporary(for path: String) throws -> (fd: Int32, path: String) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        while true {
            let temporary = directory.appendingPathComponent(temporaryPrefix(of: path) + UUID().uuidString).path
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ApusError.fileNotWritable(path: path, reason: String(cString: strerror(errno))) }
            // Between open and flock another writer's cleanup may have locked and removed the new
            // file; then the name no longer leads to this descriptor's file: start again.
            var own = stat(), named = stat()
            if flock(fd, LOCK_EX) == 0, fstat(fd, &own) == 0, stat(temporary, &named) == 0,
               own.st_dev == named.st_dev, own.st_ino == named.st_ino {
                return (fd, temporary)
            }
            close(fd)
        }
    }

    /// Removes the temporary files of earlier writes of `path` that no live process holds
    /// locked. Only names of the exact form `.NAME.tmp-<UUID>` are considered.
    static func removeStaleTemporaries(of path: String) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let prefix = temporaryPrefix(of: path)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return }
        for name in names where name.hasPrefix(prefix) && UUID(uuidString: String(name.dropFirst(prefix.count))) != nil {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            let fd = open(candidate, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(candidate) }  // nobody writes it: left by a dead process
            close(fd)
        }
    }
}
