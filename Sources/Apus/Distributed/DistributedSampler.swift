/// Splits a dataset's indices into one shard per rank, as `torch.utils.data.DistributedSampler`.
///
/// Each epoch has one order of `0..<count`: a permutation from `seed + epoch` (``setEpoch(_:)``
/// changes it, so every epoch shuffles differently yet identically on all ranks), the next
/// permutation drawn from a shared generator, or `0..<count` without shuffling. Unless `dropLast`,
/// the order is padded by repeating its start to `totalSize = samplesPerRank · worldSize`
/// (with `dropLast`, its tail is cut to that size instead); rank `r` takes positions
/// `r, r + W, r + 2W, …`. So every rank sees ``samplesPerRank`` examples, the shards are disjoint
/// when `count` is a multiple of `worldSize`, and batch `k` of `b` examples on rank `r` is
/// `order[k·W·b + r + W·j]` for `j` in `0..<b`: the ranks' batches together are exactly the
/// batch `k` of size `W·b` a single process reads from the same order.
public final class DistributedSampler: @unchecked Sendable {
    /// Examples in the dataset.
    public let count: Int
    /// Number of ranks `W`.
    public let worldSize: Int
    /// This process's rank, `0..<worldSize`.
    public let rank: Int
    /// Whether each epoch uses a new permutation.
    public let shuffle: Bool
    /// Seed of the permutations: epoch `e` uses `RandomGenerator(seed: seed + e)`.
    public let seed: UInt64
    /// Drop the tail that does not divide evenly instead of padding.
    public let dropLast: Bool
    /// The epoch whose order ``indices()`` returns (``setEpoch(_:)``).
    public private(set) var epoch = 0
    private let generator: RandomGenerator?

    /// A sampler whose epoch `e` shuffles with `RandomGenerator(seed: seed + e)` (PyTorch's semantics).
    public convenience init(count: Int, worldSize: Int, rank: Int, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false) {
        self.init(count: count, worldSize: worldSize, rank: rank, shuffle: shuffle, seed: seed, dropLast: dropLast, generator: nil)
    }

    /// A sampler whose every ``indices()`` call draws the next permutation from `generator`, as a
    /// shuffled ``DataLoader`` does each pass: with generators in the same state on all ranks the
    /// orders agree, and with `worldSize` 1 the batches equal `DataLoader(shuffle: true, generator:)`'s.
    public convenience init(count: Int, worldSize: Int, rank: Int, generator: RandomGenerator, dropLast: Bool = false) {
        self.init(count: count, worldSize: worldSize, rank: rank, shuffle: true, seed: 0, dropLast: dropLast, generator: generator)
    }

    private init(count: Int, worldSize: Int, rank: Int, shuffle: Bool, seed: UInt64, dropLast: Bool, generator: RandomGenerator?) {
        require(count >= 0, "DistributedSampler: count must be non-negative, got \(count)")
        require(worldSize >= 1, "DistributedSampler: worldSize must be at least 1, got \(worldSize)")
        require(rank >= 0 && rank < worldSize, "DistributedSampler: rank \(rank) out of range for worldSize \(worldSize)")
        (self.count, self.worldSize, self.rank) = (count, worldSize, rank)
        (self.shuffle, self.seed, self.dropLast, self.generator) = (shuffle, seed, dropLast, generator)
    }

    /// Examples each rank gets per epoch: `⌈count / W⌉`, or `⌊count / W⌋` with `dropLast`.
    public var samplesPerRank: Int {
        dropLast ? count / worldSize : (count + worldSize - 1) / worldSize
    }

    /// Examples all ranks get together per epoch (padding included).
    public var totalSize: Int { samplesPerRank * worldSize }

    /// Chooses the epoch's order (PyTorch's `set_epoch`); ``Trainer`` calls it before every epoch.
    public func setEpoch(_ epoch: Int) {
        require(epoch >= 0, "DistributedSampler.setEpoch: epoch must be non-negative, got \(epoch)")
        self.epoch = epoch
    }

    /// This rank's indices for the current epoch, ``samplesPerRank`` of them.
    public func indices() -> [Int] {
        var order: [Int]
        if let generator {
            order = generator.permutation(count)
        } else if shuffle {
            order = RandomGenerator(seed: seed &+ UInt64(epoch)).permutation(count)
        } else {
            order = Array(0..<count)
        }
        let total = totalSize
        if order.count < total && !order.isEmpty {
            let base = order
            var i = 0
            while order.count < total { order.append(base[i % base.count]); i += 1 }
        } else if order.count > total {
            order.removeLast(order.count - total)
        }
        return Array(stride(from: rank, to: order.count, by: worldSize).map { order[$0] })
    }
}
