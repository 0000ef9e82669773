import Foundation

/// Shows training progress, as Keras's progress bar.
///
/// On a terminal (`.bar`), each epoch draws a bar redrawn in place with `\r`:
///
///     epoch  3/30 [=========>....................] 15/45  1234 samples/s  ETA 1s  loss 0.2345
///
/// and ends with the epoch's line followed by its duration. Elsewhere (`.lines`: a pipe, a file,
/// a CI log) it prints only one line per epoch, with no timings, so logs of equal runs are equal:
///
///     epoch  3/30  loss 0.2345  accuracy 0.9312  val_loss 0.2511  val_accuracy 0.9222  lr 0.05
///
/// Output and clock are injectable (tests pass a string collector and a fake clock).
public final class ProgressBar: Callback {
    /// How progress is shown.
    public enum Style: Sendable, Equatable {
        /// A bar redrawn in place, for terminals.
        case bar
        /// One plain line per epoch.
        case lines
    }

    /// Whether progress is a bar redrawn in place or one plain line per epoch.
    public let style: Style
    /// Characters between the bar's brackets.
    public let width: Int
    /// Shortest time between two redraws of the bar, in seconds (the last batch is always drawn).
    public let redrawInterval: Double
    private let output: (String) -> Void
    private let clock: () -> Double
    private var epochStart = 0.0
    private var currentEpoch = 0
    private var lastDraw = -Double.infinity

    /// A progress display; by default a bar on a terminal and plain lines elsewhere.
    ///
    /// - Parameters:
    ///   - style: `.bar` or `.lines`; by default `.bar` when standard output is a terminal.
    ///   - width: characters between the bar's brackets.
    ///   - redrawInterval: shortest time between two redraws of the bar, in seconds.
    ///   - output: receives the text to show (default: standard output, flushed).
    ///   - clock: seconds on a monotonic clock (default: the system's uptime clock).
    public init(style: Style? = nil, width: Int = 30, redrawInterval: Double = 0.1,
                output: @escaping (String) -> Void = ProgressBar.standardOutput,
                clock: @escaping () -> Double = ProgressBar.monotonicSeconds) {
        require(width >= 1, "ProgressBar: width must be positive, got \(width)")
        self.style = style ?? (isatty(STDOUT_FILENO) != 0 ? .bar : .lines)
        self.width = width
        self.redrawInterval = redrawInterval
        self.output = output
        self.clock = clock
    }

    /// Writes to standard output and flushes it.
    public static func standardOutput(_ text: String) {
        fflush(nil)  // keep order with print()'s buffered output
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Seconds since an arbitrary point, never going backwards.
    public static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    public func onEpochBegin(_ epoch: Int, trainer: Trainer) throws {
        epochStart = clock()
        currentEpoch = epoch
        lastDraw = -.infinity
    }

    public func onBatchEnd(_ batch: Int, logs: Logs, trainer: Trainer) throws {
        guard style == .bar else { return }
        let now = clock()
        guard batch == trainer.batchesPerEpoch || now - lastDraw >= redrawInterval else { return }
        lastDraw = now
        output("\r" + Self.barLine(epoch: currentEpoch, epochs: trainer.epochs, batch: batch,
                                   batches: trainer.batchesPerEpoch, examples: trainer.examplesSeenInEpoch,
                                   elapsed: now - epochStart, loss: logs["loss"], width: width) + "\u{1B}[K")
    }

    public func onEpochEnd(_ epoch: Int, logs: Logs, trainer: Trainer) throws {
        let line = Self.epochLine(epoch: epoch, epochs: trainer.epochs, logs: logs)
        switch style {
        case .lines: output(line + "\n")
        case .bar: output("\r" + line + "  (" + Self.duration(clock() - epochStart) + ")\u{1B}[K\n")
        }
    }

    /// `epoch  3/30  loss 0.2345  accuracy 0.9312  …`: the epoch number padded to the width of `epochs`.
    public static func epochLine(epoch: Int, epochs: Int, logs: Logs) -> String {
        epochLabel(epoch, epochs) + (logs.keys.isEmpty ? "" : "  " + logs.description)
    }

    /// `epoch  3/30`: the number padded to the width of `epochs`, so lines align.
    static func epochLabel(_ epoch: Int, _ epochs: Int) -> String {
        let number = String(epoch)
        return "epoch " + String(repeating: " ", count: Swift.max(0, String(epochs).count - number.count)) + number + "/\(epochs)"
    }

    /// The bar line without `\r`: `epoch  3/30 [===>......] 15/45  240 samples/s  ETA 4s  loss 0.2345`.
    public static func barLine(epoch: Int, epochs: Int, batch: Int, batches: Int, examples: Int, elapsed: Double,
                               loss: Double?, width: Int = 30) -> String {
        let fraction = batches > 0 ? Double(batch) / Double(batches) : 1
        let filled = Swift.min(width, Int(fraction * Double(width)))
        var bar = String(repeating: "=", count: filled)
        if filled < width { bar += (filled > 0 ? ">" : ".") + String(repeating: ".", count: width - filled - 1) }
        var line = epochLabel(epoch, epochs) + " [\(bar)] \(batch)/\(batches)"
        if elapsed > 0 {
            line += "  " + rate(Double(examples) / elapsed) + " samples/s"
        }
        if batch < batches, batch > 0 {
            line += "  ETA " + duration(elapsed / Double(batch) * Double(batches - batch))
        }
        if let loss { line += String(format: "  loss %.4f", loss) }
        return line
    }

    /// `1234`, `12.3`, `1.23`: three significant digits or the integer part.
    static func rate(_ perSecond: Double) -> String {
        perSecond >= 100 ? String(format: "%.0f", perSecond) : perSecond >= 10 ? String(format: "%.1f", perSecond)
            : String(format: "%.2f", perSecond)
    }

    /// `0.42s`, `7s`, `1:05`, `1:02:03`: Keras's ETA format, with hundredths below one second.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 1 { return String(format: "%.2fs", seconds) }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%d:%02d", s / 60, s % 60) }
        return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
    }
}
