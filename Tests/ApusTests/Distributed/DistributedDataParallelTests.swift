import Testing
@testable import Apus

// MARK: - The post-accumulate-grad hook

@Test func postAccumulateGradHookSeesTheAccumulatedGradientInReverseOrder() {
    let w1 = Parameter(Tensor([2.0, 3.0], dtype: .float64))
    let w2 = Parameter(Tensor([5.0, 7.0], dtype: .float64))
    var calls: [(String, [Double])] = []
    w1.registerPostAccumulateGradHook { calls.append(("w1", $0.grad!.toDoubles())) }
    let handle = w2.registerPostAccumulateGradHook { calls.append(("w2", $0.grad!.toDoubles())) }
    // y = Σ (w1·w1)·w2: ∂y/∂w2 = w1² = [4, 9]; ∂y/∂w1 = 2·w1·w2 = [20, 42] (w1 used twice: one call, summed).
    let x = w1.value * w1.value
    (x * w2.value).sum().backward()
    #expect(calls.map(\.0) == ["w2", "w1"])  // w2, nearer the output, is complete first
    #expect(calls[0].1 == [4, 9])
    #expect(calls[1].1 == [20, 42])
    // A second pass accumulates: the hook sees the sum; a removed hook is not called.
    handle.remove()
    handle.remove()
    calls = []
    ((w1.value * w1.value) * w2.value).sum().backward()
    #expect(calls.map(\.0) == ["w1"])
    #expect(calls[0].1 == [40, 84])
}

// MARK: - Buckets

@Test func bucketsFillInReverseParameterOrder() {
    // Bytes: p0 40, p1 80, p2 20, p3 400 (float32); capacity 120.
    let sizes: [(count: Int, dtype: DType)] = [(10, .float32), (20, .float32), (5, .float32), (100, .float32)]
    #expect(DistributedDataParallel.assignBuckets(sizes: sizes, capacityBytes: 120) == [[3], [2, 1], [0]])
    #expect(DistributedDataParallel.assignBuckets(sizes: sizes, capacityBytes: 1 << 20) == [[3, 2, 1, 0]])
    // A dtype change closes the bucket.
    let mixed: [(count: Int, dtype: DType)] = [(1, .float32), (1, .float64), (1, .float64)]
    #expect(DistributedDataParallel.assignBuckets(sizes: mixed, capacityBytes: 1 << 20) == [[2, 1], [0]])
}

// MARK: - DDP in one process equals plain training

private func mlp(seed: UInt64) -> Sequential {
    let g = RandomGenerator(seed: seed)
    return Sequential([Linear(2, 8, generator: g), ReLU(), Linear(8, 8, generator: g), Tanh(), Linear(8, 2, generator: g)])
}

private func train(_ model: Sequential, dataParallel: (Sequential) -> DistributedDataParallel?) throws -> Trainer {
    let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1, momentum: 0.9), metrics: [.accuracy])
    trainer.dataParallel = dataParallel(model)
    let data = blobs(40, seed: 1)
    let loader = DataLoader(data, batchSize: 8, shuffle: true, generator: RandomGenerator(seed: 2))
    try trainer.fit(loader, validation: blobs(10, seed: 3), epochs: 3)
    return trainer
}

@Test(arguments: [1 << 20, 40])  // one bucket; a bucket per parameter or two
func singleProcessDataParallelEqualsPlainTraining(bucketCapacityBytes: Int) throws {
    let plain = try train(mlp(seed: 9)) { _ in nil }
    var ddp: DistributedDataParallel?
    let parallel = try train(mlp(seed: 9)) {
        ddp = DistributedDataParallel($0, communicator: SingleProcessCommunicator(), bucketCapacityBytes: bucketCapacityBytes)
        return ddp
    }
    for (a, b) in zip(plain.model.parameters(), parallel.model.parameters()) {
        #expect(a.value.toDoubles() == b.value.toDoubles())
    }
    #expect(ddp!.bucketAssignment.flatMap { $0 }.sorted() == Array(0..<6))
    if bucketCapacityBytes == 40 { #expect(ddp!.bucketAssignment.count > 1) }
    // Every step's gradients were synchronized during backward: 3 epochs × 5 batches.
    #expect(ddp!.synchronizations == 15)
    #expect(plain.evaluate(blobs(10, seed: 3)) == parallel.evaluate(blobs(10, seed: 3)))
}

/// A communicator of `size` ranks in which every other rank holds the same values as this one, so
/// a sum is `size ×` the buffer and a mean leaves it unchanged; it counts the collectives.
private final class MirrorCommunicator: Communicator {
    let rank = 0
    let size: Int
    var broadcasts = 0, reductions = 0, started: [Int] = []
    init(size: Int) { self.size = size }
    func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) { broadcasts += 1 }
    func allReduce(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType, op: ReduceOperation) {
        reductions += 1
        if op == .sum { scaleBuffer(buffer, dtype: dtype, by: Double(size)) }
    }
    func startAllReduce(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType, op: ReduceOperation) -> any CommunicationRequest {
        started.append(buffer.count / dtype.byteSize)
        allReduce(buffer, dtype: dtype, op: op)
        return SingleProcessCommunicator.CompletedRequest()
    }
    func barrier() {}
}

