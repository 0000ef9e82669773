/// A trainable tensor owned by a module and updated by an optimizer.
///
/// A parameter has identity (it is a class): the module, the optimizer and the graph's leaf
/// all refer to the same one, and ``grad`` fills when a loss that used it calls `backward()`.
public final class Parameter: @unchecked Sendable {
    /// The current value, a leaf that requires grad.
    public private(set) var value: Tensor

    /// A parameter holding `value` (converted to a leaf that requires grad).
    public init(_ value: Tensor) {
        require(value.dtype.isFloatingPoint, "Parameter: values must be floating point, got \(value.dtype)")
        self.value = value.contiguous().requiringGrad()
    }

    /// The autograd leaf while the parameter is frozen (``requiresGrad`` false): kept so that
    /// unfreezing restores the same leaf with its hooks (``registerPostAccumulateGradHook(_:)``).
    private var frozenLeaf: GradNode?

    /// The parameter's autograd leaf, whether or not it is frozen (for hooks).
    var leaf: GradNode? { value.node ?? frozenLeaf }

    /// Whether gradients flow to this parameter (PyTorch's `requires_grad`); true for new parameters.
    ///
    /// Setting it to false freezes the parameter: ops on ``value`` no longer record it, so
    /// `backward()` leaves ``grad`` nil, and every optimizer skips parameters without a gradient,
    /// so the value stays bit-identical through `step()` (no weight decay, no momentum). The
    /// gradient it held is cleared. ``Module/freeze()`` sets it for a whole module.
    public var requiresGrad: Bool {
        get { value.node != nil }
        set {
            guard newValue != requiresGrad else { return }
            if newValue {
                value.node = frozenLeaf ?? GradNode(leafOfShape: value.shape, dtype: value.dtype)
                frozenLeaf = nil
            } else {
                frozenLeaf = value.node
                frozenLeaf?.grad = nil
                value.node = nil
            }
        }
    }

    /// The gradient accumulated by backward passes since the last ``zeroGrad()``; always nil
    /// while the parameter is frozen.
    ///
    /// Settable, for code that rewrites gradients between `backward()` and `step()` (gradient
    /// clipping, hand-made gradients in tests); a new gradient must have the parameter's shape,
    /// and a frozen parameter takes none.
    public var grad: Tensor? {
        get { value.grad }
        set {
            if let newValue {
                require(newValue.shape == value.shape,
                        "Parameter.grad: gradient of shape \(newValue.shape) does not match parameter shape \(value.shape)")
                require(requiresGrad, "Parameter.grad: the parameter is frozen (requiresGrad is false) and takes no gradient")
            } else if !requiresGrad {
                return
            }
            value.grad = newValue?.detached()
        }
    }
    /// Shape of the value.
    public var shape: [Int] { value.shape }
    /// Number of elements.
    public var count: Int { value.count }

    /// Clears the gradient.
    public func zeroGrad() { value.zeroGrad() }

    /// Mutates the value in place (for optimizers), keeping the leaf and its gradient.
    ///
    /// The storage is copied first if anything else still holds it (a graph that saved it),
    /// so such graphs keep the old value.
    func updateInPlace(_ body: (inout Tensor) -> Void) {
        body(&value)
    }

    /// Replaces the value (same shape and dtype), keeping the leaf and its accumulated gradient.
    ///
    /// Graphs built before keep the old value, so this is safe at any time.
    public func assign(_ newValue: Tensor) {
        require(newValue.shape == value.shape,
                     "Parameter.assign: shape \(newValue.shape) does not match parameter shape \(value.shape)")
        var t = newValue.cast(to: value.dtype).detached().contiguous()
        t.node = value.node
        value = t
    }
}
