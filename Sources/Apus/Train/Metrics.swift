/// Fraction of rows of `logits` `[N, C]` whose largest entry is at the label's index.
public func accuracy(_ logits: Tensor, _ labels: Tensor) -> Double {
    require(logits.rank == 2 && labels.shape == [logits.shape[0]],
                 "accuracy: logits \(logits.shape) and labels \(labels.shape) do not match")
    guard logits.shape[0] > 0 else { return 0 }
    let correct = (logits.argmax(axis: 1) .== labels).sum().item()
    return correct / Double(logits.shape[0])
}
