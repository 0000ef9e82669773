/// Iterates over a dataset in minibatches, as `torch.utils.data.DataLoader`.
///
/// With `shuffle`, each pass (each `for batch in loader`) draws a new order from `generator`,
/// so a seeded generator gives the same sequence of epochs every run. With a ``DistributedSampler``,
/// each pass reads this rank's shard of the sampler's current epoch instead.
public struct DataLoader<D: Dataset>: Sequence {
    public let dataset: D
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    public let generator: RandomGenerator
    /// Chooses the examples of each pass (one rank's shard), nil: the whole dataset.
    public let sampler: DistributedSampler?

    public init(_ dataset: D, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false,
                generator: RandomGenerator = .default) {
        require(batchSize > 0, "DataLoader: batch size must be positive, got \(batchSize)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.generator = generator
        self.sampler = nil
    }

    /// Batches of `batchSize` examples of `sampler`'s shard (`batchSize` is the per-rank batch),
    /// as `DataLoader(dataset, batch_size=b, sampler=DistributedSampler(...))` in PyTorch.
    public init(_ dataset: D, batchSize: Int, sampler: DistributedSampler, dropLast: Bool = false) {
        require(batchSize > 0, "DataLoader: batch size must be positive, got \(batchSize)")
        require(sampler.count == dataset.count,
                "DataLoader: sampler over \(sampler.count) examples, dataset has \(dataset.count)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = false
        self.dropLast = dropLast
        self.generator = .default
        self.sampler = sampler
    }

    /// Number of batches per pass.
    public var count: Int {
        let n = sampler?.samplesPerRank ?? dataset.count
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize
    }

    public func makeIterator() -> Iterator {
        let order = sampler?.indices() ?? (shuffle ? generator.permutation(dataset.count) : Array(0..<dataset.count))
        return Iterator(loader: self, order: order)
    }

    public struct Iterator: IteratorProtocol {
        let loader: DataLoader
        let order: [Int]
        var position = 0

        public mutating func next() -> (inputs: Tensor, targets: Tensor)? {
            let remaining = order.count - position
            guard remaining > 0, !(loader.dropLast && remaining < loader.batchSize) else { return nil }
            let end = position + Swift.min(loader.batchSize, remaining)
            defer { position = end }
            return loader.dataset.batch(at: Array(order[position..<end]))
        }
    }
}
