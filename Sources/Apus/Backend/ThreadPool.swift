import Foundation

/// The one pool of worker threads all kernels share.
///
/// `APUS_NUM_THREADS` sets its size (default: the number of cores). `parallelFor` hands
/// iteration `i` to thread `i mod threadCount` (the caller is thread 0), so the work each
/// thread does is fixed by the iteration count alone. Workers sleep on semaphores between
/// jobs. A call made while the pool is busy (from another thread, or nested) runs serially on
/// the caller instead of waiting.
final class ThreadPool: @unchecked Sendable {
    /// Threads kernels may use, including the caller.
    static let threadCount: Int = {
        if let s = ProcessInfo.processInfo.environment["APUS_NUM_THREADS"], let n = Int(s), n > 0 { return n }
        return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    static let shared = ThreadPool(threads: threadCount)

    private let threads: Int
    private let starts: [DispatchSemaphore]
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var busy = false
    // The job in flight; written before the start semaphores are signalled.
    private var job: ((Int) -> Void)?
    private var iterations = 0

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
        guard helpers > 0, acquire() else {
            for i in 0..<iterations { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            self.iterations = iterations
            for w in 0..<helpers { starts[w].signal() }
            for i in stride(from: 0, to: iterations, by: threads) { body(i) }
            for _ in 0..<helpers { finished.wait() }
            job = nil
        }
        lock.lock(); busy = false; lock.unlock()
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

    private func acquire() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if busy { return false }
        busy = true
        return true
    }

    private func workerLoop(_ worker: Int) {
        while true {
            starts[worker - 1].wait()
            if let job {
                for i in stride(from: worker, to: iterations, by: threads) { job(i) }
            }
            finished.signal()
        }
    }
}
