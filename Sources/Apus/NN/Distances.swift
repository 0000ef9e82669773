// Similarity and distance modules, as torch.nn's: each stores its options and calls the function in
// Ops/Distance.swift.

/// Cosine similarity along an axis as a module, as `torch.nn.CosineSimilarity`.
/// See ``cosineSimilarity(_:_:axis:eps:)``.
public final class CosineSimilarity: Module {
    /// The axis along which the vectors lie (PyTorch's `dim`).
    public let axis: Int
    /// Each norm is clamped to at least this before dividing.
    public let eps: Double
    /// Creates the similarity `x₁·x₂ / (max(‖x₁‖, eps)·max(‖x₂‖, eps))` along `axis` (default 1: rows of `[N, D]`).
    public init(axis: Int = 1, eps: Double = 1e-8) {
        self.axis = axis
        self.eps = eps
    }
    /// The cosine similarity of `x1` and `x2` (shapes broadcast), without the axis.
    public func callAsFunction(_ x1: Tensor, _ x2: Tensor) -> Tensor { cosineSimilarity(x1, x2, axis: axis, eps: eps) }
}

/// The p-norm distance of paired rows as a module, as `torch.nn.PairwiseDistance`.
/// See ``pairwiseDistance(_:_:p:eps:keepDims:)``.
public final class PairwiseDistance: Module {
    /// The order of the norm.
    public let p: Double
    /// Added to the difference before the norm.
    public let eps: Double
    /// Whether the reduced last axis is kept as 1.
    public let keepDims: Bool
    /// Creates the distance `‖x₁ − x₂ + eps‖_p` over the last axis.
    public init(p: Double = 2, eps: Double = 1e-6, keepDims: Bool = false) {
        self.p = p
        self.eps = eps
        self.keepDims = keepDims
    }
    /// The distance between the rows of `x1` and `x2` (shapes broadcast).
    public func callAsFunction(_ x1: Tensor, _ x2: Tensor) -> Tensor { pairwiseDistance(x1, x2, p: p, eps: eps, keepDims: keepDims) }
}
