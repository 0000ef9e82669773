#if APUS_MPI
import CMPI
import Foundation

/// ``Communicator`` over Open MPI's `MPI_COMM_WORLD` (package trait `MPI`).
///
/// Every blocking operation is started non-blocking and polled with `MPI_Test` until it
/// completes or ``DistributedRuntime/timeout`` seconds pass; then the process prints which
/// operation timed out and calls `MPI_Abort`, which ends all ranks with a non-zero status. MPI
/// is used from the thread that created the communicator only (`MPI_THREAD_FUNNELED`).
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    /// Seconds an operation may wait (``DistributedRuntime/timeout`` when created).
    public let timeout: Double
    private let comm: MPI_Comm

    nonisolated(unsafe) private static var shared: MPICommunicator?
    nonisolated(unsafe) private static var finalized = false

    /// The world communicator, initialising MPI on first use.
    static var world: MPICommunicator {
        if let shared { return shared }
        let c = MPICommunicator()
        shared = c
        return c
    }

    private init() {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            var provided: Int32 = 0
            let status = MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
            if status != cmpi_success() { DistributedRuntime.abort("error: MPI_Init_thread failed (code \(status))") }
        }
        comm = cmpi_comm_world()
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(comm, &r)
        MPI_Comm_size(comm, &s)
        rank = Int(r)
        size = Int(s)
        timeout = DistributedRuntime.timeout
    }

    static func finalize() {
        guard shared != nil, !finalized else { return }
        finalized = true
        MPI_Finalize()
    }

    static func abort(code: Int32) {
        var initialized: Int32 = 0, done: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&done)
        if initialized != 0 && done == 0 { MPI_Abort(cmpi_comm_world(), code) }
    }

    private static func mpiType(_ dtype: DType) -> MPI_Datatype {
        switch dtype {
        case .float32: return cmpi_float()
        case .float64: return cmpi_double()
        default:
            require(false, "allReduce: float32 or float64 buffers only, got \(dtype)")
            return cmpi_byte()
        }
    }

    private func check(_ status: Int32, _ what: String) {
        if status != cmpi_success() {
            DistributedRuntime.abort("error: distributed rank \(rank)/\(size): \(what) failed (MPI error \(status))")
        }
    }

    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) {
        require(root >= 0 && root < size, "broadcast: root \(root) out of range for a group of \(size)")
        var request: MPI_Request? = cmpi_request_null()
        check(MPI_Ibcast(buffer.baseAddress, Int32(buffer.count), cmpi_byte(), Int32(root), comm, &request), "MPI_Ibcast")
        Request(self, request, what: "broadcast of \(buffer.count) bytes").wait()
    }

    public func allReduce(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType, op: ReduceOperation) {
        startAllReduce(buffer, dtype: dtype, op: op).wait()
    }

    public func startAllReduce(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType,
                               op: ReduceOperation) -> any CommunicationRequest {
        let type = Self.mpiType(dtype)
        let count = buffer.count / dtype.byteSize
        var request: MPI_Request? = cmpi_request_null()
        check(MPI_Iallreduce(cmpi_in_place(), buffer.baseAddress, Int32(count), type, cmpi_sum(), comm, &request),
              "MPI_Iallreduce")
        let r = Request(self, request, what: "all-reduce of \(count) \(dtype) values")
        if op == .average && size > 1 {
            let factor = 1 / Double(size)
            r.onCompletion = { scaleBuffer(buffer, dtype: dtype, by: factor) }
        }
        return r
    }

    /// `MPI_Allreduce` (sum, in place) called directly: the benchmarks' reference.
    func blockingAllReduce(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType) {
        check(MPI_Allreduce(cmpi_in_place(), buffer.baseAddress, Int32(buffer.count / dtype.byteSize), Self.mpiType(dtype),
                            cmpi_sum(), comm), "MPI_Allreduce")
    }

    public func barrier() {
        var request: MPI_Request? = cmpi_request_null()
        check(MPI_Ibarrier(comm, &request), "MPI_Ibarrier")
        Request(self, request, what: "barrier").wait()
    }

    /// One non-blocking MPI operation; ``wait()`` polls it against the communicator's deadline.
    final class Request: CommunicationRequest {
        private let communicator: MPICommunicator
        private var request: MPI_Request?
        private var done = false
        private let what: String
        /// Runs once when the operation has completed (the mean's division).
        var onCompletion: (() -> Void)?

        init(_ communicator: MPICommunicator, _ request: MPI_Request?, what: String) {
            self.communicator = communicator
            self.request = request
            self.what = what
        }

        func test() -> Bool {
            if done { return true }
            var flag: Int32 = 0
            communicator.check(MPI_Test(&request, &flag, cmpi_status_ignore()), "MPI_Test (\(what))")
            if flag != 0 {
                done = true
                onCompletion?()
                onCompletion = nil
            }
            return done
        }

        func wait() {
            if test() { return }
            let start = DispatchTime.now().uptimeNanoseconds
            let limit = UInt64(communicator.timeout * 1e9)
            var polls = 0
            while !test() {
                polls += 1
                if polls % 64 == 0 {
                    if DispatchTime.now().uptimeNanoseconds - start > limit {
                        let c = communicator
                        DistributedRuntime.abort("""
                            error: distributed rank \(c.rank)/\(c.size): \(what) did not complete within \
                            \(c.timeout) s; another rank has probably died or hangs (APUS_DISTRIBUTED_TIMEOUT sets the limit)
                            """)
                    }
                    sched_yield()
                }
            }
        }
    }
}
#endif
