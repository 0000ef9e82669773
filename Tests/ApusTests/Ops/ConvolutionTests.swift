import Foundation
import Testing
@testable import Apus

// conv1d, conv2d and convTranspose2d against PyTorch: Tests/ApusTests/Fixtures/conv.json, written
// by Scripts/make_conv_fixture.py (float64 inputs, outputs, and gradients of sum(y · grad_out)).
// Each case runs in float64 (within 1e-10 relative to the largest value) and float32 (1e-4).

private struct FixtureTensor: Decodable, Sendable {
    let shape: [Int]
    let data: [Double]
    func tensor(_ dtype: DType) -> Tensor { Tensor(shape: shape, values: data, dtype: .float64).cast(to: dtype) }
}

/// A hyper-parameter: an integer, a pair, or "same".
private enum FixtureValue: Decodable, Sendable {
    case int(Int), pair([Int]), word(String)
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { self = .int(i) } else if let p = try? c.decode([Int].self) { self = .pair(p) } else {
            self = .word(try c.decode(String.self))
        }
    }
    var pair: IntPair {
        switch self {
        case .int(let i): IntPair(i)
        case .pair(let p): IntPair(p[0], p[1])
        case .word: fatalError("not a number")
        }
    }
    var int: Int { pair.height }
    var padding: ConvPadding {
        if case .word(let w) = self { return w == "same" ? .same : .valid }
        return .explicit(pair)
    }
}

struct ConvReferenceCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    fileprivate let op: String
    fileprivate let params: [String: FixtureValue]
    fileprivate let x, weight, grad_out, y, dx, dw: FixtureTensor
    fileprivate let bias, db: FixtureTensor?
    var testDescription: String { name }
}

private struct ConvFixture: Decodable { let cases: [ConvReferenceCase] }

private let convCases: [ConvReferenceCase] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/conv.json")
    guard let data = try? Data(contentsOf: url), let fixture = try? JSONDecoder().decode(ConvFixture.self, from: data) else {
        return []
    }
    return fixture.cases
}()

/// Largest |a − b| over the largest |b|.
private func relativeError(_ a: Tensor, _ b: Tensor) -> Double {
    let (x, y) = (a.toDoubles(), b.toDoubles())
    let scale = y.map(Swift.abs).max() ?? 1
    return zip(x, y).map { Swift.abs($0 - $1) }.max()! / Swift.max(scale, 1e-30)
}

@Suite struct ConvolutionTests {
    @Test func fixtureIsPresent() {
        #expect(convCases.count == 12, "Tests/ApusTests/Fixtures/conv.json missing or changed")
    }

