import Foundation

/// Writes scalars and histograms to a TensorBoard event file, as PyTorch's
/// `torch.utils.tensorboard.SummaryWriter` (with no dependency: the records are encoded by hand).
///
/// The file is `<logDirectory>/events.out.tfevents.<unix time>.<hostname>.<pid>.<n>` (PyTorch's
/// name; pid and a per-process counter keep two writers in one directory apart): TFRecord
/// framing of protocol-buffer `Event` messages, the first holding `file_version`
/// "brain.Event:2". Look at it with `tensorboard --logdir <logDirectory>`.
///
/// ```swift
/// let writer = try SummaryWriter(logDirectory: "runs/mlp")
/// for epoch in 0..<10 {
///     // … train …
///     writer.addScalar("loss/train", trainLoss, step: epoch)
///     writer.addHistograms(of: model, step: epoch)
/// }
/// try writer.close()
/// ```
///
/// Events are queued and written when `maxQueue` are waiting, when more than `flushSeconds` have
/// passed since the last write (checked when an event is added), on ``flush()``, ``close()`` and
/// when the writer is released. Adding events does not throw: a failed write is reported by the
/// next ``flush()`` or ``close()``. Safe to use from several threads.
public final class SummaryWriter: @unchecked Sendable {
    /// The directory holding the event file (created if missing).
    public let logDirectory: String
    /// The path of the event file.
    public let path: String
    /// Events queued before they are written.
    public let maxQueue: Int
    /// Seconds after which queued events are written at the next add.
    public let flushSeconds: Double

    private let lock = NSLock()
    private var handle: FileHandle?
    private var pending: [UInt8] = []
    private var pendingEvents = 0
    private var lastWrite = Date()
    private var writeError: (any Error)?

    /// Creates `logDirectory` if needed and a new event file in it.
    ///
    /// - Throws: ``ApusError/fileNotWritable(path:reason:)`` when the directory or file cannot be created.
    public init(logDirectory: String, maxQueue: Int = 10, flushSeconds: Double = 120) throws {
        require(maxQueue >= 1, "SummaryWriter: maxQueue must be at least 1, got \(maxQueue)")
        self.logDirectory = logDirectory
        self.maxQueue = maxQueue
        self.flushSeconds = flushSeconds
        let now = Date().timeIntervalSince1970
        let seconds = String(Int(now))
        let name = "events.out.tfevents." + String(repeating: "0", count: Swift.max(0, 10 - seconds.count)) + seconds
            + ".\(ProcessInfo.processInfo.hostName).\(ProcessInfo.processInfo.processIdentifier)"
            + ".\(SummaryWriter.nextFileNumber())"
        path = URL(fileURLWithPath: logDirectory).appendingPathComponent(name).path
        do {
            try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        } catch {
            throw ApusError.fileNotWritable(path: logDirectory)
        }
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw ApusError.fileNotWritable(path: path)
        }
        self.handle = handle
        var event = ProtobufWriter()
        event.double(1, now)
        event.string(3, "brain.Event:2")
        enqueue(event.bytes)
        try flush()
    }

    deinit { try? close() }

    // MARK: Adding events

    /// Adds a scalar: one point of the curve `tag` at `step` (PyTorch's `add_scalar`).
    ///
    /// Stored as a float32 `simple_value`. `wallTime` defaults to now (seconds since 1970).
    public func addScalar(_ tag: String, _ value: Double, step: Int, wallTime: Double? = nil) {
        enqueue(Self.scalarEvent(tag, value, step: step, wallTime: wallTime ?? Date().timeIntervalSince1970))
    }

    /// Adds a histogram of the values of `tensor` at `step` (PyTorch's `add_histogram` with `bins`
    /// an integer).
    ///
    /// `bins` equal-width buckets span [min, max] ([v − 0.5, v + 0.5] when every value is v), as
    /// numpy's `histogram`; the empty buckets at both ends are dropped, keeping one empty bucket
    /// whose right limit is the minimum, exactly as PyTorch writes them. NaN and infinite values
    /// are left out of the histogram and its count; a tensor with no finite value adds nothing.
    public func addHistogram(_ tag: String, _ tensor: Tensor, step: Int, bins: Int = 64, wallTime: Double? = nil) {
        require(bins >= 1, "SummaryWriter.addHistogram: bins must be positive, got \(bins)")
        guard let h = Histogram(tensor.detached().toDoubles(), bins: bins) else { return }
        enqueue(Self.histogramEvent(tag, h, step: step, wallTime: wallTime ?? Date().timeIntervalSince1970))
    }

    /// Adds histograms of every parameter of `model` and of its gradient, at `step`.
    ///
    /// Tags are `weights/<name>` and `gradients/<name>` with the parameter's dotted name
    /// (`weights/0.weight`, `gradients/layers.2.bias`); parameters without a gradient
    /// (no backward yet) get only the weights histogram.
    public func addHistograms(of model: Module, step: Int, bins: Int = 64) {
        let now = Date().timeIntervalSince1970
        for (name, parameter) in model.namedParameters() {
            addHistogram("weights/\(name)", parameter.value, step: step, bins: bins, wallTime: now)
            if let grad = parameter.grad {
                addHistogram("gradients/\(name)", grad, step: step, bins: bins, wallTime: now)
            }
        }
    }

    // MARK: Writing

    /// Writes the queued events to the file.
    ///
    /// - Throws: the error of a write that failed since the last flush (or of this one).
    public func flush() throws {
        lock.lock(); defer { lock.unlock() }
        writePendingLocked()
        try throwWriteErrorLocked()
    }

    /// Writes the queued events and closes the file; later events are dropped.
    ///
    /// - Throws: the error of a write that failed since the last flush (the file is closed anyway).
    public func close() throws {
        lock.lock(); defer { lock.unlock() }
        writePendingLocked()
        try? handle?.close()
        handle = nil
        try throwWriteErrorLocked()
    }

    private func throwWriteErrorLocked() throws {
        if let error = writeError {
            writeError = nil
            throw error
        }
    }

    // MARK: Encoding

    /// The serialized `Event{wall_time=1, step=2, summary=5{value=1{tag=1, simple_value=2}}}`.
    static func scalarEvent(_ tag: String, _ value: Double, step: Int, wallTime: Double) -> [UInt8] {
        summaryEvent(step: step, wallTime: wallTime) { v in
            v.string(1, tag)
            v.float(2, Float(value), explicitPresence: true)
        }
    }

    /// The serialized `Event` with `Summary.Value{tag=1, histo=5{min=1, max=2, num=3, sum=4,
    /// sum_squares=5, bucket_limit=6, bucket=7}}`.
    static func histogramEvent(_ tag: String, _ h: Histogram, step: Int, wallTime: Double) -> [UInt8] {
        summaryEvent(step: step, wallTime: wallTime) { v in
            v.string(1, tag)
            v.message(5) { p in
                p.double(1, h.min)
                p.double(2, h.max)
                p.double(3, Double(h.count))
                p.double(4, h.sum)
                p.double(5, h.sumOfSquares)
                p.packedDoubles(6, h.bucketLimits)
                p.packedDoubles(7, h.bucketCounts)
            }
        }
    }

    private static func summaryEvent(step: Int, wallTime: Double, _ value: (inout ProtobufWriter) -> Void) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int64(2, Int64(step))
        event.message(5) { summary in summary.message(1, value) }
        return event.bytes
    }

    private func enqueue(_ event: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        guard handle != nil else { return }
        pending += TFRecord.frame(event)
        pendingEvents += 1
        if pendingEvents >= maxQueue || Date().timeIntervalSince(lastWrite) > flushSeconds { writePendingLocked() }
    }

    private func writePendingLocked() {
        lastWrite = Date()
        guard let handle, !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: Data(pending))
        } catch {
            writeError = writeError ?? ApusError.fileNotWritable(path: path)
        }
        pending.removeAll(keepingCapacity: true)
        pendingEvents = 0
    }

    private static let counterLock = NSLock()
    nonisolated(unsafe) private static var fileCounter = 0

    private static func nextFileNumber() -> Int {
        counterLock.lock(); defer { counterLock.unlock() }
        fileCounter += 1
        return fileCounter - 1
    }
}

