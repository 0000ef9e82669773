/// A value on the restricted unpickler's stack.
///
/// Containers are indices into the unpickler's arenas (``Unpickler/Result``), not nested values:
/// so a value is never recursive, a hostile pickle cannot build reference cycles that leak, and
/// freeing a deeply nested structure needs no recursion.
package enum PickleValue: Sendable, Equatable {
    case none
    case bool(Bool)
    /// A Python `int` that fits in 64 bits (larger ones are refused).
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// Index into ``Unpickler/Result/tuples``.
    case tuple(Int)
    /// Index into ``Unpickler/Result/lists``.
    case list(Int)
    /// Index into ``Unpickler/Result/dicts``.
    case dict(Int)
    /// One of the globals the unpickler allows (a class or function, not yet called).
    case global(PickleGlobal)
    /// Index into ``Unpickler/Result/storages``.
    case storage(Int)
    /// Index into ``Unpickler/Result/tensors``.
    case tensor(Int)

    /// The Python type's name, for error messages.
    var typeName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let g): g.qualifiedName
        case .storage: "storage"
        case .tensor: "tensor"
        }
    }
}

/// A Python dict built by the unpickler: entries in insertion order, keys of hashable scalar types.
package struct PickleDictionary: Sendable {
    /// Keys and values in insertion order (a key set twice keeps its first position, Python's rule).
    package private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    private var positions: [Key: Int] = [:]

    /// A hashable form of the key types Python state dicts use; Python's `1 == 1.0 == True` included.
    private enum Key: Hashable {
        case none, int(Int), float(UInt64), string(String), bytes([UInt8])

        init?(_ value: PickleValue) {
            switch value {
            case .none: self = .none
            case .bool(let b): self = .int(b ? 1 : 0)
            case .int(let n): self = .int(n)
            case .float(let x):
                if x == x.rounded(), let n = Int(exactly: x) { self = .int(n) } else { self = .float(x.isNaN ? 0x7FF8_0000_0000_0000 : (x + 0).bitPattern) }
            case .string(let s): self = .string(s)
            case .bytes(let b): self = .bytes(b)
            default: return nil
            }
        }
    }

    /// Sets `key` to `value`; false when the key's type cannot be a key here.
    mutating func set(_ key: PickleValue, _ value: PickleValue) -> Bool {
        guard let k = Key(key) else { return false }
        if let i = positions[k] {
            entries[i].value = value
        } else {
            positions[k] = entries.count
            entries.append((key, value))
        }
        return true
    }
}
