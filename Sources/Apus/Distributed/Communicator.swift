/// How ``Communicator/allReduce(_:dtype:op:)`` combines the ranks' buffers, element by element.
public enum ReduceOperation: Sendable, Equatable {
    /// `Σ_r x_r`.
    case sum
    /// `(Σ_r x_r) / size`: the mean over ranks (PyTorch's `ReduceOp.AVG`).
    case average
}

/// A group of processes ("ranks") that exchange buffers, as `torch.distributed`'s process group.
///
/// Every rank must call the same collective operations in the same order with buffers of the same
/// size and dtype; a call returns when this rank's part is done. Reductions work on float32 and
/// float64 buffers; broadcast copies bytes of any dtype. ``MPICommunicator`` (package trait
/// `MPI`) runs over Open MPI; ``SingleProcessCommunicator`` is the group of one process.
public protocol Communicator: AnyObject {
    /// This process's index, `0..<size`; rank 0 logs and writes files.
    var rank: Int { get }
    /// Number of processes in the group (the world size).
    var size: Int { get }
    /// Copies `root`'s buffer into every other rank's buffer (`MPI_Bcast`).
    func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int)
    /// Replaces every rank's buffer of `dtype` elements by the element-wise sum or mean over the
    /// ranks' buffers (`MPI_Allreduce` in place).
    func allReduce(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType, op: ReduceOperation)
    /// Starts ``allReduce(_:dtype:op:)`` without waiting for it (`MPI_Iallreduce`); the buffer
    /// must stay alive and untouched until the returned request's ``CommunicationRequest/wait()``.
    func startAllReduce(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType, op: ReduceOperation) -> any CommunicationRequest
    /// Returns once every rank has called it.
    func barrier()
}

/// A collective operation in flight, as `torch.distributed`'s `Work`.
public protocol CommunicationRequest: AnyObject {
    /// Advances the operation without blocking; true once it has completed.
    func test() -> Bool
    /// Blocks until the operation has completed (or ends the process with an error after the
    /// communicator's timeout, when a rank has died).
    func wait()
}

extension Communicator {
    /// Whether this process is rank 0, the one that prints, logs and writes checkpoints.
    public var isRoot: Bool { rank == 0 }

    /// `tensor` as `root` holds it, on every rank (same shape and dtype on all ranks).
    public func broadcast(_ tensor: Tensor, root: Int = 0) -> Tensor {
        guard size > 1 else { return tensor }
        var t = tensor.detached().contiguous()
        t.makeStorageUnique()
        let bytes = UnsafeMutableRawBufferPointer(
            start: t.storage.raw + t.offset * t.dtype.byteSize, count: t.count * t.dtype.byteSize)
        broadcast(bytes, root: root)
        return t
    }

    /// The element-wise sum or mean of `values` over the ranks (same count on all ranks), in float64.
    public func allReduce(_ values: [Double], op: ReduceOperation = .sum) -> [Double] {
        guard size > 1 else { return values }
        var result = values
        result.withUnsafeMutableBytes { allReduce($0, dtype: .float64, op: op) }
        return result
    }

    /// The element-wise sum or mean of a float tensor over the ranks (same shape and dtype on all ranks).
    public func allReduce(_ tensor: Tensor, op: ReduceOperation = .sum) -> Tensor {
        require(tensor.dtype.isFloatingPoint, "allReduce: float32 or float64 tensors only, got \(tensor.dtype)")
        guard size > 1 else { return tensor }
        var t = tensor.detached().contiguous()
        t.makeStorageUnique()
        let bytes = UnsafeMutableRawBufferPointer(
            start: t.storage.raw + t.offset * t.dtype.byteSize, count: t.count * t.dtype.byteSize)
        allReduce(bytes, dtype: t.dtype, op: op)
        return t
    }
}

/// Multiplies a float32 or float64 buffer by `factor` in place (the mean of an all-reduce).
func scaleBuffer(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType, by factor: Double) {
    switch dtype {
    case .float32:
        let p = buffer.bindMemory(to: Float.self), f = Float(factor)
        for i in p.indices { p[i] *= f }
    case .float64:
        let p = buffer.bindMemory(to: Double.self)
        for i in p.indices { p[i] *= factor }
    default:
        require(false, "allReduce: float32 or float64 buffers only, got \(dtype)")
    }
}

/// The group of one process: every collective returns at once and leaves the buffer as it is
/// (a sum or mean over one rank). Used when training is not distributed, and in tests.
public final class SingleProcessCommunicator: Communicator {
    public var rank: Int { 0 }
    public var size: Int { 1 }

    /// The group of this process alone: rank 0 of 1.
    public init() {}

    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) {
        require(root == 0, "broadcast: root \(root) out of range for a group of 1")
    }

    public func allReduce(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType, op: ReduceOperation) {
        require(dtype.isFloatingPoint, "allReduce: float32 or float64 buffers only, got \(dtype)")
    }

    public func startAllReduce(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType,
                               op: ReduceOperation) -> any CommunicationRequest {
        allReduce(buffer, dtype: dtype, op: op)
        return CompletedRequest()
    }

    public func barrier() {}

    /// A request that completed when it was made.
    final class CompletedRequest: CommunicationRequest {
        func test() -> Bool { true }
        func wait() {}
    }
}
