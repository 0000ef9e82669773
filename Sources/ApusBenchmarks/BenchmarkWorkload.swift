import Apus

/// How long a benchmark run may take.
public enum BenchmarkScale: String, Sendable, CaseIterable {
    /// Enough repetitions for stable figures (a few minutes in all).
    case full
    /// Few repetitions and a shortened MLP epoch: a smoke test for CI, figures are rough.
    case quick
}

/// A named piece of work that measures itself and reports one or more figures.
///
/// The standard set is ``BenchmarkSuite/workloads``; `apus bench` runs it.
public struct BenchmarkWorkload: Sendable {
    /// Name used to select the workload (`apus bench --only NAME` matches substrings of
    /// ``name`` and of the ``reports``).
    public let name: String
    /// Names of the results it produces, in order (usually just ``name``).
    public let reports: [String]
    /// One line saying what is measured.
    public let summary: String
    private let body: @Sendable (BenchmarkScale) -> [BenchmarkResult]

    public init(name: String, reports: [String]? = nil, summary: String,
                body: @escaping @Sendable (BenchmarkScale) -> [BenchmarkResult]) {
        self.name = name
        self.reports = reports ?? [name]
        self.summary = summary
        self.body = body
    }

    /// Whether `filter` is a substring of the name or of one of the reported names.
    public func matches(_ filter: String) -> Bool {
        ([name] + reports).contains { $0.contains(filter) }
    }

    /// Runs the workload and returns its figures.
    public func run(_ scale: BenchmarkScale) -> [BenchmarkResult] { body(scale) }
}
