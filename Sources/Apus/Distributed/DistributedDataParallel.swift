/// Data-parallel training of one model replicated over the ranks of a ``Communicator``, as
/// PyTorch's `DistributedDataParallel`.
///
/// Creating it copies rank 0's parameters and buffers to every rank, so all replicas start equal.
/// Each rank then runs forward and backward on its own shard of every batch (a
/// ``DistributedSampler``); as backward finishes the gradients of a bucket of parameters (about
/// `bucketCapacityBytes`, filled in reverse parameter order, the order backward produces them),
/// this starts a non-blocking all-reduce of the bucket that runs while backward computes the
/// earlier layers' gradients. When the last bucket has started, it waits for all of them and
/// writes the mean over ranks back into every ``Parameter/grad``. With equal per-rank batches of
/// `b` examples and a loss that is a mean over its batch, that mean is the gradient of a single
/// process's batch of `W·b` examples, so the optimizer step is the same on every rank and the
/// replicas stay equal.
///
///     let ddp = DistributedDataParallel(model, communicator: try DistributedRuntime.worldCommunicator())
///     loss(model(x), y).backward()       // gradients are all-reduced during backward
///     ddp.synchronizeGradients()         // waits for any bucket still in flight
///     optimizer.step()
///
/// ``Trainer`` does this itself when its ``Trainer/dataParallel`` is set. Parameters that got no
/// gradient in a pass count as zero gradients on that rank when ``synchronizeGradients()`` reduces
/// their bucket. Frozen parameters (``Module/freeze()``) stay in their buckets, so that freezing
/// and unfreezing during training needs no new instance, but get no gradient written back.
public final class DistributedDataParallel {
    /// The model being trained (not wrapped: its state-dict names are unchanged).
    public let module: Module
    /// The process group whose ranks all-reduce (average) the gradients.
    public let communicator: any Communicator
    /// Largest size of a bucket of gradients in bytes (a parameter larger than it gets its own bucket).
    public let bucketCapacityBytes: Int
    /// The buckets as indices into `module.parameters()`, in the order they are reduced.
    public let bucketAssignment: [[Int]]

    private let buckets: [GradientBucket]
    private let buffers: [Buffer]
    private var hooks: [HookHandle] = []
    private var launched = 0
    /// Passes whose gradients were all-reduced (for tests and statistics).
    public private(set) var synchronizations = 0

    /// Broadcasts `module`'s parameters and buffers from rank 0 and registers the gradient hooks.
    ///
    /// - Parameters:
    ///   - module: the model, replicated on every rank; rank 0's weights win.
    ///   - communicator: the process group (``DistributedRuntime/worldCommunicator()`` under `mpirun`).
    ///   - bucketCapacityBytes: PyTorch's `bucket_cap_mb` (default 25 MiB).
    public init(_ module: Module, communicator: any Communicator, bucketCapacityBytes: Int = 25 * 1024 * 1024) {
        require(bucketCapacityBytes > 0, "DistributedDataParallel: bucketCapacityBytes must be positive, got \(bucketCapacityBytes)")
        self.module = module
        self.communicator = communicator
        self.bucketCapacityBytes = bucketCapacityBytes
        let parameters = module.parameters()
        for p in parameters { p.assign(communicator.broadcast(p.value, root: 0)) }
        buffers = module.namedBuffers().map(\.buffer)
        bucketAssignment = Self.assignBuckets(sizes: parameters.map { ($0.count, $0.value.dtype) },
                                              capacityBytes: bucketCapacityBytes)
        buckets = bucketAssignment.map { GradientBucket(parameters: $0.map { parameters[$0] }) }
        broadcastBuffers()
        for (b, bucket) in buckets.enumerated() {
            for (slot, p) in bucket.parameters.enumerated() {
                hooks.append(p.registerPostAccumulateGradHook { [unowned self] _ in self.gradientReady(bucket: b, slot: slot) })
            }
        }
    }

    deinit { for h in hooks { h.remove() } }

    /// Copies rank 0's buffers (batch normalisation's running statistics) to every rank, as
    /// PyTorch's `broadcast_buffers=True`: ``Trainer`` calls it before every training batch's
    /// forward pass and before evaluating, so that all replicas normalise alike. Does nothing
    /// for one rank or a model without buffers.
    public func broadcastBuffers() {
        guard communicator.size > 1 else { return }
        for b in buffers { b.value = communicator.broadcast(b.value, root: 0) }
    }

