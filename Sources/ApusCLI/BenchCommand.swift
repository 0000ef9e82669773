import Apus
import ApusBenchmarks
import ApusVision
import ArgumentParser
import Foundation

/// `apus bench`: runs the benchmark workloads of ``BenchmarkSuite`` and prints one table row
/// per figure as soon as it is measured.
///
/// The thread count is not a flag: the library reads `APUS_NUM_THREADS` once, so set it in the
/// environment (`APUS_NUM_THREADS=2 apus bench`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure GEMM, MLP training, elementwise, convolution, pooling, zoo training, image loading and autograd-overhead workloads.",
        discussion: """
            Prints a table (workload, figure, unit); every figure is the best of several timed runs \
            after warm-up. Threads: set APUS_NUM_THREADS in the environment, e.g. \
            'APUS_NUM_THREADS=2 apus bench' (default: the number of cores).
            """
    )

    @Flag(help: "End the output with one JSON object: workload name → {\"value\": x, \"unit\": \"…\"}.")
    var json = false

    @Flag(help: "Few repetitions and a shortened MLP epoch (a smoke test; figures are rough).")
    var quick = false

    @Option(help: "Run only the workloads whose name contains this text (e.g. gemm, mlp, gemm-1024).")
    var only: String?

    @Flag(help: "List the workloads and exit.")
    var list = false

    @Flag(help: ArgumentHelp("Data-parallel figures instead, under 'mpirun -np N' (MPI trait): training samples/s of the "
                             + "digits MLP and LeNet-5, and all-reduce bandwidth against plain MPI_Allreduce."))
    var distributed = false

    func run() throws {
        if distributed { return try DistributedBench.run(quick: quick, json: json) }
        // The engine's workloads, then the zoo's training and inference workloads (ApusVision).
        let all = BenchmarkSuite.workloads + ZooBenchmark.workloads + InferenceBenchmark.workloads + [ImagePipelineBenchmark.workload]
        let workloads = only.map { filter in all.filter { $0.matches(filter) } } ?? all
        if let only, workloads.isEmpty {
            let known = all.flatMap(\.reports).joined(separator: ", ")
            throw ApusError.invalidArgument("--only '\(only)' matches no workload (known: \(known))")
        }
        if list {
            let width = workloads.map(\.name.count).max().map { $0 + 2 } ?? 0
            for w in workloads { print(pad(w.name, width) + w.summary) }
            return
        }
        let scale: BenchmarkScale = quick ? .quick : .full
        print("# apus bench (\(scale.rawValue)), \(BenchmarkSuite.threads) threads"
              + " (APUS_NUM_THREADS=\(ProcessInfo.processInfo.environment["APUS_NUM_THREADS"] ?? "unset"))")
        print(pad("workload", 26) + pad("figure", 12, right: true) + "  unit")
        fflush(nil)
        var results: [BenchmarkResult] = []
        for workload in workloads {
            for r in workload.run(scale) {
                results.append(r)
                print(pad(r.name, 26) + pad(format(r.value), 12, right: true) + "  " + r.unit)
                fflush(nil)  // show progress promptly when piped
            }
        }
        if json { print(BenchmarkResult.json(results)) }
    }

    private func format(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        let magnitude = Swift.abs(v)
        return String(format: magnitude >= 100 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.4f", v)
    }

    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: Swift.max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
