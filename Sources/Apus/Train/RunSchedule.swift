import Foundation

/// A linear warm-up for a fixed number of steps, then ``ReduceLROnPlateau`` (which
/// ``SequentialLR`` cannot chain: it is not a closed-form schedule).
final class WarmupThenPlateau: LRScheduler {
    let warmup: LinearLR
    let warmupEpochs: Int
    let plateau: ReduceLROnPlateau
    var lastEpoch = 0
    var optimizer: any Optimizer { plateau.optimizer }

    init(warmup: LinearLR, epochs: Int, then plateau: ReduceLROnPlateau) {
        self.warmup = warmup
        self.warmupEpochs = epochs
        self.plateau = plateau
    }

    func step(metric: Double?) {
        lastEpoch += 1
        if lastEpoch <= warmupEpochs { warmup.step() } else { plateau.step(metric: metric) }
    }

    func stateDict() -> [(name: String, tensor: Tensor)] {
        [("last_epoch", SchedulerState.scalar(Double(lastEpoch)))]
            + warmup.stateDict().map { ("warmup." + $0.name, $0.tensor) }
            + plateau.stateDict().map { ("plateau." + $0.name, $0.tensor) }
    }

    func loadStateDict(_ state: [String: Tensor]) throws {
        func part(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: state.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        guard let last = state["last_epoch"] else {
            throw ApusError.stateMismatch(StateMismatch(missing: ["last_epoch"]))
        }
        let rates = optimizer.learningRates
        try warmup.loadStateDict(part("warmup."))
        try plateau.loadStateDict(part("plateau."))
        lastEpoch = SchedulerState.int(last)
        // After the warm-up the optimizer's (possibly reduced) rates are the truth, not the warm-up's end.
        if lastEpoch > warmupEpochs { optimizer.learningRates = rates }
    }
}

/// A scheduler's state as checkpoint metadata (`scheduler.<name>` → `shape:values`), since
/// training checkpoints hold model and optimizer tensors only.
enum SchedulerMetadata {
    static let prefix = "scheduler."

    static func encode(_ scheduler: any LRScheduler) -> [String: String] {
        Dictionary(uniqueKeysWithValues: scheduler.stateDict().map { name, tensor in
            (prefix + name, tensor.shape.map(String.init).joined(separator: "x") + ":"
                + tensor.cast(to: .float64).toDoubles().map { "\($0)" }.joined(separator: ","))
        })
    }

    static func restore(_ scheduler: any LRScheduler, from metadata: [String: String], path: String) throws {
        var state: [String: Tensor] = [:]
        for (key, text) in metadata where key.hasPrefix(prefix) {
            // Every part must parse (no part silently dropped) and the shape's size is checked
            // for overflow before it is compared with the number of values.
            let halves = text.split(separator: ":", omittingEmptySubsequences: false)
            let dims = halves.first.map { $0.isEmpty ? [] : $0.split(separator: "x", omittingEmptySubsequences: false) } ?? []
            let shape = dims.compactMap { Int($0) }
            let parts = halves.count == 2 && !halves[1].isEmpty ? halves[1].split(separator: ",", omittingEmptySubsequences: false) : []
            let values = parts.compactMap { Double($0) }
            guard halves.count == 2, shape.count == dims.count, values.count == parts.count,
                  let size = CheckedSize.product(shape), values.count == size else {
                throw ApusError.corruptFile(path: path, reason: "bad learning-rate schedule state '\(key)': '\(text)'")
            }
            state[String(key.dropFirst(prefix.count))] = Tensor(shape: shape, values: values, dtype: .float64)
        }
        // Checkpoints written without a schedule state leave the schedule at its start.
        if !state.isEmpty { try scheduler.loadStateDict(state) }
    }
}
