import Foundation
import Synchronization

/// The one pool of worker threads all kernels share.
///
/// `APUS_NUM_THREADS` sets its size (default: the number of cores). `parallelFor` hands
/// iteration `i` to thread `i mod threadCount` (the caller is thread 0), so the work each
/// thread does is fixed by the iteration count alone. Between jobs a worker spins briefly
/// before sleeping on its semaphore: a training step posts hundreds of short jobs, and waking a
/// sleeping thread costs tens of microseconds. A call made while the pool is busy (from another
/// thread, or nested) runs serially on the caller instead of waiting.
final class ThreadPool: @unchecked Sendable {
    /// Threads kernels may use, including the caller.
    static let threadCount: Int = {
        if let s = ProcessInfo.processInfo.environment["APUS_NUM_THREADS"], let n = Int(s), n > 0 { return n }
        return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    static let shared = ThreadPool(threads: threadCount)

    /// Spin iterations a worker polls for the next job before it sleeps (a few hundred microseconds:
    /// longer than the serial work between two parallel ops of a training step).
    private static let spinLimit = 200_000

    private let threads: Int
    private let starts: [DispatchSemaphore]
    private let generation = Atomic<Int>(0)
    private let running = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    // The job in flight; written before `generation` is bumped.
    private var job: ((Int) -> Void)?
    private var iterations = 0

    /// Threads this pool runs jobs on, including the caller.
    var size: Int { threads }

    init(threads: Int) {
        self.threads = threads
        starts = (1..<Swift.max(threads, 1)).map { _ in DispatchSemaphore(value: 0) }
        for worker in 1..<Swift.max(threads, 1) {
            let thread = Thread { [unowned self] in self.workerLoop(worker) }
            thread.name = "apus-worker-\(worker)"
            thread.start()
        }
    }

    /// Runs `body(i)` for every `i` in `0..<iterations`, spread over the pool; returns when all are done.
    func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
        let helpers = Swift.min(iterations, threads) - 1
        guard helpers > 0, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for i in 0..<iterations { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            self.iterations = iterations
            running.store(threads - 1, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            for w in 0..<(threads - 1) { starts[w].signal() }
            for i in stride(from: 0, to: iterations, by: threads) { body(i) }
            var spins = 0
            while running.load(ordering: .sequentiallyConsistent) > 0 {
                spins += 1
                if spins > Self.spinLimit { sched_yield() }
            }
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// Runs `body` over `0..<count` split into one contiguous range per thread, or over the whole
    /// range on the caller when `count` is below `grain` per thread (not worth waking workers).
    func parallelRanges(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let parts = Swift.min(threads, count / Swift.max(grain, 1))
        if parts <= 1 { body(0..<count); return }
        let per = (count + parts - 1) / parts
        parallelFor(parts) { t in
            let lo = t * per, hi = Swift.min(count, lo + per)
            if lo < hi { body(lo..<hi) }
        }
    }

    private func workerLoop(_ worker: Int) {
        var seen = 0
        while true {
            // Poll for the next job for a while; the semaphore wait then returns at once.
            var spins = 0
            while generation.load(ordering: .sequentiallyConsistent) == seen && spins < Self.spinLimit { spins += 1 }
            starts[worker - 1].wait()
            seen += 1
            if let job {
                for i in stride(from: worker, to: iterations, by: threads) { job(i) }
            }
            running.subtract(1, ordering: .sequentiallyConsistent)
        }
    }
}

/// The number of threads the parallel kernels use (`APUS_NUM_THREADS`, else the active cores), for
/// the package's benchmarks and tools.
package var kernelThreadCount: Int { ThreadPool.threadCount }
