import Testing
@testable import Apus

// conv3d, convTranspose3d and convTranspose1d beyond the PyTorch fixtures (OpInfo+Conv3d.swift):
// float32's implicit GEMMs against the float64 reference path on shapes too large for fixtures,
// results independent of the thread count, the relations between the ops, half precision, and
// error messages.

/// Largest |a − b| over the largest |b|.
private func relativeError(_ a: Tensor, _ b: Tensor) -> Double {
    let (x, y) = (a.toDoubles(), b.toDoubles())
    let scale = y.map(Swift.abs).max() ?? 1
    return zip(x, y).map { Swift.abs($0 - $1) }.max()! / Swift.max(scale, 1e-30)
}

@Suite struct Convolution3dTests {
    // MARK: float32 against float64

    /// Output and the three gradients of float32 (implicit GEMM, flipped-kernel input gradient,
    /// tap-panel weight gradient, col2vol for strides) agree with float64 (vol2col reference).
    @Test(arguments: [
        // batch, channels, size, outChannels, kernel, stride, padding, dilation, groups
        (3, 8, [4, 5, 6], 4, [3, 3, 3], [1, 1, 1], [1, 1, 1], [1, 1, 1], 1),
        (2, 32, [3, 6, 7], 8, [1, 3, 3], [1, 1, 1], [0, 1, 1], [1, 1, 1], 1),
        (2, 64, [4, 5, 5], 16, [3, 3, 3], [1, 1, 1], [1, 1, 1], [1, 1, 1], 2),
        (2, 16, [6, 7, 9], 12, [3, 2, 3], [2, 2, 1], [1, 0, 1], [1, 1, 2], 1),
        (1, 3, [5, 9, 40], 6, [2, 3, 3], [1, 1, 3], [1, 1, 4], [1, 2, 1], 3),
        (4, 9, [2, 3, 3], 5, [1, 1, 1], [1, 1, 1], [0, 0, 0], [1, 1, 1], 1),
        (1, 12, [4, 4, 4], 12, [3, 3, 3], [1, 1, 1], [1, 1, 1], [1, 1, 1], 12),
    ])
    func float32MatchesFloat64(_ c: (Int, Int, [Int], Int, [Int], [Int], [Int], [Int], Int)) {
        let (batch, channels, size, outChannels, kernel, stride, padding, dilation, groups) = c
        let g = RandomGenerator(seed: 11)
        let x = Tensor.randn([batch, channels] + size, dtype: .float64, generator: g)
        let w = Tensor.randn([outChannels, channels / groups] + kernel, dtype: .float64, generator: g)
        let b = Tensor.randn([outChannels], dtype: .float64, generator: g)
        func run(_ dtype: DType) -> [Tensor] {
            let (xs, ws, bs) = (x.cast(to: dtype).requiringGrad(), w.cast(to: dtype).requiringGrad(), b.cast(to: dtype).requiringGrad())
            let y = conv3d(xs, weight: ws, bias: bs, stride: IntTriple(stride[0], stride[1], stride[2]),
                           padding: [padding[0], padding[1], padding[2]],
                           dilation: IntTriple(dilation[0], dilation[1], dilation[2]), groups: groups)
            (y * Tensor.linspace(-1, 1, count: y.count, dtype: dtype).reshape(y.shape)).sum().backward()
            return [y, xs.grad!, ws.grad!, bs.grad!]
        }
        for (k, (single, double)) in zip(run(.float32), run(.float64)).enumerated() {
            #expect(single.dtype == .float32)
            #expect(relativeError(single, double) < 2e-5, "output \(k)")
        }
    }

