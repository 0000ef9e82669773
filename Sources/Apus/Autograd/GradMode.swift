/// Whether operations record the autograd graph on the current task or thread.
public enum GradMode {
    @TaskLocal static var enabledValue = true

    /// True unless inside ``noGrad(_:)``.
    public static var isEnabled: Bool { enabledValue }
}

/// Runs `body` without recording gradients: for evaluation and optimizer updates.
///
/// Tensors computed inside have no graph and use no memory for backward.
@discardableResult
public func noGrad<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
    // The task-local's `withValue` only rethrows untyped errors: carry the typed one out in a Result.
    let result = GradMode.$enabledValue.withValue(false) { Result { () throws(E) -> R in try body() } }
    return try result.get()
}

/// Runs `body` with gradient recording switched on, even inside ``noGrad(_:)``.
@discardableResult
public func enableGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$enabledValue.withValue(true, operation: body)
}
