/// A restricted unpickler: a small pickle virtual machine for the files `torch.save` writes
/// (pickle protocols 2 to 5), which builds only what `torch.load(weights_only=True)` allows.
///
/// It knows the opcodes that data pickles use (numbers, strings, bytes, tuples, lists, dicts,
/// the memo, `GLOBAL` / `STACK_GLOBAL`, `REDUCE`, `BUILD`, `BINPERSID`, frames) and calls nothing:
/// a global is looked up in a fixed allowlist (``PickleGlobal``: `collections.OrderedDict`,
/// `torch._utils._rebuild_tensor_v2`, `_rebuild_parameter`, `_rebuild_parameter_with_state`
/// and the storage classes), anything else — `os.system`, `builtins.eval` — is an error naming
/// the global, thrown before any later opcode is read. `REDUCE` on an allowed global builds an
/// empty dict or a tensor reference; persistent ids must be storages.
///
/// Hostile input is bounded: every length is checked against the bytes left, integers beyond
/// 64 bits are refused, the stack, the memo and the nesting of containers have limits
/// (``Limits``), and nothing recurses on the input's structure.
package struct Unpickler {
    /// Bounds on the resources one pickle may use.
    package struct Limits: Sendable {
        /// Values on the stack at once.
        package var stackDepth = 1 << 20
        /// Containers inside containers.
        package var nesting = 1000
        /// Entries in the memo.
        package var memoEntries = 1 << 20

        package init() {}
    }

    /// What a pickle built: its root value and the arenas that its container values index.
    package struct Result: Sendable {
        package var root: PickleValue = .none
        package var tuples: [[PickleValue]] = []
        package var lists: [[PickleValue]] = []
        package var dicts: [PickleDictionary] = []
        package var storages: [TorchStorageReference] = []
        package var tensors: [TorchTensorReference] = []
    }

    /// Runs the pickle in `bytes` to its `STOP` opcode and returns what it built.
    ///
    /// `path` names the file and `entry` the pickle inside it (`archive/data.pkl`) in error messages.
    package static func load(_ bytes: [UInt8], path: String = "<memory>", entry: String = "pickle",
                             limits: Limits = Limits()) throws -> Result {
        try bytes.withUnsafeBytes { try load($0, path: path, entry: entry, limits: limits) }
    }

    /// Runs the pickle in `bytes` (see the `[UInt8]` form).
    package static func load(_ bytes: UnsafeRawBufferPointer, path: String, entry: String,
                             limits: Limits = Limits()) throws -> Result {
        var machine = Unpickler(bytes: bytes, path: path, entry: entry, limits: limits)
        return try machine.run()
    }

    // MARK: - State

    private let bytes: UnsafeRawBufferPointer
    private let path: String
    private let entry: String
    private let limits: Limits
    private var position = 0
    /// Offset of the opcode being executed (for error messages).
    private var opcodeOffset = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var result = Result()
    /// Nesting depth of each container in the arenas (a leaf is 0, a container 1 + its deepest element).
    private var tupleDepth: [Int] = [], listDepth: [Int] = [], dictDepth: [Int] = []
    /// Storage references by key, so that tensors sharing a storage share its index.
    private var storageIndex: [String: Int] = [:]

    private init(bytes: UnsafeRawBufferPointer, path: String, entry: String, limits: Limits) {
        self.bytes = bytes
        self.path = path
        self.entry = entry
        self.limits = limits
    }

    // MARK: - Errors

    private func corrupt(_ reason: String) -> ApusError {
        .corruptFile(path: path, reason: "\(entry), byte \(opcodeOffset): \(reason)")
    }

    private func refused(module: String, name: String) -> ApusError {
        .disallowedContent(path: path, reason: "refusing to load global '\(module) \(name)' (\(entry), byte \(opcodeOffset)): "
                           + "only tensors, their storages and plain containers are allowed, as with torch.load(weights_only=True)")
    }

    // MARK: - Reading bytes

    private mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else {
            throw corrupt("needs \(count) more bytes, only \(bytes.count - position) remain (truncated pickle)")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    private mutating func byte() throws -> UInt8 { try take(1)[0] }

    /// A little-endian unsigned integer of `count` ≤ 8 bytes.
    private mutating func unsigned(_ count: Int) throws -> UInt64 {
        let raw = try take(count)
        var value: UInt64 = 0
        for i in (0..<count).reversed() { value = value << 8 | UInt64(raw[i]) }
        return value
    }

    /// A length field of `count` bytes, which must fit in the bytes that remain.
    private mutating func length(_ count: Int) throws -> Int {
        let n = try unsigned(count)
        guard n <= UInt64(bytes.count - position) else {
            throw corrupt("length \(n) runs past the end of the pickle (\(bytes.count - position) bytes remain)")
        }
        return Int(n)
    }

    /// A two's-complement little-endian integer of `count` bytes (`LONG1`, `LONG4`) that fits in `Int`.
    private mutating func long(_ count: Int) throws -> Int {
        let raw = try take(count)
        guard count > 0 else { return 0 }
        let negative = raw[count - 1] & 0x80 != 0
        // Bytes beyond the eighth may only extend the sign.
        if count > 8 {
            let fill: UInt8 = negative ? 0xFF : 0x00
            guard raw[8...].allSatisfy({ $0 == fill }), (raw[7] & 0x80 != 0) == negative else {
                throw corrupt("integer of \(count) bytes does not fit in 64 bits")
            }
        }
        var value: UInt64 = negative ? .max : 0
        for i in (0..<min(count, 8)).reversed() { value = value << 8 | UInt64(raw[i]) }
        if count < 8 && !negative { value &= (1 << (8 * UInt64(count))) - 1 }
        return Int(Int64(bitPattern: value))
    }

    /// A newline-terminated line of text (the arguments of `GLOBAL` and `INST`).
    private mutating func line() throws -> String {
        let limit = min(bytes.count, position + 1024)
        guard let end = (position..<limit).first(where: { bytes[$0] == 0x0A }) else {
            throw corrupt("unterminated text argument (no newline within 1024 bytes)")
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        position = end + 1
        return text
    }

    private mutating func utf8(_ count: Int) throws -> String {
        let raw = try take(count)
        guard let text = String(validating: raw, as: UTF8.self) else { throw corrupt("string is not valid UTF-8") }
        return text
    }

    // MARK: - Stack

    private mutating func push(_ value: PickleValue) throws {
        guard stack.count < limits.stackDepth else {
            throw corrupt("more than \(limits.stackDepth) values on the pickle stack (nested too deeply)")
        }
        stack.append(value)
    }

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast(), stack.count >= (marks.last ?? 0) else {
            throw corrupt("pops from an empty stack")
        }
        return value
    }

    private func top() throws -> PickleValue {
        guard let value = stack.last, stack.count > (marks.last ?? 0) else { throw corrupt("reads from an empty stack") }
        return value
    }

    /// The values pushed since the last `MARK`, which is removed.
    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw corrupt("no MARK before an opcode that needs one") }
        let values = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return values
    }

    private func depth(_ value: PickleValue) -> Int {
        switch value {
        case .tuple(let i): tupleDepth[i]
        case .list(let i): listDepth[i]
        case .dict(let i): dictDepth[i]
        default: 0
        }
    }

    /// The depth of a container holding `values` (and already as deep as `current`), checked against the limit.
    private func containerDepth(_ values: some Sequence<PickleValue>, current: Int = 0) throws -> Int {
        var d = current
        for v in values { d = max(d, depth(v) + 1) }
        guard d <= limits.nesting else { throw corrupt("containers nested deeper than \(limits.nesting) levels") }
        return d
    }

    private mutating func makeTuple(_ values: [PickleValue]) throws -> PickleValue {
        tupleDepth.append(try containerDepth(values, current: 1))
        result.tuples.append(values)
        return .tuple(result.tuples.count - 1)
    }

    private mutating func makeList(_ values: [PickleValue] = []) throws -> PickleValue {
        listDepth.append(try containerDepth(values, current: 1))
        result.lists.append(values)
        return .list(result.lists.count - 1)
    }

    private mutating func makeDict() -> PickleValue {
        dictDepth.append(1)
        result.dicts.append(PickleDictionary())
        return .dict(result.dicts.count - 1)
    }

    private func tupleElements(_ value: PickleValue, _ what: String) throws -> [PickleValue] {
        guard case .tuple(let i) = value else { throw corrupt("\(what) must be a tuple, got \(value.typeName)") }
        return result.tuples[i]
    }

    // MARK: - Containers

    private mutating func appendItems(_ items: [PickleValue]) throws {
        guard case .list(let i) = try top() else { throw corrupt("APPEND to a \(try top().typeName), not a list") }
        listDepth[i] = try containerDepth(items, current: listDepth[i])
        result.lists[i].append(contentsOf: items)
    }

    private mutating func setItems(_ items: [PickleValue]) throws {
        guard items.count % 2 == 0 else { throw corrupt("SETITEMS with an odd number of values") }
        guard case .dict(let i) = try top() else { throw corrupt("SETITEM on a \(try top().typeName), not a dict") }
        dictDepth[i] = try containerDepth(items, current: dictDepth[i])
        for k in stride(from: 0, to: items.count, by: 2) {
            guard result.dicts[i].set(items[k], items[k + 1]) else {
                throw corrupt("dict key of type \(items[k].typeName) is not supported (only str, int, float, bool, None)")
            }
        }
    }

    // MARK: - Calls of allowed globals

    private mutating func reduce(_ callable: PickleValue, _ argument: PickleValue) throws -> PickleValue {
        guard case .global(let global) = callable else { throw corrupt("REDUCE calls a \(callable.typeName), not an allowed global") }
        let args = try tupleElements(argument, "the arguments of \(global.qualifiedName)")
        switch global {
        case .orderedDict:
            guard args.isEmpty else { throw corrupt("collections.OrderedDict called with \(args.count) arguments, expected none") }
            return makeDict()
        case .rebuildTensorV2:
            guard args.count == 6 || args.count == 7 else {
                throw corrupt("_rebuild_tensor_v2 called with \(args.count) arguments, expected 6 or 7")
            }
            guard case .storage(let storage) = args[0] else { throw corrupt("_rebuild_tensor_v2: the storage is a \(args[0].typeName)") }
            guard case .int(let offset) = args[1], offset >= 0 else { throw corrupt("_rebuild_tensor_v2: bad storage offset") }
            let shape = try integers(args[2], "the size")
            let strides = try integers(args[3], "the stride")
            guard shape.count == strides.count else {
                throw corrupt("_rebuild_tensor_v2: size \(shape) and stride \(strides) have different lengths")
            }
            guard shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
                throw corrupt("_rebuild_tensor_v2: negative size or stride (size \(shape), stride \(strides))")
            }
            result.tensors.append(TorchTensorReference(storage: storage, storageOffset: offset, shape: shape, strides: strides))
            return .tensor(result.tensors.count - 1)
        case .rebuildParameter, .rebuildParameterWithState:
            let expected = global == .rebuildParameter ? 3 : 4
            guard args.count == expected else {
                throw corrupt("\(global.qualifiedName) called with \(args.count) arguments, expected \(expected)")
            }
            guard case .tensor = args[0] else { throw corrupt("\(global.qualifiedName): the data is a \(args[0].typeName), not a tensor") }
            return args[0]
        case .storageType:
            throw corrupt("\(global.qualifiedName) is only allowed in a persistent storage id")
        }
    }

    private func integers(_ value: PickleValue, _ what: String) throws -> [Int] {
        try tupleElements(value, "_rebuild_tensor_v2: \(what)").map {
            guard case .int(let n) = $0 else { throw corrupt("_rebuild_tensor_v2: \(what) holds a \($0.typeName)") }
            return n
        }
    }

    /// `('storage', torch.FloatStorage, key, location, numel)` → a storage shared by key.
    private mutating func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        let fields = try tupleElements(id, "a persistent id")
        guard fields.count == 5, fields[0] == .string("storage") || fields[0] == .bytes(Array("storage".utf8)) else {
            throw corrupt("persistent id is not a storage ('storage', type, key, location, numel)")
        }
        guard case .global(.storageType(let type)) = fields[1] else {
            throw corrupt("persistent storage id names \(fields[1].typeName), not a storage type")
        }
        guard case .string(let key) = fields[2], case .string(let location) = fields[3] else {
            throw corrupt("persistent storage id: key and location must be strings")
        }
        guard case .int(let count) = fields[4], count >= 0 else { throw corrupt("persistent storage id: bad element count") }
        let reference = TorchStorageReference(type: type, key: key, location: location, count: count)
        if let known = storageIndex[key] {
            let previous = result.storages[known]
            guard previous.type == type, previous.count == count else {
                throw corrupt("storage '\(key)' is used as \(previous.count) × \(previous.type) and as \(count) × \(type)")
            }
            return .storage(known)
        }
        storageIndex[key] = result.storages.count
        result.storages.append(reference)
        return .storage(result.storages.count - 1)
    }

    // MARK: - The machine

    private mutating func run() throws -> Result {
        while true {
            opcodeOffset = position
            let op = try byte()
            switch op {
            case 0x80:  // PROTO
                let version = try byte()
                guard version <= 5 else { throw corrupt("pickle protocol \(version) is not supported (at most 5)") }
            case 0x95:  // FRAME: a length prefix for buffering; the opcodes simply follow
                _ = try length(8)
            case 0x2E:  // STOP
                let root = try pop()
                guard stack.isEmpty, marks.isEmpty else { throw corrupt("STOP with values left on the stack") }
                result.root = root
                return result

            case 0x4E: try push(.none)  // NONE
            case 0x88: try push(.bool(true))  // NEWTRUE
            case 0x89: try push(.bool(false))  // NEWFALSE
            case 0x4A: try push(.int(Int(Int32(bitPattern: UInt32(try unsigned(4))))))  // BININT
            case 0x4B: try push(.int(Int(try unsigned(1))))  // BININT1
            case 0x4D: try push(.int(Int(try unsigned(2))))  // BININT2
            case 0x8A: try push(.int(try long(Int(try byte()))))  // LONG1
            case 0x8B: try push(.int(try long(try length(4))))  // LONG4
            case 0x47:  // BINFLOAT: big-endian double
                let raw = try take(8)
                var bits: UInt64 = 0
                for b in raw { bits = bits << 8 | UInt64(b) }
                try push(.float(Double(bitPattern: bits)))

            case 0x8C: try push(.string(try utf8(try length(1))))  // SHORT_BINUNICODE
            case 0x58: try push(.string(try utf8(try length(4))))  // BINUNICODE
            case 0x8D: try push(.string(try utf8(try length(8))))  // BINUNICODE8
            case 0x55, 0x54:  // SHORT_BINSTRING, BINSTRING (Python 2 str, read as Latin-1)
                let raw = try take(try length(op == 0x55 ? 1 : 4))
                try push(.string(String(raw.map { Character(Unicode.Scalar($0)) })))
            case 0x43: try push(.bytes(Array(try take(try length(1)))))  // SHORT_BINBYTES
            case 0x42: try push(.bytes(Array(try take(try length(4)))))  // BINBYTES
            case 0x8E: try push(.bytes(Array(try take(try length(8)))))  // BINBYTES8

            case 0x29: try push(try makeTuple([]))  // EMPTY_TUPLE
            case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                let n = Int(op) - 0x84
                var values: [PickleValue] = []
                for _ in 0..<n { values.append(try pop()) }
                try push(try makeTuple(values.reversed()))
            case 0x28:  // MARK
                guard marks.count < limits.stackDepth else { throw corrupt("more than \(limits.stackDepth) marks") }
                marks.append(stack.count)
            case 0x74: try push(try makeTuple(try popToMark()))  // TUPLE
            case 0x5D: try push(try makeList())  // EMPTY_LIST
            case 0x6C: try push(try makeList(try popToMark()))  // LIST
            case 0x7D: try push(makeDict())  // EMPTY_DICT
            case 0x64:  // DICT
                let items = try popToMark()
                try push(makeDict())
                try setItems(items)
            case 0x61: try appendItems([try pop()])  // APPEND
            case 0x65: try appendItems(try popToMark())  // APPENDS
            case 0x73:  // SETITEM
                let value = try pop(), key = try pop()
                try setItems([key, value])
            case 0x75: try setItems(try popToMark())  // SETITEMS
            case 0x30: _ = try pop()  // POP
            case 0x31: _ = try popToMark()  // POP_MARK
            case 0x32: try push(try top())  // DUP

            case 0x71: try memoize(Int(try unsigned(1)))  // BINPUT
            case 0x72: try memoize(Int(try unsigned(4)))  // LONG_BINPUT
            case 0x94: try memoize(memo.count)  // MEMOIZE
            case 0x68, 0x6A:  // BINGET, LONG_BINGET
                let key = Int(try unsigned(op == 0x68 ? 1 : 4))
                guard let value = memo[key] else { throw corrupt("memo entry \(key) is read before it is written") }
                try push(value)

            case 0x63:  // GLOBAL
                let module = try line(), name = try line()
                try push(try global(module: module, name: name))
            case 0x93:  // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard case .string(let n) = name, case .string(let m) = module else {
                    throw corrupt("STACK_GLOBAL needs two strings, got \(module.typeName) and \(name.typeName)")
                }
                try push(try global(module: m, name: n))
            case 0x69:  // INST names a class to instantiate: never allowed
                let module = try line(), name = try line()
                throw refused(module: module, name: name)
            case 0x52:  // REDUCE
                let argument = try pop(), callable = try pop()
                try push(try reduce(callable, argument))
            case 0x62:  // BUILD: sets an object's state; only a dict's attributes (a state dict's `_metadata`) are accepted, and dropped
                _ = try pop()
                let target = try top()
                guard case .dict = target else { throw corrupt("BUILD on a \(target.typeName) is not supported") }
            case 0x51:  // BINPERSID
                try push(try persistentLoad(try pop()))

            default:
                throw corrupt("opcode \(Self.opcodeName(op)) is not supported by the restricted unpickler")
            }
        }
    }

    private mutating func memoize(_ key: Int) throws {
        guard memo.count < limits.memoEntries || memo[key] != nil else {
            throw corrupt("more than \(limits.memoEntries) memo entries")
        }
        memo[key] = try top()
    }

    private func global(module: String, name: String) throws -> PickleValue {
        guard let g = PickleGlobal(module: module, name: name) else { throw refused(module: module, name: name) }
        return .global(g)
    }

    /// A readable name for an opcode byte this unpickler does not run.
    static func opcodeName(_ op: UInt8) -> String {
        let names: [UInt8: String] = [
            0x49: "INT", 0x4C: "LONG", 0x46: "FLOAT", 0x53: "STRING", 0x56: "UNICODE", 0x67: "GET", 0x70: "PUT",
            0x50: "PERSID", 0x6F: "OBJ", 0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
            0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER",
            0x98: "READONLY_BUFFER",
        ]
        let hex = "0x" + (op < 0x10 ? "0" : "") + String(op, radix: 16)
        return names[op].map { "\($0) (\(hex))" } ?? hex
    }
}
