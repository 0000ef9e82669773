/// How a loss combines per-element values.
public enum Reduction: Sendable {
    case mean, sum, none

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .mean: x.mean()
        case .sum: x.sum()
        case .none: x
        }
    }
}

/// Mean squared error `mean((prediction − target)²)` (shapes broadcast).
public func mseLoss(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
    let d = prediction - target
    return reduction.apply(d * d)
}

/// Cross-entropy of `logits` `[N, C]` against integer class `labels` `[N]`:
/// `−log softmax(logits)[i, labels[i]]`, averaged by default.
public func crossEntropy(_ logits: Tensor, _ labels: Tensor, reduction: Reduction = .mean) -> Tensor {
    require(logits.rank == 2, "crossEntropy: logits must be [N, C], got \(logits.shape)")
    require(labels.dtype == .int64, "crossEntropy: labels must be int64 class indices, got \(labels.dtype)")
    require(labels.shape == [logits.shape[0]],
                 "crossEntropy: labels of shape \(labels.shape) do not match logits of shape \(logits.shape)")
    let picked = logSoftmax(logits, axis: 1).gather(axis: 1, index: labels.reshape([-1, 1])).reshape([-1])
    return reduction.apply(-picked)
}

/// Mean squared error as a module.
public final class MSELoss: Module {
    public let reduction: Reduction
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Tensor { mseLoss(prediction, target, reduction: reduction) }
}

/// Cross-entropy on logits and integer labels as a module.
public final class CrossEntropyLoss: Module {
    public let reduction: Reduction
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    public func callAsFunction(_ logits: Tensor, _ labels: Tensor) -> Tensor { crossEntropy(logits, labels, reduction: reduction) }
}