    /// Buckets of parameter indices: parameters taken in reverse order (the order backward
    /// finishes them), a bucket closed when adding the next parameter would pass `capacityBytes`
    /// or change the dtype. Every index appears exactly once.
    public static func assignBuckets(sizes: [(count: Int, dtype: DType)], capacityBytes: Int) -> [[Int]] {
        var result: [[Int]] = []
        var current: [Int] = [], bytes = 0
        for i in sizes.indices.reversed() {
            let size = sizes[i].count * sizes[i].dtype.byteSize
            if let last = current.last, bytes + size > capacityBytes || sizes[last].dtype != sizes[i].dtype {
                result.append(current)
                current = []
                bytes = 0
            }
            current.append(i)
            bytes += size
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    private func gradientReady(bucket b: Int, slot: Int) {
        let bucket = buckets[b]
        guard bucket.request == nil, bucket.markReady(slot) else { return }
        bucket.start(communicator)
        launched += 1
        // Let MPI progress the buckets already in flight.
        for other in buckets where other.request != nil { _ = other.request!.test() }
        if launched == buckets.count { synchronizeGradients() }
    }

    /// Waits until every bucket's all-reduce has completed and the mean gradients are in the
    /// parameters' ``Parameter/grad``; buckets not yet started (parameters without a gradient this
    /// pass) are started first. Does nothing when there is nothing pending; call before `step()`.
    public func synchronizeGradients() {
        guard buckets.contains(where: { $0.request != nil || $0.readyCount > 0 }) else { return }
        for bucket in buckets where bucket.request == nil { bucket.start(communicator) }
        for bucket in buckets { bucket.finish() }
        launched = 0
        synchronizations += 1
    }
}

/// A group of parameters whose gradients are all-reduced together in one flat buffer.
final class GradientBucket {
    let parameters: [Parameter]
    let offsets: [Int]
    let count: Int
    let dtype: DType
    private let storage: Storage
    private var ready: [Bool]
    private(set) var readyCount = 0
    private(set) var request: (any CommunicationRequest)?

    init(parameters: [Parameter]) {
        self.parameters = parameters
        var offsets: [Int] = [], n = 0
        for p in parameters { offsets.append(n); n += p.count }
        self.offsets = offsets
        count = n
        dtype = parameters[0].value.dtype
        storage = Storage(dtype: dtype, count: Swift.max(n, 1))
        ready = Array(repeating: false, count: parameters.count)
    }

    private var bytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: storage.raw, count: count * dtype.byteSize)
    }

    /// Copies parameter `slot`'s gradient into the buffer; true when the bucket is then complete.
    func markReady(_ slot: Int) -> Bool {
        copyIn(slot)
        if !ready[slot] { ready[slot] = true; readyCount += 1 }
        return readyCount == parameters.count
    }

    private func copyIn(_ slot: Int) {
        let size = parameters[slot].count * dtype.byteSize
        let destination = storage.raw + offsets[slot] * dtype.byteSize
        if let g = parameters[slot].grad {
            let c = g.cast(to: dtype).contiguous()
            destination.copyMemory(from: c.storage.raw + c.offset * dtype.byteSize, byteCount: size)
        } else {
            destination.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        }
    }

    /// Starts the all-reduce (sum) of the buffer; slots without a gradient this pass count as zeros.
    func start(_ communicator: any Communicator) {
        for slot in parameters.indices where !ready[slot] { copyIn(slot) }
        ranks = communicator.size
        request = communicator.startAllReduce(bytes, dtype: dtype, op: .sum)
    }

    private var ranks = 1

    /// Waits for the all-reduce and writes the means (the sums divided while copying out) into the
    /// gradients; resets for the next pass.
    func finish() {
        guard let request else { return }
        request.wait()
        for (slot, p) in parameters.enumerated() where p.requiresGrad {  // a frozen parameter takes no gradient
            let g = Tensor(uninitialized: p.shape, dtype: dtype)
            let source = storage.raw + offsets[slot] * dtype.byteSize
            if ranks == 1 {
                g.storage.raw.copyMemory(from: source, byteCount: p.count * dtype.byteSize)
            } else if dtype == .float32 {
                let from = source.assumingMemoryBound(to: Float.self), to = g.storage.pointer(Float.self)
                let scale = 1 / Float(ranks)
                for i in 0..<p.count { to[i] = from[i] * scale }
            } else {
                let from = source.assumingMemoryBound(to: Double.self), to = g.storage.pointer(Double.self)
                let scale = 1 / Double(ranks)
                for i in 0..<p.count { to[i] = from[i] * scale }
            }
            p.grad = g
        }
        self.request = nil
        for i in ready.indices { ready[i] = false }
        readyCount = 0
    }
}
