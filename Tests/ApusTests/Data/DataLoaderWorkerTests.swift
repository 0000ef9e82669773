import Foundation
import Synchronization
import Testing
@testable import Apus

/// A random dataset that fails on one index: example `i` of a pass with seed `s` is one number
/// drawn from `RandomGenerator(seed: s, stream: i)`, as an augmenting dataset draws its choices.
/// It counts the reads in progress, to check that no worker outlives its iterator.
private final class NoisyDataset: Dataset, @unchecked Sendable {
    struct Failure: Error, Equatable { let index: Int }
    let count: Int
    let failingIndex: Int?
    let delay: TimeInterval
    let inFlight = Atomic<Int>(0)
    let reads = Atomic<Int>(0)

    init(count: Int, failingIndex: Int? = nil, delay: TimeInterval = 0) {
        (self.count, self.failingIndex, self.delay) = (count, failingIndex, delay)
    }

    var isRandom: Bool { true }

    func batch(at indices: [Int]) throws(Failure) -> (inputs: Tensor, targets: Tensor) {
        try batch(at: indices, seed: 0)
    }

    func batch(at indices: [Int], seed: UInt64) throws(Failure) -> (inputs: Tensor, targets: Tensor) {
        inFlight.add(1, ordering: .sequentiallyConsistent)
        reads.add(1, ordering: .sequentiallyConsistent)
        defer { inFlight.subtract(1, ordering: .sequentiallyConsistent) }
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        if let failingIndex, indices.contains(failingIndex) { throw Failure(index: failingIndex) }
        let values = indices.map { Double(RandomGenerator(seed: seed, stream: $0).next() >> 11) }
        return (Tensor(shape: [indices.count], values: values, dtype: .float64),
                Tensor(scalars: indices.map(Int64.init)))
    }
}

/// Every batch of `passes` passes, as (inputs, targets) arrays.
private func read(_ loader: DataLoader<NoisyDataset>, passes: Int) throws -> [[Double]] {
    var out: [[Double]] = []
    for _ in 0..<passes {
        var batches = loader.batches()
        while let batch = try batches.next() {
            let targets: [Double] = batch.targets.toDoubles()
            out.append(batch.inputs.toDoubles() + targets)
        }
    }
    return out
}

@Test(arguments: [1, 2, 4, 8])
func workersGiveTheSameBatchesAsTheCallersThread(workers: Int) throws {
    let data = NoisyDataset(count: 37)
    func loader(_ workers: Int) -> DataLoader<NoisyDataset> {
        DataLoader(data, batchSize: 5, shuffle: true, generator: RandomGenerator(seed: 7), workers: workers, prefetch: 2)
    }
    let serial = try read(loader(0), passes: 3)
    #expect(serial.count == 3 * 8)
    #expect(try read(loader(workers), passes: 3) == serial)
    // A new pass draws a new seed: the first two passes differ in their random values.
    #expect(Set(serial[0..<8].flatMap { $0 }) != Set(serial[8..<16].flatMap { $0 }))
}

@Test func dropLastAndCountAgreeWithWorkers() throws {
    let data = NoisyDataset(count: 23)
    let loader = DataLoader(data, batchSize: 5, dropLast: true, workers: 3)
    #expect(loader.count == 4)
    #expect(try read(loader, passes: 1).count == 4)
    // Batch sizes near Int.max do not overflow the count.
    #expect(DataLoader(data, batchSize: .max).count == 1)
}

@Test(arguments: [0, 3])
func aWorkersErrorIsThrownFromTheLoop(workers: Int) throws {
    let data = NoisyDataset(count: 40, failingIndex: 17)
    let loader = DataLoader(data, batchSize: 4, workers: workers)
    var batches = loader.batches()
    var seen = 0
    #expect(throws: NoisyDataset.Failure(index: 17)) {
        while try batches.next() != nil { seen += 1 }
    }
    #expect(seen == 4)          // batches 0…3 arrive, batch 4 (indices 16…19) fails
    #expect(try batches.next() == nil)
    #expect(data.inFlight.load(ordering: .sequentiallyConsistent) == 0)
}

@Test func anAbandonedPassStopsItsWorkers() throws {
    let data = NoisyDataset(count: 1000, delay: 0.002)
    do {
        var batches = DataLoader(data, batchSize: 2, workers: 4, prefetch: 2).batches()
        for _ in 0..<3 { _ = try batches.next() }
    }
    // The iterator is gone: its workers have finished, and read at most the prefetch depth ahead.
    #expect(data.inFlight.load(ordering: .sequentiallyConsistent) == 0)
    let reads = data.reads.load(ordering: .sequentiallyConsistent)
    #expect(reads >= 3 && reads <= 3 + 4 * 2 + 4)
    Thread.sleep(forTimeInterval: 0.02)
    #expect(data.reads.load(ordering: .sequentiallyConsistent) == reads)
}

@Test func skipPassDrawsWhatAPassDraws() throws {
    let data = NoisyDataset(count: 12)
    let full = DataLoader(data, batchSize: 4, shuffle: true, generator: RandomGenerator(seed: 3))
    let resumed = DataLoader(data, batchSize: 4, shuffle: true, generator: RandomGenerator(seed: 3))
    let passes = try read(full, passes: 2)
    resumed.skipPass()
    #expect(try read(resumed, passes: 1) == Array(passes[3...]))
}

@Test func inMemoryDatasetsStaySequences() {
    let data = TensorDataset(inputs: Tensor(shape: [6, 1], values: [0, 1, 2, 3, 4, 5]),
                             targets: Tensor(scalars: [Int64](0..<6)))
    let serial = DataLoader(data, batchSize: 4).map { $0.targets.toArray(as: Int64.self) }
    let threaded = DataLoader(data, batchSize: 4, workers: 2).map { $0.targets.toArray(as: Int64.self) }
    #expect(serial == [[0, 1, 2, 3], [4, 5]])
    #expect(threaded == serial)
}
