/// Whether ``Initializer``s draw their values on the current task, or are skipped inside
/// ``skippingInitialization(_:)``.
public enum InitializationMode {
    @TaskLocal static var skippedValue = false

    /// True inside ``skippingInitialization(_:)``.
    public static var isSkipped: Bool { skippedValue }
}

/// Runs `body` with parameter initialisation skipped, as PyTorch's `torch.nn.utils.skip_init`:
/// every ``Initializer`` returns zeros of the right shape and dtype without drawing random numbers
/// (buffers and constant initialisers are unaffected: they cost nothing).
///
/// For a model whose weights are loaded right after, random initialisation is wasted work — a
/// few seconds for VGG's 120 million normal samples:
///
///     let model = try skippingInitialization { try VisionModels.make("vgg16") }
///     try model.loadWeights(from: "vgg16.pth")
///
/// The default random generator is not advanced inside the scope.
public func skippingInitialization<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
    // The task-local's `withValue` only rethrows untyped errors: carry the typed one out in a Result.
    let result = InitializationMode.$skippedValue.withValue(true) { Result { () throws(E) -> R in try body() } }
    return try result.get()
}
