/// Observes module calls while active: each call's module, input and output shapes, in the
/// order the calls finish (children before their parents). Used by ``summary(of:inputShape:dtype:)``
/// and, through a ``GraphTrace``, to draw a layer as one node of the autograd graph.
final class ModuleTracer: @unchecked Sendable {
    struct Call {
        let module: Module
        let inputShape: [Int]
        let outputShape: [Int]
        /// Whether the input is the previous leaf call's output (same storage): the layers so far form a chain.
        let continuesChain: Bool
        /// With a ``GraphTrace``: the sequence numbers of the nodes recorded during the call, and the output's node.
        var recorded: (nodes: Range<Int>, output: GradNode?)? = nil
    }

    @TaskLocal static var current: ModuleTracer?

    private(set) var calls: [Call] = []
    private var lastLeafOutput: ObjectIdentifier?
    /// The trace whose node numbers calls record, when drawing a graph.
    weak var graphTrace: GraphTrace?

    func record(_ module: Module, _ input: Tensor, _ body: () -> Tensor) -> Tensor {
        let start = graphTrace?.nodeCount
        let output = body()
        let isLeaf = module.namedChildren.isEmpty
        let continues = lastLeafOutput == nil || lastLeafOutput == ObjectIdentifier(input.storage)
        if isLeaf { lastLeafOutput = ObjectIdentifier(output.storage) }
        var call = Call(module: module, inputShape: input.shape, outputShape: output.shape, continuesChain: continues)
        if let start, let trace = graphTrace {
            call.recorded = (start..<trace.nodeCount, output.node)
            trace.keepValue(of: output)
        }
        calls.append(call)
        return output
    }

    /// Runs `body` with this tracer active.
    func tracing<R>(_ body: () throws -> R) rethrows -> R {
        try ModuleTracer.$current.withValue(self, operation: body)
    }
}
