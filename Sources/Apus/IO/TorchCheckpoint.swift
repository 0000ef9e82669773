import Foundation

/// Reading PyTorch checkpoints: the files `torch.save(model.state_dict(), "model.pth")` writes,
/// without Python.
///
/// Such a file (PyTorch ≥ 1.6) is a ZIP archive of stored entries: `archive/data.pkl`, a pickle of
/// the state dict whose tensors refer to storages by key; `archive/data/<key>`, each storage's raw
/// elements; `archive/byteorder` (`little` or `big`). The pickle runs in a restricted unpickler
/// that builds nothing but dicts, lists, tuples, numbers, strings and tensors, as
/// `torch.load(weights_only=True)`: a pickle naming any other global (`os.system`) is refused
/// with ``ApusError/disallowedContent(path:reason:)`` naming it, and nothing is executed.
///
/// Tensors come out right for every layout `torch.save` keeps: views sharing one storage, storage
/// offsets, non-contiguous strides (copied through the strides into contiguous Apus tensors).
/// Element types map to Apus's dtypes as ``Safetensors`` reads them: float32, float64, int64 and
/// bool as they are; float16 and bfloat16 widen to float32 exactly; int32, int16, int8 and uint8
/// widen to int64 exactly. Big-endian files are byte-swapped.
///
/// Nested dicts, lists and tuples are flattened with dots (`{"model": {"fc.weight": t}}` gives
/// `model.fc.weight`, list items are numbered); values that are not tensors (an `epoch` number)
/// are listed in ``Contents/otherEntries`` and not returned as tensors. The legacy format of
/// PyTorch before 1.6 (a bare pickle) and TorchScript archives are refused with a message saying
/// what to do.
///
/// ```swift
/// let checkpoint = try TorchCheckpoint.read("resnet18.pth")
/// for (name, tensor) in checkpoint.tensors { print(name, tensor.shape) }
/// try model.loadWeights(from: "resnet18.pth")            // the same, into a module
/// ```
public enum TorchCheckpoint {
    /// Keys under which training scripts commonly save the model's state dict inside a checkpoint
    /// dict (`torch.save({"model": model.state_dict(), "epoch": 3}, path)`), in order of preference.
    public static let modelStateKeys = ["state_dict", "model_state_dict", "model"]

    /// The tensors of a PyTorch checkpoint.
    public struct Contents: Sendable {
        /// Every tensor, under its (flattened) name, in the order of the pickled dicts.
        public var tensors: [(name: String, tensor: Tensor)]
        /// Names of values that are not tensors (numbers, strings, `None`), which are not loaded.
        public var otherEntries: [String]
        /// When the file is a checkpoint dict rather than a state dict, the key of the entry holding
        /// the model's state dict (one of ``TorchCheckpoint/modelStateKeys``); nil otherwise.
        public var modelStateKey: String?

        /// Contents with these values (the properties of the same names), as ``TorchCheckpoint/read(_:preservingDTypes:)`` makes them.
        public init(tensors: [(name: String, tensor: Tensor)], otherEntries: [String] = [], modelStateKey: String? = nil) {
            self.tensors = tensors
            self.otherEntries = otherEntries
            self.modelStateKey = modelStateKey
        }

        /// The tensor named `name`, if present.
        public subscript(name: String) -> Tensor? { tensors.first { $0.name == name }?.tensor }

        /// The model's state: the tensors under ``modelStateKey`` with that prefix removed, or
        /// all tensors when the file is a plain state dict.
        public var modelState: [(name: String, tensor: Tensor)] {
            guard let key = modelStateKey else { return tensors }
            let prefix = key + "."
            return tensors.compactMap { $0.name.hasPrefix(prefix) ? (String($0.name.dropFirst(prefix.count)), $0.tensor) : nil }
        }
    }

    /// Reads the PyTorch checkpoint at `path`.
    ///
    /// Throws ``ApusError/fileNotReadable(path:)`` for a missing or unreadable file,
    /// ``ApusError/corruptFile(path:reason:)`` for anything malformed (truncated archive,
    /// compressed entries, a storage shorter than a tensor claims, absurd sizes) and
    /// ``ApusError/disallowedContent(path:reason:)`` for a pickle that names a global outside the
    /// allowlist.
    ///
    /// Half-precision tensors widen to float32 and narrow integers to int64 (the types models
    /// compute with) unless `preservingDTypes`, which keeps each tensor in its stored dtype.
    public static func read(_ path: String, preservingDTypes: Bool = false) throws -> Contents {
        try withMappedFile(path) { try decode($0, path: path, preservingDTypes: preservingDTypes) }
    }

