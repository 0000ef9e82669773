import Testing
@testable import Apus

/// The float32 convolution kernels (implicit GEMM, Winograd F(2×2, 3×3), strided input gradients
/// by phases, the 8-row tile) against the float64 path (im2col and a plain loop), over shapes
/// that reach each of them, and the same bits for any number of threads.
struct ConvKernelTests {
    /// Largest |a − b| over the largest |b|.
    static func relativeError(_ a: Tensor, _ b: Tensor) -> Double {
        let (x, y) = (a.toDoubles(), b.toDoubles())
        let scale = y.map(Swift.abs).max() ?? 1
        return zip(x, y).map { Swift.abs($0 - $1) }.max()! / Swift.max(scale, 1e-30)
    }

    /// batch, channels, size, out channels, kernel, stride, padding, dilation, groups, bias.
    typealias Case = (Int, Int, [Int], Int, [Int], [Int], [Int], [Int], Int, Bool)

    static let cases: [Case] = [
        // 3×3 stride 1 with 16+ channels and 64+ tiles: Winograd forward and input gradient
        // (odd sizes cut the last tiles; padding 0, 1, 2; groups; bias).
        (3, 16, [13, 11], 24, [3, 3], [1, 1], [1, 1], [1, 1], 1, true),
        (2, 32, [17, 16], 16, [3, 3], [1, 1], [0, 0], [1, 1], 1, false),
        (2, 32, [9, 30], 40, [3, 3], [1, 1], [2, 2], [1, 1], 2, true),
        (4, 20, [8, 8], 300, [3, 3], [1, 1], [1, 0], [1, 1], 1, false),
        // 64 output channels (8-row panels), maps of more and fewer than 128 positions.
        (3, 8, [12, 14], 64, [3, 3], [1, 1], [1, 1], [1, 1], 1, true),
        (5, 12, [5, 7], 64, [5, 3], [1, 1], [2, 1], [1, 1], 1, false),
        // Strided: input gradients by phases (3×3/2, 1×1/2, 7×7/2, 3×3/3, padding larger than
        // some phases' taps), with groups.
        (4, 16, [15, 14], 32, [3, 3], [2, 2], [1, 1], [1, 1], 1, false),
        (3, 24, [14, 13], 48, [1, 3], [2, 2], [0, 1], [1, 1], 1, false),
        (2, 8, [23, 21], 16, [7, 7], [2, 2], [3, 3], [1, 1], 1, true),
        (3, 16, [16, 17], 32, [3, 3], [3, 3], [1, 2], [1, 1], 2, false),
        (2, 16, [11, 12], 16, [2, 4], [2, 3], [0, 1], [1, 1], 1, false),
        // Dilation (col2im for strided), weight gradients from NHWC with joined and split runs.
        (3, 16, [12, 12], 24, [3, 3], [2, 1], [2, 2], [2, 2], 1, false),
        (2, 3, [30, 29], 40, [7, 7], [2, 2], [3, 3], [1, 1], 1, true),
        // 1×1 stride 1: weight gradients packed straight from x and dY (maps of 49 and 182
        // positions, more output channels than input ones, groups), and with padding (NHWC path).
        (3, 64, [7, 7], 96, [1, 1], [1, 1], [0, 0], [1, 1], 1, true),
        (2, 32, [14, 13], 48, [1, 1], [1, 1], [0, 0], [1, 1], 2, false),
        (2, 16, [6, 5], 24, [1, 1], [1, 1], [1, 1], [1, 1], 1, false),
    ]

