/// A tensor a module keeps as state but does not train, as a buffer registered with
/// `register_buffer` in PyTorch: batch normalisation's running mean and variance, a step counter.
///
/// Buffers are found by reflection like parameters, appear in ``Module/stateDict()`` under
/// dotted names, and are saved in checkpoints; optimizers never see them.
public final class Buffer: @unchecked Sendable {
    /// The current value (never requires grad).
    public var value: Tensor {
        didSet {
            require(value.shape == oldValue.shape && value.dtype == oldValue.dtype,
                    "Buffer: new value \(value.dtype)\(value.shape) does not match \(oldValue.dtype)\(oldValue.shape)")
            value = value.detached()
        }
    }

    /// A buffer holding `value` (detached from any graph).
    public init(_ value: Tensor) {
        self.value = value.detached().contiguous()
    }

    /// Shape of the value.
    public var shape: [Int] { value.shape }
}
