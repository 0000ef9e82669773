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