    static func run(_ c: Case, dtype: DType, pool: ThreadPool = .shared) -> [Tensor] {
        let (batch, channels, size, outChannels, kernel, stride, padding, dilation, groups, hasBias) = c
        let g = RandomGenerator(seed: UInt64(batch * 1000 + channels * 10 + outChannels))
        let x = Tensor.randn([batch, channels] + size, dtype: .float64, generator: g).cast(to: dtype)
        let w = Tensor.randn([outChannels, channels / groups] + kernel, dtype: .float64, generator: g).cast(to: dtype)
        let b = hasBias ? Tensor.randn([outChannels], dtype: .float64, generator: g).cast(to: dtype) : nil
        let (xs, ws) = (x.requiringGrad(), w.requiringGrad())
        let bs = b?.requiringGrad()
        let y = conv2d(xs, weight: ws, bias: bs, stride: IntPair(stride[0], stride[1]), padding: [padding[0], padding[1]],
                       dilation: IntPair(dilation[0], dilation[1]), groups: groups)
        (y * Tensor.linspace(-1, 1, count: y.count, dtype: dtype).reshape(y.shape)).sum().backward()
        return [y, xs.grad!, ws.grad!] + (bs.map { [$0.grad!] } ?? [])
    }

    @Test(arguments: cases)
    func float32MatchesFloat64(_ c: Case) {
        for (single, double) in zip(Self.run(c, dtype: .float32), Self.run(c, dtype: .float64)) {
            #expect(Self.relativeError(single, double) < 2e-5, "\(c)")
        }
    }

    /// The Winograd kernels straight (whatever the CPU: portable transforms for panels other than
    /// AVX-512's) against the float64 convolution, plain and as an input gradient.
    @Test(arguments: [(2, 16, 9, 11, 1, 1), (3, 20, 8, 8, 0, 2), (1, 24, 13, 6, 2, 0)])
    func winogradMatchesDirectConvolution(_ c: (Int, Int, Int, Int, Int, Int)) {
        let (batch, channels, height, width, padTop, padLeft) = c
        let outChannels = 19
        let geometry = ConvGeometry(batch: batch, channels: channels, height: height, width: width,
                                    outChannels: outChannels, groups: 1, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
                                    padTop: padTop, padLeft: padLeft, dilationH: 1, dilationW: 1,
                                    outH: height + 2 * padTop - 2, outW: width + 2 * padLeft - 2)
        let g = RandomGenerator(seed: 21)
        let x = Tensor.randn([batch, channels, height, width], dtype: .float64, generator: g)
        let w = Tensor.randn([outChannels, channels, 3, 3], dtype: .float64, generator: g)
        let b = Tensor.randn([outChannels], dtype: .float64, generator: g)
        let expected = ConvKernels.forward(geometry, x: x, weight: w, bias: b)
        let (x32, w32, b32) = (x.cast(to: .float32).contiguous(), w.cast(to: .float32).contiguous(), b.cast(to: .float32).contiguous())
        var y = Tensor(uninitialized: expected.shape, dtype: .float32)
        ConvWinograd.forward(geometry, x: x32.storage.pointer(Float.self), weights: .plain(w32.storage.pointer(Float.self)),
                             bias: b32.storage.pointer(Float.self), y: y.storage.pointer(Float.self), pool: .shared)
        y.node = nil
        #expect(Self.relativeError(y, expected) < 1e-5)
        // The flipped kernel: the input gradient of the convolution (padding 2 − p).
        let dy = Tensor.randn(expected.shape, dtype: .float64, generator: g)
        let dx = ConvKernels.backward(geometry, outputGrad: dy, weight: w, input: nil, wantInput: true).input!
        let flipped = ConvGeometry(batch: batch, channels: outChannels, height: geometry.outH, width: geometry.outW,
                                   outChannels: channels, groups: 1, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
                                   padTop: 2 - padTop, padLeft: 2 - padLeft, dilationH: 1, dilationW: 1, outH: height, outW: width)
        let dy32 = dy.cast(to: .float32).contiguous()
        var dx32 = Tensor(uninitialized: dx.shape, dtype: .float32)
        ConvWinograd.forward(flipped, x: dy32.storage.pointer(Float.self),
                             weights: .flipped(w32.storage.pointer(Float.self), originalGroupOut: outChannels),
                             bias: nil, y: dx32.storage.pointer(Float.self), pool: .shared)
        dx32.node = nil
        #expect(Self.relativeError(dx32, dx) < 1e-5)
    }

