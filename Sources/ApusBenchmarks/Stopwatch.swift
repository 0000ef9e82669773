import Apus
import Foundation

/// Wall-clock timing on a monotonic clock (`ContinuousClock`), for benchmarks.
///
/// Every measurement runs the body a few times untimed first (warm-up: caches, page faults,
/// lazily started threads), then times each further run separately; ``TimingSamples`` gives the
/// best and the median run. The best run is the usual figure on a machine shared with other
/// work, since interference only ever makes a run slower.
public enum Stopwatch {
    /// Seconds `body` takes to run once: wall-clock time, or with `APUS_BENCH_CLOCK=cpu` the CPU
    /// time the process used (all its threads together). On a machine busy with other work, CPU
    /// time compares single-threaded runs (`APUS_NUM_THREADS=1`) that wall-clock time cannot.
    public static func time(_ body: () throws -> Void) rethrows -> Double {
        if usesProcessTime {
            let start = processSeconds()
            try body()
            return processSeconds() - start
        }
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return seconds(clock.now - start)
    }

    /// Whether `APUS_BENCH_CLOCK=cpu` asks for CPU time instead of wall-clock time.
    public static let usesProcessTime = ProcessInfo.processInfo.environment["APUS_BENCH_CLOCK"] == "cpu"

    private static func processSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + 1e-9 * Double(t.tv_nsec)
    }

    /// Runs `body` `warmup` times untimed, then `repetitions` times timed.
    public static func measure(warmup: Int = 1, repetitions: Int, _ body: () -> Void) -> TimingSamples {
        require(warmup >= 0, "Stopwatch.measure: warmup must be non-negative, got \(warmup)")
        require(repetitions >= 1, "Stopwatch.measure: repetitions must be at least 1, got \(repetitions)")
        for _ in 0..<warmup { body() }
        return TimingSamples((0..<repetitions).map { _ in time(body) })
    }

    /// Runs `body` `warmup` times (at least once) untimed, then as many timed repetitions as fit
    /// in about `targetSeconds`, judged from the last warm-up run and kept within
    /// `minRepetitions...maxRepetitions`.
    public static func measure(warmup: Int = 1, targetSeconds: Double, minRepetitions: Int = 3,
                               maxRepetitions: Int = 1_000, _ body: () -> Void) -> TimingSamples {
        require(minRepetitions >= 1 && maxRepetitions >= minRepetitions,
                     "Stopwatch.measure: need 1 <= minRepetitions <= maxRepetitions, got \(minRepetitions)...\(maxRepetitions)")
        var last = 0.0
        for _ in 0..<Swift.max(warmup, 1) { last = time(body) }
        let fit = last > 0 ? Int((targetSeconds / last).rounded(.down)) : maxRepetitions
        return measure(warmup: 0, repetitions: Swift.min(Swift.max(fit, minRepetitions), maxRepetitions), body)
    }

    private static func seconds(_ d: Duration) -> Double {
        let (s, attoseconds) = d.components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}

/// The times of the timed runs of one measurement, in seconds.
public struct TimingSamples: Sendable, Equatable {
    /// Seconds per run, in the order they ran.
    public let seconds: [Double]

    public init(_ seconds: [Double]) {
        require(!seconds.isEmpty, "TimingSamples: need at least one run")
        self.seconds = seconds
    }

    /// The fastest run.
    public var best: Double { seconds.min()! }

    /// The median run (the mean of the middle two for an even count).
    public var median: Double {
        let s = seconds.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

/// Keeps a value alive and opaque to the optimiser, so the work that produced it is not removed.
@inline(never)
public func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }
