/// The soft multi-class Dice loss of `logits` `[N, C]` or `[N, C, d1, …]` against int64 class
/// indices `targets` `[N]` or `[N, d1, …]`, the overlap loss of segmentation (Milletari et al.'s
/// V-Net): segmentation_models_pytorch's `DiceLoss(mode="multiclass", from_logits=True,
/// smooth=smooth, eps=eps, ignore_index=ignoreIndex)`, value for value.
///
/// With `p = softmax(logits, axis: 1)` and `y` the one-hot targets, both zeroed on the pixels whose
/// target is `ignoreIndex`, and sums over the batch and every pixel (one score per class, the whole
/// batch pooled):
///
///     I_c = Σ p_c · y_c,   S_c = Σ p_c + Σ y_c,
///     dice_c = (2·I_c + smooth) / max(S_c + smooth, eps),
///     loss = (1/C) · Σ_c [Σ y_c > 0] · (1 − dice_c)
///
/// A class absent from the (non-ignored) targets contributes 0 but still counts in the mean over C,
/// as in segmentation_models_pytorch. `smooth` (1 by default; segmentation_models_pytorch's default is
/// 0) keeps the loss defined and smooth when a class's probabilities are all small. Differentiable
/// in `logits`; the targets are constants. Often added to `crossEntropy` (`ce + dice`). An input
/// without pixels (an empty batch or image) gives 0: no class is present.
public func diceLoss(_ logits: Tensor, _ targets: Tensor, smooth: Double = 1, eps: Double = 1e-7,
                     ignoreIndex: Int = -100) -> Tensor {
    require(logits.rank >= 2, "diceLoss: logits must be [N, C] or [N, C, d1, …], got shape \(logits.shape)")
    require(logits.dtype.isFloatingPoint, "diceLoss: logits must be floating point, got \(logits.dtype)")
    require(targets.dtype == .int64, "diceLoss: targets must be int64 class indices, got \(targets.dtype)")
    let expected = [logits.shape[0]] + Array(logits.shape.dropFirst(2))
    require(targets.shape == expected,
            "diceLoss: targets of shape \(targets.shape) do not match logits of shape \(logits.shape) (expected targets \(expected))")
    require(smooth >= 0 && eps >= 0, "diceLoss: smooth and eps must be non-negative, got \(smooth) and \(eps)")
    // No pixels (an empty batch or image): no class is present and the loss is 0, as the formula gives.
    let (n, classes) = (logits.shape[0], logits.shape[1])
    let pixels = logits.shape.dropFirst(2).reduce(1, *)
    let labels = targets.toArray(as: Int64.self)
    // One-hot targets [N, C, P] and the kept pixels [N, 1, P], constants in the logits' dtype.
    var oneHot = [Double](repeating: 0, count: n * classes * pixels)
    var kept = [Double](repeating: 1, count: n * pixels)
    var present = [Double](repeating: 0, count: classes)
    for i in 0..<n {
        for j in 0..<pixels {
            let label = labels[i * pixels + j]
            if Int(label) == ignoreIndex { kept[i * pixels + j] = 0; continue }
            require(label >= 0 && label < classes, """
                diceLoss: label \(label) is out of range for \(classes) classes (logits of shape \(logits.shape)); \
                only ignoreIndex \(ignoreIndex) may lie outside
                """)
            oneHot[(i * classes + Int(label)) * pixels + j] = 1
            present[Int(label)] = 1
        }
    }
    let dtype = logits.dtype
    let y = Tensor(shape: [n, classes, pixels], values: oneHot, dtype: dtype)
    let keep = Tensor(shape: [n, 1, pixels], values: kept, dtype: dtype)
    let p = softmax(logits, axis: 1).reshape([n, classes, pixels]) * keep
    let intersection = (p * y).sum(axes: [0, 2])
    let cardinality = p.sum(axes: [0, 2]) + y.sum(axes: [0, 2])
    let dice = (intersection * 2 + smooth) / clamp(cardinality + smooth, min: eps)
    return ((1 - dice) * Tensor(shape: [classes], values: present, dtype: dtype)).mean()
}
