import Testing
@testable import Apus

/// `n` examples: input row i is [i, −i] (float32), target i is i (int64).
private func indexDataset(_ n: Int) -> TensorDataset {
    let x = Tensor(shape: [n, 2], values: (0..<n).flatMap { [Double($0), -Double($0)] })
    let y = Tensor(scalars: (0..<n).map(Int64.init))
    return TensorDataset(inputs: x, targets: y)
}

/// Target indices of each batch, checking that every input row matches its target.
private func batches(_ loader: DataLoader<TensorDataset>,
                     sourceLocation: SourceLocation = #_sourceLocation) -> [[Int]] {
    var out: [[Int]] = []
    for (x, y) in loader {
        let ids = y.toArray(as: Int64.self).map(Int.init)
        #expect(y.dtype == .int64, sourceLocation: sourceLocation)
        #expect(x.shape == [ids.count, 2], sourceLocation: sourceLocation)
        #expect(x.toDoubles() == ids.flatMap { [Double($0), -Double($0)] }, sourceLocation: sourceLocation)
        out.append(ids)
    }
    return out
}

// MARK: - TensorDataset

@Test func tensorDatasetBatchAndSubset() {
    let d = indexDataset(10)
    #expect(d.count == 10)
    let (x, y) = d.batch(at: [7, 2, 2])
    #expect(x.shape == [3, 2])
    #expect(x.toDoubles() == [7, -7, 2, -2, 2, -2])
    #expect(y.toArray(as: Int64.self) == [7, 2, 2])

    let s = d.subset([3, 0, 9])
    #expect(s.count == 3)
    #expect(s.inputs.shape == [3, 2])
    #expect(s.inputs.toDoubles() == [3, -3, 0, 0, 9, -9])
    #expect(s.targets.toArray(as: Int64.self) == [3, 0, 9])
    // A subset of a subset indexes the subset, not the original.
    #expect(s.subset([2, 0]).targets.toArray(as: Int64.self) == [9, 3])
}

@Test func tensorDatasetDetachesItsTensors() {
    let x = Tensor([[1.0], [2.0]]).requiringGrad()
    let d = TensorDataset(inputs: x, targets: Tensor([0, 1]))
    #expect(!d.inputs.requiresGrad)
    #expect(!d.batch(at: [0]).inputs.requiresGrad)
}

// MARK: - Batching without shuffling

@Test func noShuffleKeepsOrderAndKeepsLastPartialBatch() {
    let loader = DataLoader(indexDataset(10), batchSize: 4)
    #expect(loader.count == 3)
    let b = batches(loader)
    #expect(b == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    // Every pass is the same when not shuffling.
    #expect(batches(loader) == b)
}

@Test func dropLastDropsThePartialBatch() {
    let loader = DataLoader(indexDataset(10), batchSize: 4, dropLast: true)
    #expect(loader.count == 2)
    #expect(batches(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]])
}

@Test func exactMultipleOfBatchSize() {
    for dropLast in [false, true] {
        let loader = DataLoader(indexDataset(10), batchSize: 5, dropLast: dropLast)
        #expect(loader.count == 2)
        #expect(batches(loader) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]])
    }
}

@Test func batchLargerThanDataset() {
    let loader = DataLoader(indexDataset(3), batchSize: 8)
    #expect(loader.count == 1)
    #expect(batches(loader) == [[0, 1, 2]])
    let dropping = DataLoader(indexDataset(3), batchSize: 8, dropLast: true)
    #expect(dropping.count == 0)
    #expect(batches(dropping).isEmpty)
}

@Test func batchSizeOne() {
    let loader = DataLoader(indexDataset(3), batchSize: 1)
    #expect(loader.count == 3)
    #expect(batches(loader) == [[0], [1], [2]])
}

// MARK: - Shuffling

