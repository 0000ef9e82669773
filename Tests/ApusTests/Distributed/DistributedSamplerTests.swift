import Testing
@testable import Apus

/// Every rank's indices of one epoch.
private func shards(count: Int, worldSize: Int, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false,
                    epoch: Int = 0) -> [[Int]] {
    (0..<worldSize).map { rank in
        let s = DistributedSampler(count: count, worldSize: worldSize, rank: rank, shuffle: shuffle, seed: seed,
                                   dropLast: dropLast)
        s.setEpoch(epoch)
        return s.indices()
    }
}

@Test func shardsAreDisjointAndCoverTheDataset() {
    let parts = shards(count: 12, worldSize: 3, seed: 7)
    #expect(parts.map(\.count) == [4, 4, 4])
    #expect(Set(parts.flatMap { $0 }) == Set(0..<12))
    #expect(parts.flatMap { $0 }.count == 12)  // no index twice
    // Rank r takes positions r, r + W, … of the epoch's permutation (seed + epoch).
    let order = RandomGenerator(seed: 7).permutation(12)
    #expect(parts[1] == [order[1], order[4], order[7], order[10]])
}

// PyTorch: DistributedSampler(range(10), num_replicas=3, rank=r, shuffle=False) pads with the
// first two indices: [0,3,6,9], [1,4,7,0], [2,5,8,1]; with drop_last=True: [0,3,6], [1,4,7], [2,5,8].
@Test func unevenCountsPadOrDrop() {
    let padded = shards(count: 10, worldSize: 3, shuffle: false)
    #expect(padded == [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]])
    let s = DistributedSampler(count: 10, worldSize: 3, rank: 0, shuffle: false)
    #expect(s.samplesPerRank == 4 && s.totalSize == 12)
    let dropped = shards(count: 10, worldSize: 3, shuffle: false, dropLast: true)
    #expect(dropped == [[0, 3, 6], [1, 4, 7], [2, 5, 8]])
    // Fewer examples than ranks: padding repeats the order as often as needed.
    #expect(shards(count: 2, worldSize: 5, shuffle: false) == [[0], [1], [0], [1], [0]])
}

@Test func epochChangesShardsAndSeedFixesThem() {
    let e0 = shards(count: 20, worldSize: 2, seed: 3, epoch: 0)
    let e1 = shards(count: 20, worldSize: 2, seed: 3, epoch: 1)
    #expect(e0 != e1)
    #expect(Set(e1.flatMap { $0 }) == Set(0..<20))
    #expect(shards(count: 20, worldSize: 2, seed: 3, epoch: 1) == e1)  // same seed and epoch: same shards
    #expect(shards(count: 20, worldSize: 2, seed: 4, epoch: 0) != e0)
    // Epoch e of seed s is seed s + e's permutation, as PyTorch's `g.manual_seed(seed + epoch)`.
    #expect(e1 == shards(count: 20, worldSize: 2, seed: 4, epoch: 0))
}

/// The equivalence data-parallel training rests on: with generators in the same state, the ranks'
/// k-th batches of b examples together are the k-th batch of W·b examples of one process.
@Test func rankBatchesTogetherEqualTheSingleProcessBatch() {
    let n = 26, world = 2, perRank = 3
    let data = TensorDataset(inputs: Tensor(shape: [n, 1], values: (0..<n).map(Double.init)),
                             targets: Tensor(scalars: (0..<n).map(Int64.init)))
    let single = DataLoader(data, batchSize: world * perRank, shuffle: true, generator: RandomGenerator(seed: 5))
    let loaders = (0..<world).map { rank in
        DataLoader(data, batchSize: perRank,
                   sampler: DistributedSampler(count: n, worldSize: world, rank: rank, generator: RandomGenerator(seed: 5)))
    }
    for _ in 0..<2 {  // two epochs: each draws the next permutation
        let expected = single.map { $0.targets.toArray(as: Int64.self) }
        let perRankBatches = loaders.map { loader in loader.map { $0.targets.toArray(as: Int64.self) } }
        #expect(loaders[0].count == expected.count)
        for k in expected.indices {
            let union = perRankBatches[0][k] + perRankBatches[1][k]
            #expect(union.sorted() == expected[k].sorted(), "batch \(k)")
        }
    }
}

@Test func loaderWithSamplerCountsPerRankBatches() {
    let data = TensorDataset(inputs: Tensor.zeros([10, 1]), targets: Tensor(scalars: [Int64](repeating: 0, count: 10)))
    let sampler = DistributedSampler(count: 10, worldSize: 3, rank: 2)
    #expect(DataLoader(data, batchSize: 3, sampler: sampler).count == 2)  // 4 examples per rank
    #expect(DataLoader(data, batchSize: 3, sampler: sampler, dropLast: true).count == 1)
    #expect(Array(DataLoader(data, batchSize: 3, sampler: sampler)).map { $0.inputs.shape[0] } == [3, 1])
}

@Test func samplerRankOutOfRangeStops() async {
    await #expect(processExitsWith: .failure) {
        _ = DistributedSampler(count: 10, worldSize: 2, rank: 2)
    }
}
