/// Iterates over a dataset in minibatches, as `torch.utils.data.DataLoader`.
///
/// With `shuffle`, each pass (each `for batch in loader`) draws a new order from `generator`,
/// so a seeded generator gives the same sequence of epochs every run. With a ``DistributedSampler``,
/// each pass reads this rank's shard of the sampler's current epoch instead.
///
/// With `workers > 0`, that many background threads read the pass's batches ahead of the loop
/// (decoding files, augmenting) while the model trains, at most `workers · prefetch` batches
/// ahead; the loop still sees the batches in order. A dataset that ``Dataset/isRandom`` gets a
/// seed for each pass from `generator`, and derives each example's random stream from that seed
/// and the example's index: the batches are bit for bit the same for 0, 1 or 8 workers.
///
/// ```swift
/// let loader = DataLoader(folder, batchSize: 64, shuffle: true, workers: 2)
/// var batches = loader.batches()
/// while let (x, y) = try batches.next() { ... }     // a file that cannot be read throws here
/// for (x, y) in DataLoader(tensors, batchSize: 32) { ... }   // in-memory data: a plain Sequence
/// ```
public struct DataLoader<D: Dataset> {
    /// The examples the batches are read from.
    public let dataset: D
    /// Examples per batch (per rank with a ``sampler``); the last batch may be smaller unless ``dropLast``.
    public let batchSize: Int
    /// Whether each pass visits the examples in a new random order.
    public let shuffle: Bool
    /// Whether a last batch smaller than ``batchSize`` is left out (for layers such as batch norm that need full batches).
    public let dropLast: Bool
    /// The random numbers behind the shuffled orders and the per-pass seeds of random datasets.
    public let generator: RandomGenerator
    /// Chooses the examples of each pass (one rank's shard), nil: the whole dataset.
    public let sampler: DistributedSampler?
    /// Background threads reading batches ahead of the loop; 0 reads each batch when it is asked for.
    public let workers: Int
    /// Batches each worker may read ahead (PyTorch's `prefetch_factor`): memory is bounded by
    /// `workers · prefetch` batches.
    public let prefetch: Int

    /// Batches of `batchSize` examples of `dataset`, shuffled each pass when `shuffle`, read by
    /// `workers` background threads (0: on the caller's thread) up to `prefetch` batches each ahead.
    ///
    /// With workers, `dataset.batch(at:)` runs on several threads at once: Apus's datasets are
    /// safe for that; a dataset of your own must be too.
    public init(_ dataset: D, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false,
                generator: RandomGenerator = .default, workers: Int = 0, prefetch: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, generator: generator,
                  sampler: nil, workers: workers, prefetch: prefetch)
    }

    /// Batches of `batchSize` examples of `sampler`'s shard (`batchSize` is the per-rank batch),
    /// as `DataLoader(dataset, batch_size=b, sampler=DistributedSampler(...))` in PyTorch.
    public init(_ dataset: D, batchSize: Int, sampler: DistributedSampler, dropLast: Bool = false,
                workers: Int = 0, prefetch: Int = 2) {
        require(sampler.count == dataset.count,
                "DataLoader: sampler over \(sampler.count) examples, dataset has \(dataset.count)")
        self.init(dataset, batchSize: batchSize, shuffle: false, dropLast: dropLast, generator: .default,
                  sampler: sampler, workers: workers, prefetch: prefetch)
    }

    private init(_ dataset: D, batchSize: Int, shuffle: Bool, dropLast: Bool, generator: RandomGenerator,
                 sampler: DistributedSampler?, workers: Int, prefetch: Int) {
        require(batchSize > 0, "DataLoader: batch size must be positive, got \(batchSize)")
        require(workers >= 0, "DataLoader: workers must be non-negative, got \(workers)")
        require(prefetch >= 1, "DataLoader: prefetch must be at least 1, got \(prefetch)")
        (self.dataset, self.batchSize, self.shuffle, self.dropLast, self.generator) =
            (dataset, batchSize, shuffle, dropLast, generator)
        (self.sampler, self.workers, self.prefetch) = (sampler, workers, prefetch)
    }

    /// Number of batches per pass.
    public var count: Int {
        let n = sampler?.samplesPerRank ?? dataset.count
        return dropLast ? n / batchSize : n / batchSize + (n % batchSize == 0 ? 0 : 1)
    }

    /// One pass over the data: draws the pass's order (and, for a random dataset, its seed) and
    /// starts the workers. Errors reading a batch are thrown by ``BatchIterator/next()``.
    public func batches() -> BatchIterator {
        let order = sampler?.indices() ?? (shuffle ? generator.permutation(dataset.count) : Array(0..<dataset.count))
        let seed = dataset.isRandom ? generator.next() : 0
        let ends = stride(from: 0, to: order.count, by: batchSize).map { Swift.min(order.count, $0 + batchSize) }
            .filter { !dropLast || $0 % batchSize == 0 }
        let plan = PassPlan(order: order, ends: ends, seed: seed)
        let workers = Swift.min(self.workers, plan.count)
        return BatchIterator(dataset: dataset, plan: plan, lifetime: workers > 0
            ? PrefetchLifetime(BatchPrefetcher(dataset: dataset, plan: plan, workers: workers, depth: workers * prefetch))
            : nil)
    }

    /// Draws what ``batches()`` would draw for one pass without reading any batch: a resumed run
    /// replays the passes it has already trained on.
    public func skipPass() {
        if sampler == nil && shuffle { _ = generator.permutation(dataset.count) }
        if dataset.isRandom { _ = generator.next() }
    }

    /// The batches of one pass, in order; `next()` throws what the dataset throws.
    ///
    /// Dropping the iterator before the end stops its workers and waits for them: no thread is
    /// left behind.
    public struct BatchIterator {
        let dataset: D
        let plan: PassPlan
        let lifetime: PrefetchLifetime<D>?
        var position = 0

        /// The next batch, nil after the last; rethrows the dataset's error for a batch that could
        /// not be read (the iterator then ends).
        public mutating func next() throws(D.Failure) -> (inputs: Tensor, targets: Tensor)? {
            guard position < plan.count else { return nil }
            let number = position
            position += 1
            let result = lifetime?.prefetcher.take(number) ?? Result { () throws(D.Failure) in
                try dataset.batch(at: plan.indices(number), seed: plan.seed)
            }
            switch result {
            case .success(let batch): return batch
            case .failure(let error):
                position = plan.count
                lifetime?.prefetcher.stop()
                throw error
            }
        }
    }
}

extension DataLoader: Sequence where D.Failure == Never {
    /// The batches of one pass of a dataset that cannot fail to read (data in memory).
    public func makeIterator() -> Iterator { Iterator(base: batches()) }

    /// Batches of one pass, for `for (x, y) in loader`.
    public struct Iterator: IteratorProtocol {
        var base: BatchIterator

        /// The next batch `(inputs, targets)`, each with the batch as its first dimension; nil after the last.
        public mutating func next() -> (inputs: Tensor, targets: Tensor)? { base.next() }
    }
}

/// The order, batch boundaries and seed of one pass.
struct PassPlan: Sendable {
    let order: [Int]
    /// End (exclusive) of each batch in `order`; batch `b` starts where `b − 1` ended.
    let ends: [Int]
    let seed: UInt64

    var count: Int { ends.count }

    func indices(_ batch: Int) -> [Int] { Array(order[(batch == 0 ? 0 : ends[batch - 1])..<ends[batch]]) }
}