    /// Decodes the bytes of a PyTorch checkpoint; `path` only names the file in error messages.
    /// The same checks as ``read(_:preservingDTypes:)``, on memory (the entry point for fuzzing).
    public static func decode(bytes: [UInt8], path: String = "<memory>", preservingDTypes: Bool = false) throws -> Contents {
        try bytes.withUnsafeBytes { try decode($0, path: path, preservingDTypes: preservingDTypes) }
    }

    /// Output bytes allowed for the tensors of a file of `fileBytes` bytes: enough for every
    /// storage widened to 8 bytes per element twice over, plus views repeating small storages.
    static func outputBudget(fileBytes: Int) -> Int {
        fileBytes.multipliedReportingOverflow(by: 16).overflow ? Int.max : fileBytes * 16 + (256 << 20)
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, path: String, preservingDTypes: Bool = false) throws -> Contents {
        func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }
        guard ZipArchive.hasSignature(bytes) else {
            if bytes.first == 0x80 {
                throw corrupt("a bare pickle, not a zip archive: PyTorch's legacy format (before 1.6) or pickle.dump; "
                              + "load it in Python and save it again with torch.save(state_dict, path)")
            }
            throw corrupt("not a PyTorch checkpoint (a zip archive starting with 'PK\\3\\4' written by torch.save)")
        }
        let archive = try ZipArchive(bytes: bytes, path: path)
        let pickles = archive.entries.filter {
            let parts = $0.name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[1] == "data.pkl"
        }
        guard pickles.count == 1, let pickle = pickles.first else {
            if archive.entries.contains(where: { $0.name.hasSuffix("/constants.pkl") }) {
                throw corrupt("a TorchScript archive (torch.jit.save), not a state dict; in Python, "
                              + "torch.save(torch.jit.load(path).state_dict(), 'weights.pth') writes one")
            }
            throw corrupt(pickles.isEmpty ? "no '<archive>/data.pkl' entry: not written by torch.save"
                                          : "\(pickles.count) '<archive>/data.pkl' entries")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        var bigEndian = false
        if let order = archive.entry(named: prefix + "byteorder") {
            let text = String(decoding: try archive.data(of: order, in: bytes, path: path), as: UTF8.self)
            switch text.trimmingCharacters(in: .whitespacesAndNewlines) {
            case "little": bigEndian = false
            case "big": bigEndian = true
            default: throw corrupt("byteorder is '\(text.prefix(32))', expected 'little' or 'big'")
            }
        }
        let program = try Unpickler.load(try archive.data(of: pickle, in: bytes, path: path), path: path, entry: pickle.name)
        let layout = try flatten(program, path: path, nameBudget: nameBudget(pickleBytes: pickle.size))
        var reader = StorageReader(archive: archive, bytes: bytes, path: path, prefix: prefix, bigEndian: bigEndian,
                                   program: program, budget: outputBudget(fileBytes: bytes.count), widening: !preservingDTypes)
        var tensors: [(name: String, tensor: Tensor)] = []
        tensors.reserveCapacity(layout.tensors.count)
        for (name, index) in layout.tensors {
            let t = try reader.tensor(index, name: name)
            tensors.append((name, preservingDTypes ? t : widened(t)))
        }
        return Contents(tensors: tensors, otherEntries: layout.others, modelStateKey: layout.modelStateKey)
    }

    /// `t` in the dtype models compute with: float32 for half precision, int64 for narrow integers.
    static func widened(_ t: Tensor) -> Tensor {
        if t.dtype.isReducedPrecision { return Kernels.cast(t, to: .float32) }
        if t.dtype.isIntegral { return Kernels.cast(t, to: .int64) }
        return t
    }

    // MARK: - Flattening the pickled object

    /// Tensor references under dotted names, other leaves' names, and the model-state key.
    struct Layout {
        var tensors: [(name: String, index: Int)] = []
        var others: [String] = []
        var modelStateKey: String?
    }

    /// Containers inside containers that ``flatten(_:path:nameBudget:)`` follows (the unpickler's
    /// own limit, which nesting built through the memo can get around).
    static let maximumNesting = Unpickler.Limits().nesting

    /// Bytes allowed for all flattened names of a pickle of `pickleBytes` bytes: the names of a
    /// state dict are in its pickle, and nesting repeats only short prefixes.
    static func nameBudget(pickleBytes: Int) -> Int { 16 * pickleBytes + (1 << 20) }

