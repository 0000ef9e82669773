import Foundation

/// Background threads that read one pass's batches ahead of the training loop.
///
/// Workers claim batch numbers in order from a shared counter, at most `depth` ahead of the
/// batch the loop takes next, and park their results by number; ``take(_:)`` waits for the one
/// asked for. The batches themselves do not depend on which worker read them (each comes from
/// the pass plan and seed alone), so any number of workers gives the same bits.
final class BatchPrefetcher<D: Dataset>: @unchecked Sendable {
    typealias Batch = (inputs: Tensor, targets: Tensor)

    // `dataset.batch(at:seed:)` is documented to be safe to call from several threads at once.
    private let dataset: D
    private let plan: PassPlan
    private let depth: Int
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var ready: [Int: Result<Batch, D.Failure>] = [:]
    private var claimed = 0
    private var taken = 0
    private var stopped = false
    private var running: Int

    init(dataset: D, plan: PassPlan, workers: Int, depth: Int) {
        (self.dataset, self.plan, self.depth, running) = (dataset, plan, Swift.max(depth, 1), workers)
        for w in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.name = "apus-data-\(w)"
            thread.start()
        }
    }

    /// Waits for batch `number`, the one after the last taken, and hands it over.
    func take(_ number: Int) -> Result<Batch, D.Failure> {
        condition.lock()
        defer { condition.unlock() }
        precondition(number == taken, "BatchPrefetcher: batch \(number) asked for, \(taken) is next")
        while ready[number] == nil { condition.wait() }
        taken += 1
        condition.broadcast()
        return ready.removeValue(forKey: number)!
    }

    /// Tells the workers to stop after the batch each is reading, and waits until all have.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        ready.removeAll()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while !stopped && claimed < plan.count && claimed >= taken + depth { condition.wait() }
            guard !stopped, claimed < plan.count else {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let number = claimed
            claimed += 1
            condition.unlock()

            let result: Result<Batch, D.Failure>
            do throws(D.Failure) {
                result = .success(try dataset.batch(at: plan.indices(number), seed: plan.seed))
            } catch {
                result = .failure(error)
            }
            condition.lock()
            if !stopped { ready[number] = result }
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// Stops a pass's workers when the last copy of its iterator goes away.
final class PrefetchLifetime<D: Dataset>: Sendable {
    let prefetcher: BatchPrefetcher<D>
    init(_ prefetcher: BatchPrefetcher<D>) { self.prefetcher = prefetcher }
    deinit { prefetcher.stop() }
}
