import Foundation

/// Clips the gradients by their joint norm before every optimizer step of
/// ``Trainer/fit(_:validation:epochs:initialEpoch:callbacks:)``, with
/// ``clipGradNorm(_:maxNorm:normType:)`` (PyTorch's `clip_grad_norm_`).
///
/// ```swift
/// try trainer.fit(loader, epochs: 10, callbacks: [GradientClipper(maxNorm: 1)])
/// ```
///
/// Gradients whose joint `normType`-norm `‖g‖` exceeds `maxNorm` are all scaled by
/// `maxNorm / (‖g‖ + 1e-6)`, so the update keeps its direction and its size is capped.
public final class GradientClipper: Callback {
    /// The largest joint gradient norm let through.
    public let maxNorm: Double
    /// The `p` of the p-norm (2: Euclidean, `.infinity`: largest magnitude).
    public let normType: Double
    /// The joint norm of the last batch's gradients before clipping (0 before the first batch).
    public private(set) var lastNorm = 0.0
    /// Batches whose gradients were scaled down, over all `fit` calls.
    public private(set) var clippedBatches = 0

    /// Clips to a joint `normType`-norm of at most `maxNorm` (> 0) before every step.
    public init(maxNorm: Double, normType: Double = 2) {
        require(maxNorm > 0 && maxNorm.isFinite, "GradientClipper: maxNorm must be a positive finite number, got \(maxNorm)")
        require(normType > 0, "GradientClipper: normType must be positive (or .infinity), got \(normType)")
        self.maxNorm = maxNorm
        self.normType = normType
    }

    public func onBeforeOptimizerStep(_ batch: Int, trainer: Trainer) throws {
        lastNorm = clipGradNorm(trainer.optimizer.parameters, maxNorm: maxNorm, normType: normType)
        if lastNorm > maxNorm { clippedBatches += 1 }
    }
}