    @Test(arguments: [
        // batch, inChannels, size, outChannels, kernel, stride, padding, outputPadding, groups
        (2, 6, [3, 4, 5], 8, [3, 3, 3], [1, 1, 1], [1, 1, 1], [0, 0, 0], 1),
        (2, 8, [3, 3, 4], 16, [2, 3, 3], [2, 2, 2], [0, 1, 1], [1, 1, 0], 2),
        (1, 4, [2, 3, 3], 3, [3, 3, 3], [1, 2, 3], [1, 1, 1], [0, 1, 2], 1),
    ])
    func transposedFloat32MatchesFloat64(_ c: (Int, Int, [Int], Int, [Int], [Int], [Int], [Int], Int)) {
        let (batch, inChannels, size, outChannels, kernel, stride, padding, outputPadding, groups) = c
        let g = RandomGenerator(seed: 12)
        let x = Tensor.randn([batch, inChannels] + size, dtype: .float64, generator: g)
        let w = Tensor.randn([inChannels, outChannels / groups] + kernel, dtype: .float64, generator: g)
        func run(_ dtype: DType) -> [Tensor] {
            let (xs, ws) = (x.cast(to: dtype).requiringGrad(), w.cast(to: dtype).requiringGrad())
            let y = convTranspose3d(xs, weight: ws, stride: IntTriple(stride[0], stride[1], stride[2]),
                                    padding: IntTriple(padding[0], padding[1], padding[2]),
                                    outputPadding: IntTriple(outputPadding[0], outputPadding[1], outputPadding[2]), groups: groups)
            (y * Tensor.linspace(-1, 1, count: y.count, dtype: dtype).reshape(y.shape)).sum().backward()
            return [y, xs.grad!, ws.grad!]
        }
        for (k, (single, double)) in zip(run(.float32), run(.float64)).enumerated() {
            #expect(relativeError(single, double) < 2e-5, "output \(k)")
        }
    }

    // MARK: Relations between the ops

    /// A kernel one plane deep convolves each depth slice with conv2d.
    @Test func depthOneKernelIsConv2dPerSlice() {
        let g = RandomGenerator(seed: 13)
        let x = Tensor.randn([2, 3, 4, 7, 6], generator: g)
        let w = Tensor.randn([5, 3, 1, 3, 3], generator: g)
        let b = Tensor.randn([5], generator: g)
        let y = conv3d(x, weight: w, bias: b, stride: [1, 2, 1], padding: [0, 1, 1])
        #expect(y.shape == [2, 5, 4, 4, 6])
        for d in 0..<4 {
            let slice = conv2d(x[.all, .all, d], weight: w[.all, .all, 0], bias: b, stride: [2, 1], padding: 1)
            #expect(relativeError(y[.all, .all, d], slice) < 1e-6)
        }
    }

    /// convTranspose3d is the adjoint of conv3d: ⟨conv3d(x, W), y⟩ = ⟨x, convTranspose3d(y, W)⟩.
    @Test func convTransposeIsTheAdjointOfConv() {
        let g = RandomGenerator(seed: 14)
        let x = Tensor.randn([2, 4, 5, 6, 7], dtype: .float64, generator: g)
        let w = Tensor.randn([6, 2, 3, 2, 3], dtype: .float64, generator: g)
        let y = conv3d(x, weight: w, stride: [2, 1, 2], padding: [1, 0, 1], dilation: [1, 2, 1], groups: 2)
        let u = Tensor.randn(y.shape, dtype: .float64, generator: g)
        let back = convTranspose3d(u, weight: w, stride: [2, 1, 2], padding: [1, 0, 1], groups: 2, dilation: [1, 2, 1])
        #expect(back.shape == x.shape)
        let lhs = (y * u).sum().item(), rhs = (x * back).sum().item()
        #expect(Swift.abs(lhs - rhs) < 1e-9 * Swift.abs(lhs))
    }

    /// convTranspose1d is convTranspose3d on volumes one plane deep and one row high.
    @Test func convTranspose1dIsConvTranspose3dOnRows() {
        let g = RandomGenerator(seed: 15)
        let x = Tensor.randn([2, 4, 9], generator: g)
        let w = Tensor.randn([4, 3, 4], generator: g)
        let b = Tensor.randn([6], generator: g)
        let y = convTranspose1d(x, weight: w, bias: b, stride: 3, padding: 1, outputPadding: 2, groups: 2, dilation: 1)
        let y3 = convTranspose3d(x.reshape([2, 4, 1, 1, 9]), weight: w.reshape([4, 3, 1, 1, 4]), bias: b,
                                 stride: [1, 1, 3], padding: [0, 0, 1], outputPadding: [0, 0, 2], groups: 2)
        #expect(y.shape == [2, 6, 28])
        #expect(relativeError(y, y3.reshape(y.shape)) < 1e-6)
        // Unbatched input: the batched result's first image.
        #expect(convTranspose1d(x[0], weight: w, bias: b, stride: 3, groups: 2) == convTranspose1d(x, weight: w, bias: b, stride: 3, groups: 2)[0])
    }