    /// Forward and both gradients are bit-identical for pools of 1, 2 and 3 threads on every path.
    @Test(arguments: [0, 2, 3, 5, 6, 7, 13, 14])
    func resultsDoNotDependOnTheThreadCount(_ index: Int) {
        let c = Self.cases[index]
        let (batch, channels, size, outChannels, kernel, stride, padding, dilation, groups, _) = c
        let g = RandomGenerator(seed: 5)
        let geometry = ConvGeometry(
            batch: batch, channels: channels, height: size[0], width: size[1], outChannels: outChannels, groups: groups,
            kernelH: kernel[0], kernelW: kernel[1], strideH: stride[0], strideW: stride[1], padTop: padding[0], padLeft: padding[1],
            dilationH: dilation[0], dilationW: dilation[1],
            outH: convOutputSize(size[0], kernel: kernel[0], stride: stride[0], padding: padding[0], dilation: dilation[0]),
            outW: convOutputSize(size[1], kernel: kernel[1], stride: stride[1], padding: padding[1], dilation: dilation[1]))
        let x = Tensor.randn([batch, channels] + size, generator: g).contiguous()
        let w = Tensor.randn([outChannels, channels / groups] + kernel, generator: g).contiguous()
        let dy = Tensor.randn([batch, outChannels, geometry.outH, geometry.outW], generator: g).contiguous()
        let results = [ThreadPool(threads: 1), ThreadPool(threads: 2), ThreadPool(threads: 3)].map { pool in
            let y = ConvKernels.forward(geometry, x: x, weight: w, bias: nil, pool: pool)
            let (dx, dw) = ConvKernels.backward(geometry, outputGrad: dy, weight: w, input: x, wantInput: true, pool: pool)
            return [y, dx!, dw!].map { $0.toDoubles() }
        }
        for r in results.dropFirst() { #expect(r == results[0]) }
    }

    /// The forward's split of the output tiles: every element in exactly one part, row ranges on
    /// panel boundaries, and parts within one tile of each other (784 columns, 25 panels, 2 threads:
    /// 12.5 column panels each, the middle one shared by rows).
    @Test(arguments: [(512, 784, 2, 12), (256, 784, 3, 8), (64, 3136, 2, 8), (30, 200, 4, 12), (300, 40, 2, 12)])
    func tileSplitIsEvenAndCoversTheOutput(_ rows: Int, _ cols: Int, _ threads: Int, _ mr: Int) {
        let parts = ConvGemm.splitTiles(rows: rows, cols: cols, threads: threads, panelRows: mr)
        #expect(parts.count == threads)
        var covered = [Int](repeating: 0, count: rows * cols)
        var tiles: [Int] = []
        for part in parts {
            var count = 0
            for (r, c) in part {
                #expect(r.lowerBound % mr == 0 && c.lowerBound % ConvGemm.nr == 0)
                for i in r { for j in c { covered[i * cols + j] += 1 } }
                count += (r.count + mr - 1) / mr * ((c.count + ConvGemm.nr - 1) / ConvGemm.nr)
            }
            tiles.append(count)
        }
        #expect(covered.allSatisfy { $0 == 1 })
        #expect(tiles.max()! - tiles.min()! <= 1)
    }

    /// The strided input gradient's phases: which kernel taps reach which input positions.
    @Test func phasesOfAStridedAxis() {
        // 3×3, stride 2, padding 1: even positions see the middle tap, odd ones taps 0 and 2.
        let p = ConvGemm.phases(n: 56, k: 3, s: 2, p: 1)!
        #expect(p.map(\.taps) == [1, 2] && p.map(\.first) == [1, 0] && p.map(\.pad) == [0, 0] && p.map(\.size) == [28, 28])
        // 1×1, stride 2: odd positions get no gradient.
        #expect(ConvGemm.phases(n: 7, k: 1, s: 2, p: 0)!.map(\.taps) == [1, 0])
        // Padding beyond what a phase's taps reach would need negative padding.
        #expect(ConvGemm.phases(n: 10, k: 2, s: 2, p: 3) == nil)
    }
}