/// The contents of TensorBoard's `HistogramProto` for a list of values, binned as PyTorch's
/// `add_histogram(…, bins: n)`: numpy's `histogram` with `n` equal-width bins, then the empty bins
/// at both ends dropped except one empty bin left of the first non-empty one, since TensorBoard
/// stores only right bucket limits.
struct Histogram: Equatable {
    var min: Double
    var max: Double
    var count: Int
    var sum: Double
    var sumOfSquares: Double
    /// Right limit of each bucket, increasing; bucket i holds the values in (limit[i−1], limit[i]].
    var bucketLimits: [Double]
    /// Number of values in each bucket; the first is 0 (its limit is the left edge of the data).
    var bucketCounts: [Double]

    /// The histogram of the finite values among `values`, or nil if there are none.
    init?(_ values: [Double], bins: Int) {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return nil }
        min = lo
        max = hi
        count = finite.count
        sum = finite.reduce(0, +)
        sumOfSquares = finite.reduce(0) { $0 + $1 * $1 }

        // numpy.histogram: edges = linspace(lo, hi, bins + 1) (lo ∓ 0.5 when lo == hi); a value v
        // falls in bin k when edges[k] ≤ v < edges[k + 1], the last bin also taking v = edges[bins].
        let (left, right) = lo == hi ? (lo - 0.5, hi + 0.5) : (lo, hi)
        let step = (right - left) / Double(bins)
        var edges = (0...bins).map { Double($0) * step + left }
        edges[bins] = right
        var counts = [Double](repeating: 0, count: bins)
        for v in finite {
            var k = Swift.min(Int((v - left) / (right - left) * Double(bins)), bins - 1)
            if v < edges[k] { k -= 1 } else if k != bins - 1 && v >= edges[k + 1] { k += 1 }
            counts[k] += 1
        }

        // PyTorch's make_histogram: keep the bins from the first to the last non-empty one, and
        // one (empty) bin before them whose right limit is the left edge of the first.
        let first = counts.firstIndex { $0 > 0 }!, last = counts.lastIndex { $0 > 0 }!
        bucketCounts = [0] + counts[first...last]
        bucketLimits = Array(edges[first...(last + 1)])
    }
}
