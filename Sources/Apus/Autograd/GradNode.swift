/// A vertex of the autograd graph.
///
/// A leaf node belongs to a tensor the user marked with `requiresGrad` and accumulates
/// its ``grad``. An interior node belongs to the output of an op: it keeps the nodes of
/// the op's inputs and a closure that maps the output's gradient to the inputs' gradients.
/// The closure holds the tensors backward needs; it is dropped after the first backward
/// (unless the graph is retained), which frees them. The rest (op name, shape, dtype, edges)
/// stays, so a graph can still be drawn after backward (``graph(of:names:trace:options:)``).
@usableFromInline
final class GradNode {
    /// The op that made the tensor, for messages ("mul", "matmul", …); "leaf" for leaves.
    let op: String
    /// Nodes of the inputs, nil for inputs that need no gradient.
    private(set) var inputs: [GradNode?]
    /// Output gradient → input gradients (one per input, nil where not needed).
    var backwardFn: ((Tensor) -> [Tensor?])?
    /// Accumulated gradient (leaves, and interior nodes that ``retainsGrad``).
    var grad: Tensor?
    /// Whether backward keeps this interior node's gradient in ``grad`` (PyTorch's `retain_grad()`).
    var retainsGrad = false
    /// Run, in registration order, after backward has accumulated this leaf's gradient of the pass.
    var postAccumulateGradHooks: [(id: Int, body: () -> Void)] = []
    let isLeaf: Bool
    /// Shape of the tensor this node belongs to.
    let shape: [Int]
    /// Element type of the tensor this node belongs to.
    let dtype: DType

    init(leafOfShape shape: [Int], dtype: DType) {
        op = "leaf"
        inputs = []
        isLeaf = true
        self.shape = shape
        self.dtype = dtype
    }

    init(op: String, shape: [Int], dtype: DType, inputs: [GradNode?], backward: @escaping (Tensor) -> [Tensor?]) {
        self.op = op
        self.shape = shape
        self.dtype = dtype
        self.inputs = inputs
        self.backwardFn = backward
        isLeaf = false
    }

    deinit {
        // Freeing a chain recursively (each node releasing its inputs in its deinit) overflows
        // the stack for graphs ~100 000 ops deep. Instead, unlink the inputs that only this
        // graph holds and free them one at a time from a list.
        var pending = inputs.compactMap { $0 }
        inputs = []
        while var node = pending.popLast() {
            guard isKnownUniquelyReferenced(&node) else { continue }
            pending.append(contentsOf: node.inputs.compactMap { $0 })
            node.inputs = []
            node.backwardFn = nil
        }
    }
}

extension Tensor {
    /// Whether gradients flow to this tensor: a leaf marked by the user, or the result of an op on one.
    ///
    /// Setting it on a tensor makes that tensor a leaf whose ``grad`` fills on ``backward(_:retainGraph:)``.
    public var requiresGrad: Bool {
        get { node != nil }
        set {
            if newValue {
                require(dtype.isFloatingPoint, "requiresGrad: only floating-point tensors can require gradients, got \(dtype)")
                if node == nil { node = GradNode(leafOfShape: shape, dtype: dtype) }
            } else {
                node = nil
            }
        }
    }

    /// A copy of this tensor's value tracking gradients, as a new leaf.
    public func requiringGrad() -> Tensor {
        var t = detached()
        t.requiresGrad = true
        return t
    }

    /// Whether this tensor is a leaf of the graph (created by the user, not by an op).
    public var isLeaf: Bool { node?.isLeaf ?? true }

    /// The gradient accumulated by ``backward(_:retainGraph:)``: for leaves, and for interior
    /// tensors after ``retainGrad()``.
    public var grad: Tensor? {
        get { node?.isLeaf == true || node?.retainsGrad == true ? node?.grad : nil }
        nonmutating set {
            require(node?.isLeaf == true, "grad: only leaf tensors that require grad hold a gradient")
            node?.grad = newValue
        }
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() {
        if node?.isLeaf == true || node?.retainsGrad == true { node?.grad = nil }
    }

    /// Makes backward keep this interior tensor's gradient in ``grad``, as PyTorch's
    /// `retain_grad()`: for looking at the gradient of an intermediate result (`∂L/∂h`). Leaves
    /// keep theirs anyway; a tensor without a graph has none to keep.
    public func retainGrad() {
        if let node, !node.isLeaf { node.retainsGrad = true }
    }

    /// The same values, cut off from the graph (shares storage).
    public func detached() -> Tensor {
        var t = self
        t.node = nil
        return t
    }

    /// Name of the op that produced this tensor, nil for leaves and tensors without graph.
    public var gradFunctionName: String? {
        guard let node, !node.isLeaf else { return nil }
        return node.op
    }
}

/// Whether an op on this input must record a node. (One and two inputs have their own functions,
/// not a variadic one: its array of tensor copies was a tenth of a recorded 1-element add.)
@inline(__always)
func shouldRecord(_ a: Tensor) -> Bool { a.node != nil && GradMode.isEnabled }

/// Whether an op on these two inputs must record a node.
@inline(__always)
func shouldRecord(_ a: Tensor, _ b: Tensor) -> Bool { (a.node != nil || b.node != nil) && GradMode.isEnabled }

/// Attaches a node to `output` when any input requires grad; `backward` returns one gradient per input.
@inline(__always)
func record(_ op: String, _ inputs: [Tensor], _ output: Tensor, backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
    attachNode(op, inputs: inputs.map { $0.node }, to: output, backward: backward)
}

/// ``record(_:_:_:backward:)`` for a two-input op, without an array of the input tensors (a
/// recorded 1-element add spent a tenth of its time retaining and releasing their copies).
func record(_ op: String, _ a: Tensor, _ b: Tensor, _ output: Tensor, backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
    attachNode(op, inputs: [a.node, b.node], to: output, backward: backward)
}

/// Records a one-input op when needed.
@inline(__always)
func recordUnary(_ op: String, _ input: Tensor, _ output: Tensor, backward: @escaping (Tensor) -> Tensor) -> Tensor {
    guard shouldRecord(input) else { return output }
    return attachNode(op, inputs: [input.node], to: output) { [backward($0)] }
}

/// `output` with a new node of the given inputs' nodes (shown to a graph observer, if any).
func attachNode(_ op: String, inputs: [GradNode?], to output: Tensor, backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
    var out = output
    let node = GradNode(op: op, shape: output.shape, dtype: output.dtype, inputs: inputs, backward: backward)
    out.node = node
    if GraphObservation.isActive { GraphObservation.notify(node) }
    return out
}
