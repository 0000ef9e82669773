/// A collection of labelled examples that can be read in batches, as `torch.utils.data.Dataset`.
///
/// Datasets held in memory cannot fail to read (`Failure` is `Never`, and no `try` is needed);
/// one that reads files when asked (ApusVision's `ImageFolder`) throws its `Failure` for a file
/// it cannot decode. ``DataLoader`` then hands that error to the training loop.
public protocol Dataset<Failure> {
    /// What reading a batch can throw: `Never` for data in memory.
    associatedtype Failure: Error = Never
    /// Number of examples.
    var count: Int { get }
    /// The examples at `indices`, stacked along a new first dimension.
    func batch(at indices: [Int]) throws(Failure) -> (inputs: Tensor, targets: Tensor)
    /// Whether examples are random (augmentations drawn per read): only then does ``DataLoader``
    /// draw a seed for each pass and read batches with ``batch(at:seed:)``. False by default.
    var isRandom: Bool { get }
    /// The examples at `indices`, each example's random choices drawn from a stream derived from
    /// `seed` and its index alone, so that the batch does not depend on the thread or the order
    /// in which batches are read. By default ``batch(at:)``, for datasets that are not random.
    func batch(at indices: [Int], seed: UInt64) throws(Failure) -> (inputs: Tensor, targets: Tensor)
}

extension Dataset {
    public var isRandom: Bool { false }

    public func batch(at indices: [Int], seed: UInt64) throws(Failure) -> (inputs: Tensor, targets: Tensor) {
        try batch(at: indices)
    }
}

/// Examples stored as two tensors whose first dimensions are the example index.
public struct TensorDataset: Dataset, Sendable {
    /// All inputs, `[count, …]`: example `i` is `inputs[i]`.
    public let inputs: Tensor
    /// All targets, `[count, …]` (labels `[count]` for classification).
    public let targets: Tensor

    /// Pairs `inputs[i]` with `targets[i]`; both must have the same first dimension. Both are detached from any graph.
    public init(inputs: Tensor, targets: Tensor) {
        require(inputs.rank >= 1 && targets.rank >= 1 && inputs.shape[0] == targets.shape[0],
                     "TensorDataset: inputs \(inputs.shape) and targets \(targets.shape) differ in example count")
        self.inputs = inputs.detached()
        self.targets = targets.detached()
    }

    public var count: Int { inputs.shape[0] }

    public func batch(at indices: [Int]) -> (inputs: Tensor, targets: Tensor) {
        let idx = Tensor(scalars: indices.map(Int64.init))
        return (inputs.indexSelect(axis: 0, indices: idx), targets.indexSelect(axis: 0, indices: idx))
    }

    /// The examples at `indices` as a new dataset.
    public func subset(_ indices: [Int]) -> TensorDataset {
        let (x, y) = batch(at: indices)
        return TensorDataset(inputs: x, targets: y)
    }
}

/// Splits `0..<count` at random into parts of the given fractions (the last takes the rounding rest).
///
/// The default 80/10/10 gives train, validation and test index sets; the same generator state
/// gives the same split.
public func randomSplit(count: Int, fractions: [Double] = [0.8, 0.1, 0.1],
                        generator: RandomGenerator = .default) -> [[Int]] {
    require(!fractions.isEmpty && fractions.allSatisfy { $0 >= 0 },
                 "randomSplit: fractions must be non-negative, got \(fractions)")
    let total = fractions.reduce(0.0) { $0 + $1 }
    require(Swift.abs(total - 1) < 1e-9, "randomSplit: fractions must add up to 1, got \(total)")
    let order = generator.permutation(count)
    var parts: [[Int]] = []
    var start = 0
    for (i, f) in fractions.enumerated() {
        let n = i == fractions.count - 1 ? count - start : Int((Double(count) * f).rounded())
        let end = Swift.min(count, start + n)
        parts.append(Array(order[start..<end]))
        start = end
    }
    return parts
}

extension TensorDataset {
    /// Splits the examples at random into training, validation and test sets (80/10/10 by default).
    ///
    /// Built on ``randomSplit(count:fractions:generator:)``: `fractions` are three non-negative
    /// numbers adding up to 1, the test set takes the rounding rest, and the same generator state
    /// gives the same split.
    ///
    /// ```swift
    /// let (train, validation, test) = dataset.split(generator: RandomGenerator(seed: 42))
    /// ```
    public func split(fractions: [Double] = [0.8, 0.1, 0.1], generator: RandomGenerator = .default)
        -> (train: TensorDataset, validation: TensorDataset, test: TensorDataset) {
        require(fractions.count == 3,
                "TensorDataset.split: expected three fractions (train, validation, test), got \(fractions)")
        let parts = randomSplit(count: count, fractions: fractions, generator: generator)
        return (subset(parts[0]), subset(parts[1]), subset(parts[2]))
    }
}
