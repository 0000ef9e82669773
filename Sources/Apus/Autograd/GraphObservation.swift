import Synchronization

/// Something that sees every node the autograd records while it is installed: ``GraphTrace``
/// keeps forward values and module boundaries for drawing the graph.
protocol GraphObserver: AnyObject, Sendable {
    /// `output` has just been given its node; `inputs` are the op's inputs.
    func recorded(_ output: Tensor, inputs: [Tensor])
}

/// The observer of the current task, if any. Recording an op checks ``isActive`` first, a
/// relaxed atomic load, so that the task-local is read only while some observer is installed
/// anywhere: drawing costs ordinary training nothing.
enum GraphObservation {
    @TaskLocal static var observer: (any GraphObserver)?
    /// Number of ``observing(_:_:)`` scopes running in any task.
    private static let activeScopes = Atomic<Int>(0)

    @inline(__always) static var isActive: Bool { activeScopes.load(ordering: .relaxed) > 0 }

    /// Runs `body` with `observer` seeing the ops it records.
    static func observing<R>(_ observer: any GraphObserver, _ body: () throws -> R) rethrows -> R {
        activeScopes.add(1, ordering: .relaxed)
        defer { activeScopes.subtract(1, ordering: .relaxed) }
        return try $observer.withValue(observer, operation: body)
    }
}
