/// A recording of one forward pass for drawing its autograd graph with
/// ``graph(of:names:trace:options:)``: which module call made each op, the value of each module's
/// output (small tensors), and — once `backward()` has run — the gradient of every intermediate
/// result, as the lectures' figures show them.
///
/// ```swift
/// let trace = GraphTrace()
/// let loss = trace.record { crossEntropy(model(x), y) }
/// loss.backward()
/// let dot = graph(of: loss, model: model, trace: trace)
/// ```
///
/// Without a trace a graph still shows every op, shape and dtype, the leaves' gradients, and the
/// values of the output and of the tensors named in `names:` (a model's parameters included); the
/// trace adds what the graph itself does not keep. Values of other intermediate results are not
/// kept (handing each op's output to the trace would slow every recorded op, traced or not): name
/// them to see them. The trace holds the graph's nodes (not the saved tensors, which backward frees
/// as usual), module outputs with at most ``valueLimit`` elements, and, with `gradients`, makes
/// backward keep the gradient of every recorded result (``Tensor/retainGrad()``): memory for a
/// large model, so trace one step, not a run. One trace records one task at a time.
public final class GraphTrace: @unchecked Sendable {
    /// Module outputs with at most this many elements have their values kept.
    public static let valueLimit = 64

    struct Entry {
        let node: GradNode
        /// Order of recording.
        let sequence: Int
    }

    private(set) var entries: [ObjectIdentifier: Entry] = [:]
    /// Values of module outputs, by node (the node is held so that its identity stays unique).
    private var values: [ObjectIdentifier: (node: GradNode, value: Tensor)] = [:]
    /// Number of op nodes recorded so far: the next one's sequence number.
    private(set) var nodeCount = 0
    let modules = ModuleTracer()
    private let keepsGradients: Bool

    /// A trace that keeps small module outputs and, when `gradients`, every recorded result's gradient.
    public init(gradients: Bool = true) {
        keepsGradients = gradients
        modules.graphTrace = self
    }

    /// Runs `body` (usually a forward pass and the loss) recording what the graph drawing needs.
    /// Calls may be repeated; later calls add to the same trace.
    public func record<R>(_ body: () throws -> R) rethrows -> R {
        try GraphObservation.observing(Observer(trace: self)) { try modules.tracing(body) }
    }

    /// The value kept for `node`, if any.
    func value(of node: GradNode) -> Tensor? { values[ObjectIdentifier(node)]?.value }

    fileprivate func recorded(_ node: GradNode) {
        entries[ObjectIdentifier(node)] = Entry(node: node, sequence: nodeCount)
        nodeCount += 1
        if keepsGradients { node.retainsGrad = true }
    }

    /// Keeps the value of a module's output (called by the module tracer), when it is small.
    func keepValue(of output: Tensor) {
        guard let node = output.node, output.count <= Self.valueLimit else { return }
        values[ObjectIdentifier(node)] = (node, output.detached().contiguous())
    }

    /// The observer installed while recording (a separate object, so that the task-local holds no
    /// strong cycle through the trace).
    private final class Observer: GraphObserver, @unchecked Sendable {
        unowned let trace: GraphTrace
        init(trace: GraphTrace) { self.trace = trace }
        func recorded(_ node: GradNode) { trace.recorded(node) }
    }
}