@Test func identicalReplicasKeepTheirGradientsAndReduceGlobalMetrics() throws {
    let model = mlp(seed: 4)
    let communicator = MirrorCommunicator(size: 2)
    let ddp = DistributedDataParallel(model, communicator: communicator, bucketCapacityBytes: 100)
    #expect(communicator.broadcasts == 6)  // every parameter (no buffers in this model)
    // Parameter element counts 16, 8, 64, 8, 16, 2; reversed and packed into ≤ 25 floats: [2, 16], [8], [64], [8, 16].
    #expect(ddp.bucketAssignment == [[5, 4], [3], [2], [1, 0]])
    let (x, y) = blobs(8, seed: 5).batch(at: Array(0..<8))
    crossEntropy(model(x), y).backward()
    #expect(communicator.started == [18, 8, 64, 24])  // launched during backward, last layer first
    #expect(ddp.synchronizations == 1)
    // Rank 0 of 2 evaluates examples 0..<5 of 10 and the sums are all-reduced (here: doubled), so
    // the logs are the mean over those 5 examples.
    let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1), metrics: [.accuracy])
    let firstHalf = trainer.evaluate(blobs(10, seed: 3).subset(Array(0..<5)))
    let whole = trainer.evaluate(blobs(10, seed: 3))
    trainer.dataParallel = ddp
    let shared = trainer.evaluate(blobs(10, seed: 3))
    #expect(Swift.abs(shared["loss"]! - firstHalf["loss"]!) < 1e-12)
    #expect(shared["accuracy"]! == firstHalf["accuracy"]!)
    #expect(shared["loss"]! != whole["loss"]!)
}

/// The README's "Distributed training" code example, in one process (`SingleProcessCommunicator`
/// in place of `DistributedRuntime.worldCommunicator()`), on the two-blob data.
@Test func readmeDistributedExampleTrainsInOneProcess() throws {
    let data = blobs(256, seed: 11)
    let model = mlp(seed: 12)
    // --- the README example ---
    let communicator: any Communicator = SingleProcessCommunicator()
    let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.05, momentum: 0.9))
    trainer.dataParallel = DistributedDataParallel(model, communicator: communicator)
    let sampler = DistributedSampler(count: data.count, worldSize: communicator.size, rank: communicator.rank, seed: 0)
    try trainer.fit(DataLoader(data, batchSize: 64 / communicator.size, sampler: sampler), epochs: 10,
                    callbacks: communicator.isRoot ? [] : [])  // the README shows [ProgressBar()] on rank 0
    DistributedRuntime.finalize()
    // ---
    #expect(sampler.epoch == 9)  // fit set epochs 0…9
    let fraction = accuracy(trainer.predict(data.inputs), data.targets)
    #expect(fraction > 0.95)  // blobs 4σ apart are separable
}

@Test func buffersAreBroadcastAtStartBeforeEveryBatchAndBeforeEvaluation() throws {
    let g = RandomGenerator(seed: 6)
    let model = Sequential([Linear(2, 4, generator: g), BatchNorm1d(4), ReLU(), Linear(4, 2, generator: g)])
    let buffers = model.namedBuffers().count  // running_mean, running_var, num_batches_tracked
    let parameters = model.parameters().count
    let communicator = MirrorCommunicator(size: 2)
    let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1))
    trainer.dataParallel = DistributedDataParallel(model, communicator: communicator)
    #expect(communicator.broadcasts == parameters + buffers)
    let loader = DataLoader(blobs(16, seed: 1), batchSize: 8,
                            sampler: DistributedSampler(count: 16, worldSize: 2, rank: 0, shuffle: false))
    try trainer.fit(loader, epochs: 1)  // 8 examples per rank: one batch of 8
    #expect(communicator.broadcasts == parameters + 2 * buffers)
    #expect(trainer.examplesSeenInEpoch == 16)  // both ranks' examples
    _ = trainer.evaluate(blobs(4, seed: 2))
    #expect(communicator.broadcasts == parameters + 3 * buffers)
}