    @Test(arguments: convCases, [DType.float64, .float32])
    func matchesPyTorch(_ c: ConvReferenceCase, dtype: DType) {
        let tolerance = dtype == .float64 ? 1e-10 : 1e-4
        let x = c.x.tensor(dtype).requiringGrad(), w = c.weight.tensor(dtype).requiringGrad()
        let b = c.bias?.tensor(dtype).requiringGrad()
        let p = c.params
        let y: Tensor
        switch c.op {
        case "conv2d":
            y = conv2d(x, weight: w, bias: b, stride: p["stride"]?.pair ?? 1, padding: p["padding"]?.padding ?? 0,
                       dilation: p["dilation"]?.pair ?? 1, groups: p["groups"]?.int ?? 1)
        case "conv1d":
            y = conv1d(x, weight: w, bias: b, stride: p["stride"]?.int ?? 1, padding: p["padding"]?.padding ?? 0,
                       dilation: p["dilation"]?.int ?? 1, groups: p["groups"]?.int ?? 1)
        default:
            y = convTranspose2d(x, weight: w, bias: b, stride: p["stride"]?.pair ?? 1, padding: p["padding"]?.pair ?? 0,
                                outputPadding: p["output_padding"]?.pair ?? 0, groups: p["groups"]?.int ?? 1,
                                dilation: p["dilation"]?.pair ?? 1)
        }
        #expect(y.dtype == dtype)
        #expect(y.shape == c.y.shape)
        #expect(relativeError(y, c.y.tensor(.float64)) < tolerance)
        (y * c.grad_out.tensor(dtype)).sum().backward()
        #expect(relativeError(x.grad!, c.dx.tensor(.float64)) < tolerance)
        #expect(relativeError(w.grad!, c.dw.tensor(.float64)) < tolerance)
        if let b, let db = c.db { #expect(relativeError(b.grad!, db.tensor(.float64)) < tolerance) }
    }

    // MARK: Output size

    @Test func outputSizeFormula() {
        // ⌊(N + 2p − F)/s⌋ + 1 from the course: 32×32 input, 5×5 filter, stride 1 → 28; 7, 3, s 2 → 3.
        #expect(convOutputSize(32, kernel: 5) == 28)
        #expect(convOutputSize(7, kernel: 3, stride: 2) == 3)
        #expect(convOutputSize(28, kernel: 5, padding: 2) == 28)
        #expect(convOutputSize(56, kernel: 3, padding: 1) == 56)
        #expect(convOutputSize(224, kernel: 11, stride: 4, padding: 2) == 55)  // AlexNet conv1
        #expect(convOutputSize(8, kernel: 3, stride: 3) == 2)  // ⌊5/3⌋ + 1: the last column is dropped
        // Dilation 2 makes a 3-tap kernel span 5: ⌊(10 − 4 − 1)/1⌋ + 1 = 6.
        #expect(convOutputSize(10, kernel: 3, dilation: 2) == 6)
    }

    @Test func outputShapes() {
        let x = Tensor.zeros([2, 3, 10, 9])
        #expect(conv2d(x, weight: .zeros([4, 3, 3, 3])).shape == [2, 4, 8, 7])
        #expect(conv2d(x, weight: .zeros([4, 3, 3, 3]), stride: [2, 3], padding: [1, 0]).shape == [2, 4, 5, 3])
        #expect(conv2d(x, weight: .zeros([4, 3, 4, 2]), padding: .same).shape == [2, 4, 10, 9])
        #expect(conv2d(x, weight: .zeros([4, 3, 3, 3]), padding: .same, dilation: 3).shape == [2, 4, 10, 9])
        #expect(conv2d(x, weight: .zeros([4, 3, 3, 3]), padding: .valid).shape == [2, 4, 8, 7])
        #expect(conv2d(x, weight: .zeros([6, 1, 3, 3]), groups: 3).shape == [2, 6, 8, 7])
        #expect(conv1d(.zeros([2, 3, 10]), weight: .zeros([5, 3, 4]), stride: 2).shape == [2, 5, 4])
        #expect(conv1d(.zeros([2, 3, 10]), weight: .zeros([5, 3, 4]), padding: .same).shape == [2, 5, 10])
        // (n − 1)·s − 2p + d·(k − 1) + outputPadding + 1: 4·2 − 2 + 2 + 1 + 1 = 10.
        #expect(convTranspose2d(.zeros([1, 3, 5, 5]), weight: .zeros([3, 2, 3, 3]), stride: 2, padding: 1,
                                outputPadding: 1).shape == [1, 2, 10, 10])
    }

    /// A hand-computed 3×3 input with a 2×2 kernel of ones: each output sums a 2×2 window.
    @Test func handComputedWindowSums() {
        let x = Tensor(shape: [1, 1, 3, 3], values: (1...9).map(Double.init))
        let y = conv2d(x, weight: .ones([1, 1, 2, 2]), bias: Tensor([0.5]))
        #expect(y.toDoubles() == [12.5, 16.5, 24.5, 28.5])
        // Padding 1, stride 2: the windows see x[0,0] = 1; x[0,1] + x[0,2] = 5; x[1,0] + x[2,0] = 11; 5 + 6 + 8 + 9 = 28.
        let z = conv2d(x, weight: .ones([1, 1, 2, 2]), stride: 2, padding: 1)
        #expect(z.toDoubles() == [1, 5, 11, 28])
    }

    @Test func convTransposeIsTheAdjointOfConv() {
        // ⟨conv(x), y⟩ = ⟨x, convTranspose(y)⟩ for the same weight and hyper-parameters.
        let g = RandomGenerator(seed: 3)
        let x = Tensor.randn([2, 4, 9, 8], dtype: .float64, generator: g)
        let w = Tensor.randn([6, 2, 3, 2], dtype: .float64, generator: g)
        let y = conv2d(x, weight: w, stride: 2, padding: 1, dilation: [1, 2], groups: 2)
        let r = Tensor.randn(y.shape, dtype: .float64, generator: g)
        let back = convTranspose2d(r, weight: w, stride: 2, padding: 1, outputPadding: [0, 1], groups: 2, dilation: [1, 2])
        #expect(back.shape == x.shape)
        #expect(Swift.abs((y * r).sum().item() - (x * back).sum().item()) < 1e-9)
    }

    @Test func nonContiguousInputsGiveTheSameResult() {
        let g = RandomGenerator(seed: 4)
        let base = Tensor.randn([2, 5, 6, 3], generator: g)
        let x = base.permute([0, 3, 1, 2])  // [2, 3, 5, 6], not contiguous
        let w = Tensor.randn([4, 3, 3, 3], generator: g)
        #expect(!x.isContiguous)
        #expect(conv2d(x, weight: w, padding: 1) == conv2d(x.contiguous(), weight: w, padding: 1))
    }

    @Test func integerInputsArePromotedToFloat32() {
        let x = Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4], dtype: .int64)
        let y = conv2d(x, weight: Tensor.ones([1, 1, 2, 2]))
        #expect(y.dtype == .float32)
        #expect(y.toDoubles() == [10])
    }

    /// A batch of 20 small images is unfolded several images side by side per GEMM (8 chunks of
    /// 2–3 images); image by image (batch 1) nothing is grouped. Both give the same outputs and
    /// gradients (the weight gradient summed over the images).
    @Test func groupedImagesMatchImageByImage() {
        let g = RandomGenerator(seed: 6)
        let x = Tensor.randn([20, 4, 6, 5], dtype: .float64, generator: g).requiringGrad()
        let w = Tensor.randn([6, 2, 3, 2], dtype: .float64, generator: g).requiringGrad()
        let b = Tensor.randn([6], dtype: .float64, generator: g).requiringGrad()
        let conv = { (x: Tensor, w: Tensor, b: Tensor) in
            conv2d(x, weight: w, bias: b, stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2)
        }
        let y = conv(x, w, b)
        let up = Tensor.randn(y.shape, dtype: .float64, generator: g)
        (y * up).sum().backward()
        var dwSum = Tensor.zeros(w.shape, dtype: .float64)
        for n in 0..<20 {
            let xn = x.detached().slice(axis: 0, start: n, end: n + 1).requiringGrad()
            let wn = w.detached().requiringGrad(), bn = b.detached().requiringGrad()
            let yn = conv(xn, wn, bn)
            #expect(relativeError(yn, y.detached().slice(axis: 0, start: n, end: n + 1)) < 1e-13)
            (yn * up.slice(axis: 0, start: n, end: n + 1)).sum().backward()
            #expect(relativeError(xn.grad!, x.grad!.slice(axis: 0, start: n, end: n + 1)) < 1e-13)
            dwSum = dwSum + wn.grad!
        }
        #expect(relativeError(dwSum, w.grad!) < 1e-12)
    }

    /// float32 (packed GEMM, dot products for small weight gradients) and float64 (plain loop)
    /// agree on geometries that cross the GEMM's blocks: depth past 256 taps, more than 4096
    /// positions, images side by side, strides, dilation, padding, groups.
    @Test(arguments: [
        // batch, channels, size, outChannels, kernel, stride, padding, dilation, groups
        (7, 3, [9, 11], 5, [3, 2], [1, 2], [1, 0], [2, 1], 1),
        (2, 32, [10, 10], 8, [3, 3], [1, 1], [1, 1], [1, 1], 1),
        (1, 2, [68, 67], 4, [3, 3], [1, 1], [0, 1], [1, 1], 2),
        (20, 6, [14, 14], 16, [5, 5], [1, 1], [0, 0], [1, 1], 1),
        (5, 4, [7, 8], 6, [3, 3], [2, 3], [2, 1], [1, 2], 2),
        // Weights larger than an image's im2col matrix: all images in one chunk, parallel GEMMs.
        (6, 64, [4, 4], 32, [3, 3], [1, 1], [1, 1], [1, 1], 1),
        (5, 16, [5, 5], 24, [3, 3], [2, 2], [1, 1], [1, 1], 2),
    ])
    func float32MatchesFloat64(_ c: (Int, Int, [Int], Int, [Int], [Int], [Int], [Int], Int)) {
        let (batch, channels, size, outChannels, kernel, stride, padding, dilation, groups) = c
        let g = RandomGenerator(seed: 8)
        let x = Tensor.randn([batch, channels] + size, dtype: .float64, generator: g)
        let w = Tensor.randn([outChannels, channels / groups] + kernel, dtype: .float64, generator: g)
        func run(_ dtype: DType) -> [Tensor] {
            let (xs, ws) = (x.cast(to: dtype).requiringGrad(), w.cast(to: dtype).requiringGrad())
            let y = conv2d(xs, weight: ws, stride: IntPair(stride[0], stride[1]), padding: [padding[0], padding[1]],
                           dilation: IntPair(dilation[0], dilation[1]), groups: groups)
            (y * Tensor.linspace(-1, 1, count: y.count, dtype: dtype).reshape(y.shape)).sum().backward()
            return [y, xs.grad!, ws.grad!]
        }
        for (single, double) in zip(run(.float32), run(.float64)) {
            #expect(relativeError(single, double) < 1e-5)
        }
    }

    // MARK: Threads

    /// Forward and both gradients are bit-identical whatever the pool's size: work is split by images
    /// into chunks fixed by the batch size, and weight-gradient partials are summed in chunk order.
    @Test(arguments: [DType.float32, .float64])
    func resultsDoNotDependOnTheThreadCount(dtype: DType) {
        let g = RandomGenerator(seed: 5)
        // 19 images: 8 chunks of 2–3 images, each chunk's images unfolded side by side.
        let x = Tensor.randn([19, 6, 11, 10], generator: g).cast(to: dtype).contiguous()
        let w = Tensor.randn([8, 3, 3, 3], generator: g).cast(to: dtype).contiguous()
        let geometry = ConvGeometry(batch: 19, channels: 6, height: 11, width: 10, outChannels: 8, groups: 2,
                                    kernelH: 3, kernelW: 3, strideH: 1, strideW: 2, padTop: 1, padLeft: 1,
                                    dilationH: 1, dilationW: 1, outH: 11, outW: 5)
        let dy = Tensor.randn([19, 8, 11, 5], generator: g).cast(to: dtype).contiguous()
        let pools = [ThreadPool(threads: 1), ThreadPool(threads: 2), ThreadPool(threads: 3), ThreadPool.shared]
        let results = pools.map { pool in
            let y = ConvKernels.forward(geometry, x: x, weight: w, bias: nil, pool: pool)
            let (dx, dw) = ConvKernels.backward(geometry, outputGrad: dy, weight: w, input: x, wantInput: true, pool: pool)
            return [y, dx!, dw!].map { $0.toDoubles() }
        }
        for r in results.dropFirst() { #expect(r == results[0]) }
    }
}
