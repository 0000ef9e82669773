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

/// The globals a PyTorch state dict needs, the allowlist of `torch.load(weights_only=True)` cut
/// down to what a state dict uses; the unpickler refuses every other global by name.
package enum PickleGlobal: Sendable, Equatable {
    /// `collections.OrderedDict` (a state dict, a tensor's empty backward hooks).
    case orderedDict
    /// `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`.
    case rebuildTensorV2
    /// `torch._utils._rebuild_parameter(data, requires_grad, backward_hooks)`.
    case rebuildParameter
    /// `torch._utils._rebuild_parameter_with_state(data, requires_grad, backward_hooks, state)`.
    case rebuildParameterWithState
    /// `torch.FloatStorage` and its siblings: only the element type of a persistent storage id.
    case storageType(TorchElementType)

    /// The global for `module` and `name`, or nil when it is not allowed.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("torch", _):
            guard let type = TorchElementType(storageName: name) else { return nil }
            self = .storageType(type)
        default: return nil
        }
    }

    /// `module.name` as Python writes it.
    var qualifiedName: String {
        switch self {
        case .orderedDict: "collections.OrderedDict"
        case .rebuildTensorV2: "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: "torch._utils._rebuild_parameter_with_state"
        case .storageType(let t): "torch.\(t.storageName)"
        }
    }
}

/// The element type of a PyTorch storage, named by its legacy storage class (`torch.FloatStorage`).
package enum TorchElementType: String, Sendable, Equatable, CaseIterable {
    case float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool

    init?(storageName: String) {
        guard let type = Self.allCases.first(where: { $0.storageName == storageName }) else { return nil }
        self = type
    }

    /// The storage class's name in `torch`.
    var storageName: String {
        switch self {
        case .float32: "FloatStorage"
        case .float64: "DoubleStorage"
        case .float16: "HalfStorage"
        case .bfloat16: "BFloat16Storage"
        case .int64: "LongStorage"
        case .int32: "IntStorage"
        case .int16: "ShortStorage"
        case .int8: "CharStorage"
        case .uint8: "ByteStorage"
        case .bool: "BoolStorage"
        }
    }

    /// Bytes per element in the file.
    var byteSize: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// The Apus dtype a tensor of this type is read as: half precision widens to float32 and
    /// narrower integers to int64 (exactly, as ``Safetensors`` reads them).
    var apusType: DType {
        switch self {
        case .float32, .float16, .bfloat16: .float32
        case .float64: .float64
        case .int64, .int32, .int16, .int8, .uint8: .int64
        case .bool: .bool
        }
    }
}

/// A persistent storage reference, `('storage', torch.FloatStorage, key, location, numel)`:
/// `numel` elements in the archive's record `data/<key>`.
package struct TorchStorageReference: Sendable, Equatable {
    package let type: TorchElementType
    package let key: String
    package let location: String
    package let count: Int
}

/// A tensor as `_rebuild_tensor_v2` describes it: a view of a storage. Validated against the
/// storage when its data is read (see ``TorchCheckpoint``).
package struct TorchTensorReference: Sendable, Equatable {
    /// Index into ``Unpickler/Result/storages``.
    package let storage: Int
    package let storageOffset: Int
    package let shape: [Int]
    package let strides: [Int]
}
