/// A contiguous range of another dataset's examples, read through to it: a view, nothing is copied.
///
/// Example `i` of the slice is example `range.lowerBound + i` of `base`; a validation split of
/// "the last 10%" of a training set is `DatasetSlice(train, range: cut..<train.count)`.
///
/// ```swift
/// let n = train.count, cut = n - n / 10
/// let (fit, validation) = (DatasetSlice(train, range: 0..<cut), DatasetSlice(train, range: cut..<n))
/// ```
public struct DatasetSlice<Base: Dataset>: Dataset {
    /// The dataset read from.
    public let base: Base
    /// The examples of `base` this slice shows, in order.
    public let range: Range<Int>

    /// The examples of `base` in `range`, which must lie within `0..<base.count`.
    public init(_ base: Base, range: Range<Int>) {
        require(range.lowerBound >= 0 && range.upperBound <= base.count,
                "DatasetSlice: range \(range) out of bounds for a dataset of \(base.count) examples")
        self.base = base
        self.range = range
    }

    /// Number of examples, `range.count`.
    public var count: Int { range.count }

    /// The examples at `indices` (relative to the slice) from `base`.
    public func batch(at indices: [Int]) throws(Base.Failure) -> (inputs: Tensor, targets: Tensor) {
        try base.batch(at: baseIndices(indices))
    }

    /// Random as `base` is.
    public var isRandom: Bool { base.isRandom }

    /// The examples at `indices` from `base`, drawn with `seed` (examples keep their streams of `base`).
    public func batch(at indices: [Int], seed: UInt64) throws(Base.Failure) -> (inputs: Tensor, targets: Tensor) {
        try base.batch(at: baseIndices(indices), seed: seed)
    }

    private func baseIndices(_ indices: [Int]) -> [Int] {
        for i in indices { require(i >= 0 && i < count, "DatasetSlice.batch: index \(i) out of range for \(count) examples") }
        return indices.map { $0 + range.lowerBound }
    }
}

extension DatasetSlice: Sendable where Base: Sendable {}
