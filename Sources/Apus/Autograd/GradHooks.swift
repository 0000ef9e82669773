import Synchronization

/// Unregisters the hook it was returned for, as PyTorch's `RemovableHandle`.
public final class HookHandle {
    private var removal: (() -> Void)?

    init(_ removal: @escaping () -> Void) { self.removal = removal }

    /// Removes the hook; later calls do nothing.
    public func remove() {
        removal?()
        removal = nil
    }
}

/// Identifiers of registered hooks, unique in the process.
private let nextHookID = Atomic<Int>(0)

extension Parameter {
    /// Calls `hook(self)` each time a backward pass has accumulated this parameter's gradient,
    /// as PyTorch's `Tensor.register_post_accumulate_grad_hook`.
    ///
    /// The hook runs inside `backward()` (gradient recording off) as soon as the pass has summed
    /// all contributions to this parameter into ``grad``, before backward has finished with the
    /// rest of the graph: ``DistributedDataParallel`` starts a bucket's all-reduce from it, so
    /// that communication overlaps the remaining backward computation. Hooks run in registration order.
    /// A frozen parameter (``requiresGrad`` false) keeps its hooks; they run again once it is unfrozen.
    @discardableResult
    public func registerPostAccumulateGradHook(_ hook: @escaping (Parameter) -> Void) -> HookHandle {
        guard let node = leaf else { fatalError("registerPostAccumulateGradHook: parameter has no autograd leaf") }
        let id = nextHookID.add(1, ordering: .relaxed).newValue
        node.postAccumulateGradHooks.append((id, { [weak self] in if let self { hook(self) } }))
        return HookHandle { [weak node] in node?.postAccumulateGradHooks.removeAll { $0.id == id } }
    }
}
