import Foundation

/// Named numbers a training epoch or batch produced (`loss`, `accuracy`, `val_loss`, `lr`, …),
/// in the order they were added, as the `logs` dictionary Keras passes to callbacks.
public struct Logs: Sendable, Equatable, Sequence, CustomStringConvertible {
    /// Names in insertion order.
    public private(set) var keys: [String] = []
    private var values: [String: Double] = [:]

    /// Empty logs.
    public init() {}

    /// Entries in order.
    public init(_ entries: KeyValuePairs<String, Double>) {
        for (k, v) in entries { self[k] = v }
    }

    /// The value named `key`; setting a new key appends it, setting nil removes it.
    public subscript(key: String) -> Double? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The `(key, value)` entries in insertion order: `for (name, value) in logs { … }`.
    public func makeIterator() -> IndexingIterator<[(key: String, value: Double)]> {
        keys.map { (key: $0, value: values[$0]!) }.makeIterator()
    }

    /// `loss 0.1234  accuracy 0.9500  lr 0.05`: four decimals, `lr` in shortest form.
    public var description: String {
        keys.map { key in
            let v = values[key]!
            return key + " " + (key == "lr" || key.hasSuffix("_lr") ? Self.shortest(v) : String(format: "%.4f", v))
        }.joined(separator: "  ")
    }

    /// `0.05`, `0.001`, `1e-05`: up to six significant digits, no trailing zeros.
    static func shortest(_ v: Double) -> String { String(format: "%.6g", v) }
}

/// What ``Trainer/fit(_:validation:epochs:initialEpoch:callbacks:)`` recorded: one ``Logs`` per
/// epoch, as Keras's `History`.
public struct History: Sendable, Equatable {
    /// The epochs run (1-based), in order.
    public private(set) var epochs: [Int] = []
    /// The logs of each epoch in ``epochs``.
    public private(set) var logs: [Logs] = []

    /// An empty history; ``Trainer/fit(_:validation:epochs:initialEpoch:callbacks:)`` returns a filled one.
    public init() {}

    /// The values of `key` over the epochs (`history["val_loss"]`); epochs without it are skipped.
    public subscript(key: String) -> [Double] { logs.compactMap { $0[key] } }

    /// The logs of the last epoch run.
    public var last: Logs? { logs.last }

    mutating func append(epoch: Int, logs entry: Logs) {
        epochs.append(epoch)
        logs.append(entry)
    }
}

/// A number computed per batch from the model's output and the targets, averaged over a pass
/// weighted by batch size (so it equals the value over the whole dataset for per-example means
/// such as accuracy or squared error). Its ``name`` is the log key (`val_` + name on validation).
public struct Metric: Sendable {
    /// The key in the logs: `accuracy`, `mse`, `top5_accuracy`; on validation data `val_` + name.
    public let name: String
    /// The batch value: a mean over the batch's examples.
    public let compute: @Sendable (_ output: Tensor, _ target: Tensor) -> Double

    /// A metric logged as `name`, computed per batch by `compute(output, target)` as a mean over the batch's examples:
    /// `Metric("error_rate") { 1 - accuracy($0, $1) }`.
    public init(_ name: String, _ compute: @escaping @Sendable (_ output: Tensor, _ target: Tensor) -> Double) {
        self.name = name
        self.compute = compute
    }

    /// Classification accuracy of logits `[N, C]` against labels `[N]` (``accuracy(_:_:)``).
    public static let accuracy = Metric("accuracy") { Apus.accuracy($0, $1) }
    /// Top-k accuracy, logged as `top<k>_accuracy` (``topKAccuracy(_:_:k:)``).
    public static func topKAccuracy(_ k: Int) -> Metric { Metric("top\(k)_accuracy") { Apus.topKAccuracy($0, $1, k: k) } }
    /// Mean squared error, logged as `mse`.
    public static let meanSquaredError = Metric("mse") { Apus.meanSquaredError($0, $1) }
    /// Mean absolute error, logged as `mae`.
    public static let meanAbsoluteError = Metric("mae") { Apus.meanAbsoluteError($0, $1) }
}
