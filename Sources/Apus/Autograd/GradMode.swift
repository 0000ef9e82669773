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
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$enabledValue.withValue(false, operation: body)
}

/// Runs `body` with gradient recording switched on, even inside ``noGrad(_:)``.
@discardableResult
public func enableGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$enabledValue.withValue(true, operation: body)
}
