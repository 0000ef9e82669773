/// A recording of one forward pass for drawing its autograd graph with
/// ``graph(of:names:trace:options:)``: the value of every intermediate result (small tensors),
/// which layer each op belongs to, and — once `backward()` has run — the gradient of every
/// intermediate result, as the lectures' figures show them.
///
/// ```swift
/// let trace = GraphTrace()
/// let loss = trace.record { crossEntropy(model(x), y) }
/// loss.backward()
/// let dot = graph(of: loss, model: model, trace: trace)
/// ```
///
/// Without a trace a graph still shows every op, shape and dtype, the leaves' gradients and the
/// values of named leaves; the trace adds what the graph itself does not keep. It holds the graph's
/// nodes (not the saved tensors, which backward frees as usual), the values of tensors with at most
/// ``valueLimit`` elements, and, with `gradients`, makes backward keep the gradient of every
/// recorded result (``Tensor/retainGrad()``): memory for a large model, so trace one step, not a run.
public final class GraphTrace: @unchecked Sendable {
    /// Tensors with at most this many elements have their values kept.
    public static let valueLimit = 64

    struct Entry {
        let node: GradNode
        /// Order of recording (leaves seen as inputs get -1).
        let sequence: Int
        let value: Tensor?
    }

    private(set) var entries: [ObjectIdentifier: Entry] = [:]
    /// Number of op nodes recorded so far: the next one's sequence number.
    private(set) var nodeCount = 0
    let modules = ModuleTracer()
    private let keepsGradients: Bool

    /// A trace that keeps small values and, when `gradients`, every recorded result's gradient.
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
    func value(of node: GradNode) -> Tensor? { entries[ObjectIdentifier(node)]?.value }

    fileprivate func recorded(_ output: Tensor, inputs: [Tensor]) {
        guard let node = output.node else { return }
        for input in inputs {
            guard let leaf = input.node, leaf.isLeaf, entries[ObjectIdentifier(leaf)] == nil else { continue }
            entries[ObjectIdentifier(leaf)] = Entry(node: leaf, sequence: -1, value: Self.small(input))
        }
        entries[ObjectIdentifier(node)] = Entry(node: node, sequence: nodeCount, value: Self.small(output))
        nodeCount += 1
        if keepsGradients { node.retainsGrad = true }
    }

    private static func small(_ t: Tensor) -> Tensor? { t.count <= valueLimit ? t.detached().contiguous() : nil }

    /// The observer installed while recording (a separate object, so that the task-local holds no
    /// strong cycle through the trace).
    private final class Observer: GraphObserver, @unchecked Sendable {
        unowned let trace: GraphTrace
        init(trace: GraphTrace) { self.trace = trace }
        func recorded(_ output: Tensor, inputs: [Tensor]) { trace.recorded(output, inputs: inputs) }
    }
}
