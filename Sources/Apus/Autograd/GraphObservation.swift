import Synchronization

/// Something that sees every node the autograd records while it is installed: ``GraphTrace``
/// keeps forward values and module boundaries for drawing the graph.
protocol GraphObserver: AnyObject, Sendable {
    /// An op has just recorded `node` (whose inputs are the op's inputs' nodes).
    func recorded(_ node: GradNode)
}

/// The observer of the current task, if any. Recording an op checks ``isActive`` first, a
/// relaxed atomic load, so that the task-local is read only while some observer is installed
/// anywhere: drawing costs ordinary training nothing.
enum GraphObservation {
    @TaskLocal static var observer: (any GraphObserver)?
    /// Number of ``observing(_:_:)`` scopes running in any task.
    private static let activeScopes = Atomic<Int>(0)

    @inline(__always) static var isActive: Bool { activeScopes.load(ordering: .relaxed) > 0 }

    /// Tells the current task's observer, if any, about `node`. Out of line and given only the node:
    /// handing over the output tensor or the input array (to keep values) made every recorded op ~8%
    /// slower, observer or not, so the recording path only loads the counter.
    @inline(never) static func notify(_ node: GradNode) { observer?.recorded(node) }

    /// Runs `body` with `observer` seeing the ops it records.
    static func observing<R>(_ observer: any GraphObserver, _ body: () throws -> R) rethrows -> R {
        activeScopes.add(1, ordering: .relaxed)
        defer { activeScopes.subtract(1, ordering: .relaxed) }
        return try $observer.withValue(observer, operation: body)
    }
}
