import Apus

/// The workloads `apus bench` runs, in order, and how to run a selection of them.
///
/// GEMM names give the problem as `M×K×N` of `C[M×N] = A[M×K]·B[K×N]`; `AtB` and `ABt` mark a
/// transposed operand. The three `gemm-mlp-*` shapes are those of the first layer of the
/// benchmark MLP with batch 128: forward `X·W`, weight gradient `Xᵀ·G`, input gradient `G·Wᵀ`.
///
/// The thread count is whatever the library uses: `APUS_NUM_THREADS` (read once, at the first
/// parallel kernel), else the number of cores, so set it in the environment:
/// `APUS_NUM_THREADS=2 apus bench`.
public enum BenchmarkSuite {
    /// Every workload. The MLP comes first, so that its peak-RSS figure is not inflated by the
    /// large GEMM operands.
    public static var workloads: [BenchmarkWorkload] {
        [MLPTrainingBenchmark.workload]
            + [256, 512, 1024, 2048, 3072, 4096].map { GemmBenchmark.workload(name: "gemm-\($0)", m: $0, k: $0, n: $0) }
            + [GemmBenchmark.workload(name: "gemm-mlp-fwd-128x784x256", m: 128, k: 784, n: 256),
               GemmBenchmark.workload(name: "gemm-mlp-AtB-784x128x256", m: 784, k: 128, n: 256, layout: .transposedA),
               GemmBenchmark.workload(name: "gemm-mlp-ABt-128x256x784", m: 128, k: 256, n: 784, layout: .transposedB)]
            + ElementwiseBenchmark.workloads
            + SortBenchmark.workloads
            + ConvBenchmark.workloads
            + ResNetConvBenchmark.workloads
            + PoolingBenchmark.workloads
            + SpatialBenchmark.workloads
            + BatchNormBenchmark.workloads
            + ShapeBenchmark.workloads
            + GroupNormBenchmark.workloads
            + EinsumBenchmark.workloads
            + [AutogradOverheadBenchmark.workload]
            + LinalgBenchmark.workloads
    }

    /// The workloads matching `filter` (all of them for nil; see ``BenchmarkWorkload/matches(_:)``).
    public static func workloads(matching filter: String?) -> [BenchmarkWorkload] {
        guard let filter else { return workloads }
        return workloads.filter { $0.matches(filter) }
    }

    /// The number of threads the library's parallel kernels use: `APUS_NUM_THREADS` if it is a
    /// positive integer, else the number of active cores.
    public static var threads: Int { kernelThreadCount }
}