    /// Walks the root dict without recursion, each container once (so shared or cyclic containers
    /// cannot multiply the work), naming entries with dotted paths; the nesting and the total
    /// size of the names are bounded, so repeated long keys cannot blow up.
    static func flatten(_ program: Unpickler.Result, path: String, nameBudget: Int = Int.max) throws -> Layout {
        func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }
        guard case .dict(let rootIndex) = program.root else {
            throw corrupt("the pickle holds a \(program.root.typeName), not a state dict (a dict of tensors)")
        }
        var layout = Layout()
        let root = program.dicts[rootIndex].entries
        if !root.contains(where: { if case .tensor = $0.value { true } else { false } }) {
            layout.modelStateKey = modelStateKeys.first { key in
                root.contains { entry in
                    guard entry.key == .string(key), case .dict(let d) = entry.value else { return false }
                    return program.dicts[d].entries.contains { if case .tensor = $0.value { true } else { false } }
                }
            }
        }
        var seenTuples = Set<Int>(), seenLists = Set<Int>(), seenDicts: Set<Int> = [rootIndex]
        var names = Set<String>()
        var budget = nameBudget
        // Pending (name, value, depth) triples, last first, so that entries come out in the pickle's order.
        var pending: [(String, PickleValue, Int)] = []
        func children(_ items: [(String, PickleValue)], of prefix: String, depth: Int) throws {
            guard depth <= maximumNesting else {
                throw corrupt("containers nested deeper than \(maximumNesting) levels (at '\(prefix.prefix(200))…')")
            }
            for (key, value) in items.reversed() {
                let name = prefix.isEmpty ? key : prefix + "." + key
                budget -= name.utf8.count
                guard budget >= 0 else {
                    throw corrupt("the names of the nested entries take more than \(nameBudget) bytes (long keys nested or repeated)")
                }
                pending.append((name, value, depth))
            }
        }
        func keyName(_ key: PickleValue, in prefix: String) throws -> String {
            switch key {
            case .string(let s): return s
            case .int(let n): return String(n)
            default: throw corrupt("dict '\(prefix)' has a key of type \(key.typeName); only str and int keys make tensor names")
            }
        }
        try children(try root.map { (try keyName($0.key, in: ""), $0.value) }, of: "", depth: 1)
        while let (name, value, depth) = pending.popLast() {
            switch value {
            case .tensor(let i):
                guard names.insert(name).inserted else { throw corrupt("two tensors are named '\(name)' (after joining nested keys with dots)") }
                layout.tensors.append((name, i))
            case .dict(let d):
                guard seenDicts.insert(d).inserted else { continue }
                try children(try program.dicts[d].entries.map { (try keyName($0.key, in: name), $0.value) }, of: name, depth: depth + 1)
            case .list(let l):
                guard seenLists.insert(l).inserted else { continue }
                try children(program.lists[l].enumerated().map { (String($0.offset), $0.element) }, of: name, depth: depth + 1)
            case .tuple(let t):
                guard seenTuples.insert(t).inserted else { continue }
                try children(program.tuples[t].enumerated().map { (String($0.offset), $0.element) }, of: name, depth: depth + 1)
            default:
                layout.others.append(name)
            }
        }
        return layout
    }

    // MARK: - Tensor data

    /// Turns tensor references into Apus tensors, reading each storage record once (CRC checked).
    struct StorageReader {
        let archive: ZipArchive
        let bytes: UnsafeRawBufferPointer
        let path: String
        let prefix: String
        let bigEndian: Bool
        let program: Unpickler.Result
        /// Output bytes still allowed (see ``TorchCheckpoint/outputBudget(fileBytes:)``).
        var budget: Int
        /// Whether the tensors will be widened (``TorchCheckpoint/widened(_:)``), which the budget counts.
        let widening: Bool
        var records: [Int: UnsafeRawBufferPointer] = [:]
        var made: [Int: Tensor] = [:]

        func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }

        /// The validated bytes of storage `index`.
        mutating func record(_ index: Int) throws -> UnsafeRawBufferPointer {
            if let known = records[index] { return known }
            let storage = program.storages[index]
            let name = prefix + "data/" + storage.key
            guard let entry = archive.entry(named: name) else { throw corrupt("storage '\(storage.key)' has no record '\(name)'") }
            let (needed, overflow) = storage.count.multipliedReportingOverflow(by: storage.type.byteSize)
            guard !overflow, entry.size == needed else {
                throw corrupt("record '\(name)' holds \(entry.size) bytes, but its storage claims \(storage.count) elements "
                              + "of \(storage.type) (\(overflow ? "too many" : String(needed)) bytes)")
            }
            let data = try archive.data(of: entry, in: bytes, path: path)
            records[index] = data
            return data
        }

        /// The tensor of reference `index`, validated against its storage and copied through its strides.
        mutating func tensor(_ index: Int, name: String) throws -> Tensor {
            if let known = made[index] { return known }
            let ref = program.tensors[index]
            let storage = program.storages[ref.storage]
            let type = storage.type
            var count = 1
            for d in ref.shape {
                let (p, o) = count.multipliedReportingOverflow(by: d)
                guard !o else { throw corrupt("tensor '\(name)' has shape \(ref.shape), whose element count overflows") }
                count = p
            }
            let stored = type.apusType
            let elementBytes = stored.byteSize + (!widening ? 0 : stored.isReducedPrecision ? 4 : stored.isIntegral ? 8 : 0)
            let (outBytes, o1) = count.multipliedReportingOverflow(by: elementBytes)
            guard !o1, outBytes <= budget else {
                throw corrupt("tensor '\(name)' of shape \(ref.shape) needs \(o1 ? "too many" : String(outBytes)) bytes, more than "
                              + "a file of \(bytes.count) bytes can describe (\(budget) bytes left)")
            }
            if count > 0 {
                // The last element the view reaches must lie inside the storage.
                var last = ref.storageOffset
                for (d, s) in zip(ref.shape, ref.strides) {
                    let (step, o2) = (d - 1).multipliedReportingOverflow(by: s)
                    let (sum, o3) = last.addingReportingOverflow(step)
                    guard !o2, !o3 else { throw corrupt("tensor '\(name)': size \(ref.shape) and stride \(ref.strides) overflow") }
                    last = sum
                }
                guard last < storage.count else {
                    throw corrupt("tensor '\(name)' (size \(ref.shape), stride \(ref.strides), offset \(ref.storageOffset)) reaches "
                                  + "element \(last) of storage '\(storage.key)', which holds \(storage.count) elements: "
                                  + "storage shorter than tensor claims")
                }
            }
            let source = try record(ref.storage)
            budget -= outBytes
            let t = Tensor(shape: ref.shape, dtype: type.apusType, zeroed: false)
            if count > 0 {
                TorchCheckpoint.copy(source, type: type, bigEndian: bigEndian, offset: ref.storageOffset,
                                     shape: ref.shape, strides: ref.strides, count: count, into: t.storage.raw)
            }
            made[index] = t
            return t
        }
    }

    /// Copies the `count` elements of a strided view of `source` (elements of `type`) in row-major
    /// order into `out`, in the host's byte order. The view was validated against `source`.
    static func copy(_ source: UnsafeRawBufferPointer, type: TorchElementType, bigEndian: Bool, offset: Int,
                     shape: [Int], strides: [Int], count: Int, into out: UnsafeMutableRawPointer) {
        let base = source.baseAddress!
        let swap = bigEndian != (1.littleEndian != 1)
        // Contiguous in the file's element type and the host's byte order: one copy.
        var expected = 1, contiguous = true
        for (d, s) in zip(shape, strides).reversed() where d != 1 {
            if s != expected { contiguous = false; break }
            expected *= d
        }
        if contiguous && !swap && type != .bool {
            out.copyMemory(from: base + offset * type.byteSize, byteCount: count * type.byteSize)
            return
        }
        func u16(_ i: Int) -> UInt16 { let v = (base + 2 * i).loadUnaligned(as: UInt16.self); return swap ? v.byteSwapped : v }
        func u32(_ i: Int) -> UInt32 { let v = (base + 4 * i).loadUnaligned(as: UInt32.self); return swap ? v.byteSwapped : v }
        func u64(_ i: Int) -> UInt64 { let v = (base + 8 * i).loadUnaligned(as: UInt64.self); return swap ? v.byteSwapped : v }
        switch type {
        case .float32: gather(out, Float.self, offset, shape, strides, count) { Float(bitPattern: u32($0)) }
        case .float64: gather(out, Double.self, offset, shape, strides, count) { Double(bitPattern: u64($0)) }
        case .float16, .bfloat16, .int16: gather(out, UInt16.self, offset, shape, strides, count) { u16($0) }
        case .int64: gather(out, Int64.self, offset, shape, strides, count) { Int64(bitPattern: u64($0)) }
        case .int32: gather(out, Int32.self, offset, shape, strides, count) { Int32(bitPattern: u32($0)) }
        case .int8, .uint8: gather(out, UInt8.self, offset, shape, strides, count) { source[$0] }
        case .bool: gather(out, Bool.self, offset, shape, strides, count) { source[$0] != 0 }
        }
    }

    /// Writes `load(i)` for the storage index `i` of every element of the view, in row-major order.
    private static func gather<T>(_ out: UnsafeMutableRawPointer, _: T.Type, _ offset: Int, _ shape: [Int], _ strides: [Int],
                                  _ count: Int, _ load: (Int) -> T) {
        let o = out.assumingMemoryBound(to: T.self)
        guard let inner = shape.last, let innerStride = strides.last else {
            o[0] = load(offset)  // a 0-d tensor
            return
        }
        var index = [Int](repeating: 0, count: shape.count)
        var position = offset
        var written = 0
        while written < count {
            for j in 0..<inner { o[written + j] = load(position + j * innerStride) }
            written += inner
            // Advance the outer indices like an odometer.
            var axis = shape.count - 2
            while axis >= 0 {
                index[axis] += 1
                position += strides[axis]
                if index[axis] < shape[axis] { break }
                position -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
