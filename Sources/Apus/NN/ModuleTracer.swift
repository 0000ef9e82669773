/// Observes module calls while active: each call's module, input and output shapes, in the
/// order the calls finish (children before their parents). Used by ``summary(of:inputShape:dtype:)``.
final class ModuleTracer: @unchecked Sendable {
    struct Call {
        let module: Module
        let inputShape: [Int]
        let outputShape: [Int]
        /// Whether the input is the previous leaf call's output (same storage): the layers so far form a chain.
        let continuesChain: Bool
    }

    @TaskLocal static var current: ModuleTracer?

    private(set) var calls: [Call] = []
    private var lastLeafOutput: ObjectIdentifier?

    func record(_ module: Module, _ input: Tensor, _ body: () -> Tensor) -> Tensor {
        let output = body()
        let isLeaf = module.namedChildren.isEmpty
        let continues = lastLeafOutput == nil || lastLeafOutput == ObjectIdentifier(input.storage)
        if isLeaf { lastLeafOutput = ObjectIdentifier(output.storage) }
        calls.append(Call(module: module, inputShape: input.shape, outputShape: output.shape, continuesChain: continues))
        return output
    }

    /// Runs `body` with this tracer active.
    func tracing<R>(_ body: () throws -> R) rethrows -> R {
        try ModuleTracer.$current.withValue(self, operation: body)
    }
}
