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

    /// The Apus dtype of the same name: a tensor of this type is stored so.
    var apusType: DType {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .float16: .float16
        case .bfloat16: .bfloat16
        case .int64: .int64
        case .int32: .int32
        case .int16: .int16
        case .int8: .int8
        case .uint8: .uint8
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