@Test func shuffleCoversEachExampleOncePerEpoch() {
    let n = 23
    let loader = DataLoader(indexDataset(n), batchSize: 5, shuffle: true, generator: RandomGenerator(seed: 1))
    for _ in 0..<3 {
        let b = batches(loader)
        #expect(b.map(\.count) == [5, 5, 5, 5, 3])
        #expect(b.flatMap { $0 }.sorted() == Array(0..<n))
    }
}

@Test func shuffleWithDropLastStillHasFullBatchesOnly() {
    let loader = DataLoader(indexDataset(23), batchSize: 5, shuffle: true, dropLast: true,
                            generator: RandomGenerator(seed: 2))
    let b = batches(loader)
    #expect(b.map(\.count) == [5, 5, 5, 5])
    #expect(Set(b.flatMap { $0 }).count == 20)
}

@Test func shuffleIsSeededAndEpochsDiffer() {
    let n = 30
    let a = DataLoader(indexDataset(n), batchSize: 7, shuffle: true, generator: RandomGenerator(seed: 42))
    let b = DataLoader(indexDataset(n), batchSize: 7, shuffle: true, generator: RandomGenerator(seed: 42))
    let c = DataLoader(indexDataset(n), batchSize: 7, shuffle: true, generator: RandomGenerator(seed: 43))
    let a1 = batches(a).flatMap { $0 }, a2 = batches(a).flatMap { $0 }
    let b1 = batches(b).flatMap { $0 }, b2 = batches(b).flatMap { $0 }
    let c1 = batches(c).flatMap { $0 }
    // Same seed: same sequence of epochs.
    #expect(a1 == b1)
    #expect(a2 == b2)
    // A new order every epoch, and not the identity.
    #expect(a1 != a2)
    #expect(a1 != Array(0..<n))
    // Another seed: another order.
    #expect(c1 != a1)
}

// MARK: - randomSplit

@Test func randomSplitDefaultFractionsOnDigitsSize() {
    let parts = randomSplit(count: 1797, generator: RandomGenerator(seed: 0))
    // 0.8·1797 = 1437.6 → 1438, 0.1·1797 = 179.7 → 180, the rest 1797 − 1618 = 179.
    #expect(parts.map(\.count) == [1438, 180, 179])
    let all = parts.flatMap { $0 }
    #expect(all.count == 1797)
    #expect(Set(all).count == 1797)   // disjoint
    #expect(all.sorted() == Array(0..<1797))   // covering
}

@Test func randomSplitIsSeeded() {
    let a = randomSplit(count: 100, generator: RandomGenerator(seed: 5))
    let b = randomSplit(count: 100, generator: RandomGenerator(seed: 5))
    let c = randomSplit(count: 100, generator: RandomGenerator(seed: 6))
    #expect(a == b)
    #expect(a != c)
    #expect(a.map(\.count) == [80, 10, 10])
    // Shuffled, not just cut in order.
    #expect(a[0] != Array(0..<80))
}

@Test func randomSplitCustomFractions() {
    let parts = randomSplit(count: 5, fractions: [0.5, 0.5], generator: RandomGenerator(seed: 1))
    // 2.5 rounds to 3; the last part takes the rest.
    #expect(parts.map(\.count) == [3, 2])
    #expect(parts.flatMap { $0 }.sorted() == [0, 1, 2, 3, 4])

    let whole = randomSplit(count: 7, fractions: [1], generator: RandomGenerator(seed: 1))
    #expect(whole.count == 1 && whole[0].sorted() == Array(0..<7))

    let empty = randomSplit(count: 0, generator: RandomGenerator(seed: 1))
    #expect(empty == [[], [], []])
}

@Test func loaderOverSubsetOfSplit() {
    let d = indexDataset(50)
    let parts = randomSplit(count: 50, generator: RandomGenerator(seed: 3))
    let test = d.subset(parts[2])
    let seen = batches(DataLoader(test, batchSize: 4)).flatMap { $0 }
    #expect(seen == parts[2])
}
