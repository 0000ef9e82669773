/// The soft multi-class Dice loss as a module: ``diceLoss(_:_:smooth:eps:ignoreIndex:)``, as
/// segmentation_models_pytorch's `DiceLoss(mode="multiclass", from_logits=True)`.
///
/// ```swift
/// let dice = DiceLoss(ignoreIndex: 255)
/// let loss = crossEntropy(logits, masks, ignoreIndex: 255) + dice(logits, masks)
/// ```
public final class DiceLoss: Module {
    /// Added to the numerator and denominator of each class's score (1 by default).
    public let smooth: Double
    /// The smallest denominator.
    public let eps: Double
    /// A target value whose pixels are left out (PyTorch's default −100; 255 for VOC-style masks).
    public let ignoreIndex: Int
    /// Creates the loss `mean_c [class c present] · (1 − dice_c)`.
    public init(smooth: Double = 1, eps: Double = 1e-7, ignoreIndex: Int = -100) {
        require(smooth >= 0 && eps >= 0, "DiceLoss: smooth and eps must be non-negative, got \(smooth) and \(eps)")
        (self.smooth, self.eps, self.ignoreIndex) = (smooth, eps, ignoreIndex)
    }
    /// The loss of raw scores `logits` `[N, C, d1, …]` against int64 class indices `[N, d1, …]`.
    public func callAsFunction(_ logits: Tensor, _ targets: Tensor) -> Tensor {
        diceLoss(logits, targets, smooth: smooth, eps: eps, ignoreIndex: ignoreIndex)
    }
}