    /// Padding `.same` keeps the size, with PyTorch's split of an odd total (less before).
    @Test func samePaddingKeepsTheSize() {
        let g = RandomGenerator(seed: 16)
        let x = Tensor.randn([1, 2, 5, 6, 7], generator: g)
        let w = Tensor.randn([3, 2, 2, 3, 4], generator: g)
        let y = conv3d(x, weight: w, padding: .same, dilation: [1, 2, 1])
        #expect(y.shape == [1, 3, 5, 6, 7])
        #expect(conv3d(x, weight: w, padding: .valid) == conv3d(x, weight: w))
        // Total padding per axis 1, 4, 3: (0, 1), (2, 2), (1, 2). Pad explicitly and compare.
        let padded = Tensor.zeros([1, 2, 6, 10, 10])
        var p = padded
        p[.all, .all, 0..<5, 2..<8, 1..<8] = x
        #expect(relativeError(y, conv3d(p, weight: w, dilation: [1, 2, 1])) < 1e-6)
    }

    // MARK: Threads, inference, half precision

    /// Forward and both gradients are bit-identical whatever the pool's size, on both paths.
    @Test(arguments: [DType.float32, .float64])
    func resultsDoNotDependOnTheThreadCount(dtype: DType) {
        let g = RandomGenerator(seed: 17)
        let x = Tensor.randn([5, 16, 5, 7, 6], generator: g).cast(to: dtype).contiguous()
        let w = Tensor.randn([12, 8, 3, 3, 2], generator: g).cast(to: dtype).contiguous()
        let geometries = [
            Conv3dGeometry(batch: 5, channels: 16, depth: 5, height: 7, width: 6, outChannels: 12, groups: 2,
                           kernelD: 3, kernelH: 3, kernelW: 2, strideD: 1, strideH: 1, strideW: 1, padFront: 1, padTop: 1, padLeft: 0,
                           dilationD: 1, dilationH: 1, dilationW: 1, outD: 5, outH: 7, outW: 5),
            Conv3dGeometry(batch: 5, channels: 16, depth: 5, height: 7, width: 6, outChannels: 12, groups: 2,
                           kernelD: 3, kernelH: 3, kernelW: 2, strideD: 2, strideH: 1, strideW: 2, padFront: 1, padTop: 1, padLeft: 1,
                           dilationD: 1, dilationH: 1, dilationW: 1, outD: 3, outH: 7, outW: 4),
        ]
        for geometry in geometries {
            let dy = Tensor.randn([5, 12, geometry.outD, geometry.outH, geometry.outW], generator: g).cast(to: dtype).contiguous()
            let pools = [ThreadPool(threads: 1), ThreadPool(threads: 2), ThreadPool(threads: 3), ThreadPool.shared]
            let results = pools.map { pool in
                let y = Conv3dKernels.forward(geometry, x: x, weight: w, bias: nil, pool: pool)
                let (dx, dw) = Conv3dKernels.backward(geometry, outputGrad: dy, weight: w, input: x, wantInput: true, pool: pool)
                return [y, dx!, dw!].map { $0.toDoubles() }
            }
            for r in results.dropFirst() { #expect(r == results[0]) }
        }
    }

    /// Under noGrad the packed weight is kept with the weight and reused: same values as with gradients.
    @Test func inferenceKeepsThePackedWeight() {
        let g = RandomGenerator(seed: 18)
        let conv = Conv3d(8, 16, kernelSize: 3, padding: 1, generator: g)
        let x = Tensor.randn([2, 8, 4, 5, 6], generator: g)
        let reference = conv(x).detached()
        #expect(conv.weight.value.storage.derived == nil)
        #expect(noGrad { conv(x) } == reference)
        #expect(conv.weight.value.storage.derived?.count == 1)
        #expect(noGrad { conv(x) } == reference)
    }

    /// float16 and bfloat16 compute in float32 and round once; gradients come back in the input's dtype.
    @Test(arguments: [DType.float16, .bfloat16])
    func reducedPrecisionComputesInFloat32(dtype: DType) {
        let g = RandomGenerator(seed: 19)
        let x = Tensor.randn([1, 3, 3, 4, 4], generator: g).cast(to: dtype)
        let w = Tensor.randn([2, 3, 2, 2, 2], generator: g).cast(to: dtype)
        let b = Tensor.randn([2], generator: g).cast(to: dtype)
        let (xs, ws) = (x.requiringGrad(), w.requiringGrad())
        let y = conv3d(xs, weight: ws, bias: b, padding: 1)
        #expect(y.dtype == dtype)
        let wide = conv3d(x.cast(to: .float32), weight: w.cast(to: .float32), bias: b.cast(to: .float32), padding: 1)
        #expect(y == wide.cast(to: dtype))
        y.sum().backward()
        #expect(xs.grad?.dtype == dtype && ws.grad?.dtype == dtype)
        let t = convTranspose3d(x, weight: Tensor.randn([3, 2, 2, 2, 2], generator: g).cast(to: dtype), stride: 2)
        #expect(t.dtype == dtype && t.shape == [1, 2, 6, 8, 8])
        #expect(convTranspose1d(x[0, .all, 0, 0], weight: Tensor.randn([3, 2, 3], generator: g).cast(to: dtype)).dtype == dtype)
    }

    // MARK: Errors

    @Test func channelsDoNotMatchWeight() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv3d(.zeros([1, 3, 4, 4, 4]), weight: .zeros([4, 2, 3, 3, 3]))
        }
        let message = stderrText(result)
        #expect(message.contains("conv3d: input of shape [1, 3, 4, 4, 4] and weight of shape [4, 2, 3, 3, 3] do not match"))
    }

    @Test func kernelLargerThanPaddedInput() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv3d(.zeros([2, 2, 4, 4]), weight: .zeros([1, 2, 3, 3, 3]), padding: [0, 1, 1])
        }
        let message = stderrText(result)
        #expect(message.contains("conv3d: the padded input (2 × 6 × 6) is smaller than the dilated kernel (3 × 3 × 3)"))
        #expect(message.contains("input of shape [2, 2, 4, 4]"))
    }

    @Test func groupsDoNotDivideChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv3d(.zeros([1, 4, 3, 3, 3]), weight: .zeros([6, 2, 1, 1, 1]), groups: 3)
        }
        #expect(stderrText(result).contains("conv3d: groups 3 does not divide the 4 input channels"))
    }

    @Test func samePaddingNeedsStrideOne() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv3d(.zeros([1, 1, 3, 3, 3]), weight: .zeros([1, 1, 2, 2, 2]), stride: [1, 2, 1], padding: .same)
        }
        #expect(stderrText(result).contains("conv3d: padding .same needs stride 1, got stride (1, 2, 1)"))
    }

    @Test func transposedOutputPaddingTooLarge() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = convTranspose3d(.zeros([1, 2, 2, 2, 2]), weight: .zeros([2, 2, 2, 2, 2]), stride: 2, outputPadding: [0, 2, 0])
        }
        #expect(stderrText(result).contains("convTranspose3d: outputPadding (0, 2, 0) must be smaller than the stride 2 or the dilation 1"))
    }

    @Test func transposed1dNamesItselfAndItsShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = convTranspose1d(.zeros([1, 3, 5]), weight: .zeros([4, 2, 3]))
        }
        let message = stderrText(result)
        #expect(message.contains("convTranspose1d: input of shape [1, 3, 5] and weight of shape [4, 2, 3] do not match"))
    }

    @Test func emptySpatialSizeIsRefused() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv3d(.zeros([1, 2, 0, 3, 3]), weight: .zeros([2, 2, 1, 1, 1]), padding: 1)
        }
        #expect(stderrText(result).contains("conv3d: only a zero batch or zero channels can be empty, got input of shape [1, 2, 0, 3, 3]"))
    }
}
