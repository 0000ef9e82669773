import Foundation

/// Entry point of distributed training: the communicator of all processes `mpirun` started.
public enum DistributedRuntime {
    /// Whether this build can train over MPI (it was built with the package trait `MPI`:
    /// `swift build --traits MPI`).
    public static var isAvailable: Bool {
        #if APUS_MPI
        true
        #else
        false
        #endif
    }

    /// Seconds a collective operation may wait for the other ranks before the process ends with
    /// an error naming it: `APUS_DISTRIBUTED_TIMEOUT` (default 300). A rank that dies or hangs
    /// then stops the job instead of leaving the others waiting forever.
    public static var timeout: Double {
        if let s = ProcessInfo.processInfo.environment["APUS_DISTRIBUTED_TIMEOUT"], let t = Double(s), t > 0 { return t }
        return 300
    }

    /// The communicator of every process of the MPI job (`MPI_COMM_WORLD`), initialising MPI on
    /// first use; one process alone when not started by `mpirun`.
    ///
    /// Throws ``ApusError/distributedUnavailable`` in a build without the `MPI` trait.
    public static func worldCommunicator() throws -> any Communicator {
        #if APUS_MPI
        return MPICommunicator.world
        #else
        throw ApusError.distributedUnavailable
        #endif
    }

    /// Ends MPI (`MPI_Finalize`) if this process started it; call once, after the last collective.
    public static func finalize() {
        #if APUS_MPI
        MPICommunicator.finalize()
        #endif
    }

    /// A plain blocking `MPI_Allreduce` (sum, in place) on `communicator`'s ranks, without Apus's
    /// polling and timeout: the reference `apus bench --distributed` compares
    /// ``Communicator/allReduce(_:dtype:op:)`` with. Throws ``ApusError/distributedUnavailable``
    /// without the `MPI` trait.
    public static func referenceAllReduce(_ buffer: UnsafeMutableRawBufferPointer, dtype: DType,
                                          communicator: any Communicator) throws {
        #if APUS_MPI
        guard let mpi = communicator as? MPICommunicator else {
            require(communicator.size == 1, "referenceAllReduce: needs an MPICommunicator")
            return
        }
        mpi.blockingAllReduce(buffer, dtype: dtype)
        #else
        throw ApusError.distributedUnavailable
        #endif
    }

    /// Ends every process of the job (`MPI_Abort`) after printing `message` on standard error;
    /// a plain exit with `code` when MPI is not running.
    public static func abort(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        #if APUS_MPI
        MPICommunicator.abort(code: code)
        #endif
        exit(code)
    }
}
