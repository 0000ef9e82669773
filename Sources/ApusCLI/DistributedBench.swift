import Apus
import ApusBenchmarks
import ApusVision
import Foundation

/// `apus bench --distributed`, run by every rank of `mpirun -np N`: data-parallel training
/// throughput (global samples/s) of the digits MLP and of LeNet-5 on Fashion-MNIST, then the
/// bandwidth of Apus's all-reduce (the one gradient buckets use) beside a plain `MPI_Allreduce`
/// on the same buffers. Rank 0 prints the table.
enum DistributedBench {
    static func run(quick: Bool, json: Bool) throws {
        let communicator = try DistributedRuntime.worldCommunicator()
        let root = communicator.isRoot
        var results: [BenchmarkResult] = []
        func report(_ name: String, _ value: Double, _ unit: String) {
            results.append(BenchmarkResult(name: name, value: value, unit: unit))
            if root {
                print(name.padding(toLength: 30, withPad: " ", startingAt: 0)
                      + String(format: "%12.2f  %@", value, unit))
                fflush(nil)
            }
        }
        if root {
            print("# apus bench --distributed: \(communicator.size) ranks x \(ProcessInfo.processInfo.environment["APUS_NUM_THREADS"] ?? "all cores") threads")
        }

        // The digits MLP of `apus train` (64-128-64-10, batch 32, SGD with momentum).
        let digits = try Digits.load()
        let config = ClassificationRunConfig()
        let mlp = config.makeModel(inputs: Digits.features, outputs: Digits.classes, generator: RandomGenerator(seed: 0))
        report("ddp-mlp-digits", throughput(mlp, data: digits, batchSize: 32, epochs: quick ? 2 : 20,
                                            optimizer: SGD(mlp.parameters(), lr: 0.05, momentum: 0.9), communicator),
               "samples/s")
        // LeNet-5 on the first 12 800 Fashion-MNIST training images (batch 64, Adam), when installed.
        if let fashion = try? FashionMNIST.load(train: true, normalized: true) {
            let subset = fashion.subset(Array(0..<(quick ? 2_560 : 12_800)))
            let lenet = try VisionModels.make("lenet5", classes: 10, inputChannels: 1, generator: RandomGenerator(seed: 0))
            report("ddp-lenet5-fashion-mnist", throughput(lenet, data: subset, batchSize: 64, epochs: 1,
                                                          optimizer: Adam(lenet.parameters(), lr: 1e-3), communicator),
                   "samples/s")
        }

        // All-reduce bandwidth: bytes of the buffer per second of one all-reduce (algorithm bandwidth).
        let sizes = communicator.size > 1 ? [("17k", 17_226), ("62k", 61_706), ("1M", 1 << 20), ("6.5M", 25 * 1024 * 1024 / 4)] : []
        for (label, count) in sizes {
            let bytes = Double(count * 4)
            let reps = quick ? 3 : Swift.max(5, Swift.min(200, 200_000_000 / (count * 4)))
            var buffer = [Float](repeating: 0, count: count)  // zeros stay finite however often they are summed
            let apus = buffer.withUnsafeMutableBytes { b in
                bestSeconds(reps, communicator) { communicator.allReduce(b, dtype: .float32, op: .sum) }
            }
            let raw = try buffer.withUnsafeMutableBytes { b in
                try bestSeconds(reps, communicator) { try DistributedRuntime.referenceAllReduce(b, dtype: .float32, communicator: communicator) }
            }
            // The whole gradient path of one bucket: copy in from the gradient, all-reduce, copy out.
            let p = Parameter(Tensor.zeros([count]))
            let ddp = DistributedDataParallel(ParameterHolder(p), communicator: communicator)
            let sync = bestSeconds(reps, communicator) {
                p.grad = nil
                p.value.sum().backward()
                ddp.synchronizeGradients()
            }
            report("allreduce-\(label)-apus", bytes / apus / 1e9, "GB/s")
            report("allreduce-\(label)-mpi", bytes / raw / 1e9, "GB/s")
            report("allreduce-\(label)-ddp-bucket", bytes / sync / 1e9, "GB/s (incl. backward of sum)")
        }
        if json && root { print(BenchmarkResult.json(results)) }
        DistributedRuntime.finalize()
    }

    /// Global training samples per second over `epochs` epochs (after a one-batch warm-up),
    /// every rank reading its shard of each global batch of `batchSize`.
    static func throughput(_ model: Module, data: TensorDataset, batchSize: Int, epochs: Int,
                           optimizer: any Optimizer, _ communicator: any Communicator) -> Double {
        let trainer = Trainer(model: model, optimizer: optimizer)
        trainer.dataParallel = DistributedDataParallel(model, communicator: communicator)
        let sampler = DistributedSampler(count: data.count, worldSize: communicator.size, rank: communicator.rank, seed: 0)
        let loader = DataLoader(data, batchSize: batchSize / communicator.size, sampler: sampler)
        let warmup = DataLoader(data.subset(Array(0..<batchSize)), batchSize: batchSize / communicator.size,
                                sampler: DistributedSampler(count: batchSize, worldSize: communicator.size, rank: communicator.rank))
        _ = try? trainer.fit(warmup, epochs: 1)
        communicator.barrier()
        let seconds = Stopwatch.time { _ = try? trainer.fit(loader, epochs: epochs) }
        let meanSeconds = communicator.allReduce([seconds], op: .average)[0]
        return Double(sampler.totalSize * epochs) / meanSeconds
    }

    /// The best over 3 rounds of the mean seconds of one call, ranks aligned by a barrier per round.
    static func bestSeconds(_ reps: Int, _ communicator: any Communicator, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var best = Double.infinity
        for _ in 0..<3 {
            communicator.barrier()
            let t = try Stopwatch.time { for _ in 0..<reps { try body() } }
            best = Swift.min(best, communicator.allReduce([t / Double(reps)], op: .average)[0])
        }
        return best
    }
}

/// A module holding one parameter (the all-reduce benchmark's bucket).
private final class ParameterHolder: Module {
    let weight: Parameter
    init(_ weight: Parameter) { self.weight = weight }
    override func forward(_ x: Tensor) -> Tensor { x }
}
