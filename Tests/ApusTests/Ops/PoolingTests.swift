import Foundation
import Testing
@testable import Apus

/// Cases written by Scripts/make_pooling_fixture.py: PyTorch's outputs and input gradients in
/// float64 and float32 for the inputs and upstream gradients stored beside them.
private enum PoolingFixture {
    struct Case: Decodable {
        let xShape: [Int], yShape: [Int]
        let x: [Double], g: [Double], y: [Double], dx: [Double], y32: [Double], dx32: [Double]
    }
    struct File: Decodable { let torch: String; let cases: [String: Case] }

    static let cases: [String: Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/pooling.json")
        return try! JSONDecoder().decode(File.self, from: try! Data(contentsOf: url)).cases
    }()
}

/// The Apus call for each fixture case, by the name the script gives it.
private let poolingCalls: [String: @Sendable (Tensor) -> Tensor] = [
    "maxPool2d k2": { maxPool2d($0, kernelSize: 2) },
    "maxPool2d k3 s2 p1": { maxPool2d($0, kernelSize: 3, stride: 2, padding: 1) },
    "maxPool2d k3 s2 ceil": { maxPool2d($0, kernelSize: 3, stride: 2, ceilMode: true) },
    "maxPool2d k3 s2 p1 ceil": { maxPool2d($0, kernelSize: 3, stride: 2, padding: 1, ceilMode: true) },
    "maxPool2d k(2,3) s(1,2) p1": { maxPool2d($0, kernelSize: [2, 3], stride: [1, 2], padding: [1, 1]) },
    "maxPool2d k3 p1 dilation2": { maxPool2d($0, kernelSize: 3, stride: 1, padding: 1, dilation: 2) },
    "maxPool2d unbatched k2 s1": { MaxPool2d(2, stride: 1)($0) },
    "maxPool2d ties k3 s2 p1": { MaxPool2d(3, stride: 2, padding: 1)($0) },
    "maxPool1d k3 s2 p1 ceil": { MaxPool1d(3, stride: 2, padding: 1, ceilMode: true)($0) },
    "avgPool2d k2": { AvgPool2d(2)($0) },
    "avgPool2d k3 s2 p1": { avgPool2d($0, kernelSize: 3, stride: 2, padding: 1) },
    "avgPool2d k3 s2 p1 exclude pad": { avgPool2d($0, kernelSize: 3, stride: 2, padding: 1, countIncludePad: false) },
    "avgPool2d k3 s2 p1 ceil": { avgPool2d($0, kernelSize: 3, stride: 2, padding: 1, ceilMode: true) },
    "avgPool2d k3 s2 p1 ceil exclude pad": { AvgPool2d(3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)($0) },
    "avgPool2d k3 s2 ceil no pad": { avgPool2d($0, kernelSize: 3, stride: 2, ceilMode: true) },
    "avgPool2d k3 s2 p1 divisor 5": { avgPool2d($0, kernelSize: 3, stride: 2, padding: 1, divisorOverride: 5) },
    "avgPool2d k(2,3) s(2,1) p(1,0)": { AvgPool2d([2, 3], stride: [2, 1], padding: [1, 0])($0) },
    "avgPool1d k4 s3 p2 ceil exclude pad": { AvgPool1d(4, stride: 3, padding: 2, ceilMode: true, countIncludePad: false)($0) },
    "adaptiveAvgPool2d (3,4)": { AdaptiveAvgPool2d([3, 4])($0) },
    "adaptiveAvgPool2d 1": { adaptiveAvgPool2d($0, outputSize: 1) },
    "adaptiveAvgPool2d 5 from 3": { adaptiveAvgPool2d($0, outputSize: 5) },
    "adaptiveMaxPool2d (3,4)": { AdaptiveMaxPool2d([3, 4])($0) },
    "globalAvgPool2d": { GlobalAvgPool2d()($0) },
    "upsample nearest size (8,11)": { upsample($0, size: [8, 11]) },
    "upsample nearest scale 2": { Upsample(scaleFactor: 2)($0) },
    "upsample nearest scale 1.5": { upsample($0, scaleFactor: 1.5, mode: .nearest) },
    "upsample nearest size (3,4)": { Upsample(size: [3, 4])($0) },
    "upsample bilinear size (8,11)": { upsample($0, size: [8, 11], mode: .bilinear) },
    "upsample bilinear size (8,11) align": { upsample($0, size: [8, 11], mode: .bilinear, alignCorners: true) },
    "upsample bilinear scale (1.5,2.5)": { Upsample(scaleFactor: [1.5, 2.5], mode: .bilinear)($0) },
    "upsample bilinear scale 2 align": { Upsample(scaleFactor: 2, mode: .bilinear, alignCorners: true)($0) },
    "upsample bilinear size (3,4)": { upsample($0, size: [3, 4], mode: .bilinear) },
    "upsample bilinear size (1,4) align": { upsample($0, size: [1, 4], mode: .bilinear, alignCorners: true) },
    "localResponseNorm size 5": { localResponseNorm($0, size: 5, alpha: 0.5, beta: 0.75, k: 2) },
    "localResponseNorm size 4 rank 3": { LocalResponseNorm(size: 4, alpha: 0.3, beta: 0.5, k: 1)($0) },
    "localResponseNorm size 3 rank 5 defaults": { LocalResponseNorm(size: 3)($0 * 30) / 30 },
]

/// Largest |a − b| over all elements, relative to max(1, |b|).
private func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1) / Swift.max(1, Swift.abs($1.1))) }
}

@Suite struct PoolingTests {
    // MARK: Against PyTorch

    @Test func everyFixtureCaseHasACall() {
        #expect(Set(PoolingFixture.cases.keys) == Set(poolingCalls.keys))
    }

    /// Output and input gradient of each case match PyTorch's: within 1e-10 in float64 and 1e-5
    /// (relative to max(1, |value|)) in float32.
    @Test(arguments: poolingCalls.keys.sorted())
    func matchesPyTorch(_ name: String) throws {
        let c = try #require(PoolingFixture.cases[name])
        let call = try #require(poolingCalls[name])
        for (dtype, tolerance, y, dx) in [(DType.float64, 1e-10, c.y, c.dx), (.float32, 1e-5, c.y32, c.dx32)] {
            let x = Tensor(shape: c.xShape, values: c.x, dtype: dtype).requiringGrad()
            let out = call(x)
            #expect(out.shape == c.yShape, "\(name) \(dtype) shape")
            #expect(out.dtype == dtype)
            out.backward(Tensor(shape: c.yShape, values: c.g, dtype: dtype))
            #expect(maxDifference(out.toDoubles(), y) < tolerance, "\(name) \(dtype) output")
            #expect(maxDifference(x.grad?.toDoubles() ?? [], dx) < tolerance, "\(name) \(dtype) gradient")
        }
    }

    // MARK: Output sizes

    /// `⌊(in + 2p − d(k − 1) − 1)/s⌋ + 1`, or with ceil mode `⌈…⌉` unless the last window would
    /// start in the right padding (checked by hand and against torch.nn.functional.max_pool2d).
    @Test(arguments: [
        // (input, kernel, stride, padding, dilation, ceil, expected)
        (28, 2, 2, 0, 1, false, 14), (27, 2, 2, 0, 1, false, 13), (27, 2, 2, 0, 1, true, 14),
        (112, 3, 2, 1, 1, false, 56), (5, 3, 2, 1, 1, true, 3), (6, 3, 2, 1, 1, true, 4),
        (7, 3, 2, 0, 1, true, 3), (8, 3, 2, 1, 1, true, 5), (9, 3, 1, 1, 2, false, 7),
        (4, 4, 1, 0, 1, false, 1), (10, 3, 3, 1, 1, true, 4), (2, 2, 2, 1, 1, true, 2),
    ])
    func outputSize(_ input: Int, _ kernel: Int, _ stride: Int, _ padding: Int, _ dilation: Int, _ ceil: Bool, _ expected: Int) {
        let x = Tensor.zeros([1, 1, input, input], dtype: .float64)
        let y = maxPool2d(x, kernelSize: IntPair(kernel), stride: IntPair(stride), padding: IntPair(padding), dilation: IntPair(dilation),
                          ceilMode: ceil)
        #expect(y.shape == [1, 1, expected, expected])
        let z = avgPool2d(x, kernelSize: IntPair(kernel), stride: IntPair(stride), padding: IntPair(padding), ceilMode: ceil)
        #expect(z.shape[3] == PoolAxis.outputSize(input: input, kernel: kernel, stride: stride, padding: padding, dilation: 1, ceilMode: ceil))
    }

    @Test func shapesOfEveryOp() {
        let x = Tensor.zeros([2, 3, 12, 10])
        #expect(MaxPool2d(2)(x).shape == [2, 3, 6, 5])
        #expect(MaxPool2d([3, 2], stride: [1, 2])(x).shape == [2, 3, 10, 5])
        #expect(AvgPool2d(3, stride: 2, padding: 1)(x).shape == [2, 3, 6, 5])
        #expect(AdaptiveAvgPool2d([5, 7])(x).shape == [2, 3, 5, 7])
        #expect(AdaptiveMaxPool2d(1)(x).shape == [2, 3, 1, 1])
        #expect(GlobalAvgPool2d()(x).shape == [2, 3])
        #expect(Upsample(scaleFactor: 2)(x).shape == [2, 3, 24, 20])
        #expect(Upsample(scaleFactor: [0.5, 1.5], mode: .bilinear)(x).shape == [2, 3, 6, 15])
        #expect(Upsample(size: 7, mode: .bilinear, alignCorners: true)(x).shape == [2, 3, 7, 7])
        #expect(LocalResponseNorm(size: 2)(x).shape == x.shape)
        #expect(MaxPool1d(3, stride: 2)(Tensor.zeros([4, 9])).shape == [4, 4])
        #expect(AvgPool1d(2)(Tensor.zeros([2, 4, 9])).shape == [2, 4, 4])
        #expect(MaxPool2d(2)(Tensor.zeros([0, 3, 4, 4])).shape == [0, 3, 2, 2], "an empty batch is allowed, as in PyTorch")
        #expect(MaxPool2d(2).namedParameters().isEmpty)
    }

    // MARK: Hand-derived values

    /// 2×2/2 max pooling of a 4×4 ramp; the gradient lands on each window's bottom-right corner.
    @Test func maxPoolOfARamp() {
        let x = Tensor(shape: [1, 1, 4, 4], values: (0..<16).map(Double.init)).requiringGrad()
        let y = maxPool2d(x, kernelSize: 2)
        #expect(y.toDoubles() == [5, 7, 13, 15])
        y.sum().backward()
        #expect(x.grad!.toDoubles() == [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1])
    }

    /// Ties go to the first maximum in row-major window order (as PyTorch), also in the 2×2 fast path.
    @Test func maxPoolTiesGoToTheFirstMaximum() {
        for (k, s) in [(2, 2), (3, 1)] {
            let x = Tensor.ones([1, 1, 3, 4], dtype: .float64).requiringGrad()
            let y = maxPool2d(x, kernelSize: IntPair(k), stride: IntPair(s))
            y.sum().backward()
            let expected: [Double] = k == 2 ? [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0] : [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
            #expect(x.grad!.toDoubles() == expected, "kernel \(k), stride \(s)")
        }
    }

    /// float32's 2×2 tiles run four outputs at a time (rows of 5 and 7 end with an overlapping
    /// group): the same maxima and argmax as float64's scalar loop, with many ties and some NaNs.
    @Test func maxPoolVectorTilesMatchTheScalarLoop() {
        let g = RandomGenerator(seed: 3)
        for shape in [[2, 3, 6, 14], [1, 2, 4, 10], [1, 1, 2, 17]] {
            let count = shape.reduce(1, *)
            let values = g.uniforms(count).enumerated().map { i, u in i % 37 == 5 ? .nan : (u * 4).rounded(.down) }
            let results = [DType.float32, .float64].map { dtype in
                let x = Tensor(shape: shape, values: values, dtype: dtype).requiringGrad()
                let y = maxPool2d(x, kernelSize: 2)
                (y * Tensor.linspace(1, Double(y.count), count: y.count, dtype: dtype).reshape(y.shape)).sum().backward()  // 1, 2, 3, …: which output each tap fed
                return (y.toDoubles(), x.grad!.toDoubles())
            }
            #expect(results[0].0.map { $0.isNaN ? -1 : $0 } == results[1].0.map { $0.isNaN ? -1 : $0 }, "\(shape)")
            #expect(results[0].1 == results[1].1, "\(shape)")
        }
    }

    /// NaN propagates through max pooling, in the general path and in the 2×2 fast path.
    @Test func maxPoolPropagatesNaN() {
        let x = Tensor(shape: [1, 1, 2, 4], values: [1, .nan, 3, 4, 5, 6, 7, .nan])
        let tiles = maxPool2d(x, kernelSize: 2).toDoubles()
        #expect(tiles.count == 2 && tiles[0].isNaN && tiles[1].isNaN)
        let y = maxPool2d(x, kernelSize: 2, stride: 1).toDoubles()
        #expect(y[0].isNaN && y[1].isNaN && y[2].isNaN)
    }

    /// Gradients with NaN and −∞ follow PyTorch's rule (a tap replaces the running maximum when
    /// larger or NaN): the last NaN of a window; with all taps −∞, the first tap inside the input.
    /// Expected values checked with torch.nn.functional.max_pool2d.
    @Test func maxPoolGradientWithNaNAndMinusInfinity() {
        let nan = Double.nan
        for (values, shape, k, s, p, expected) in [
            ([nan, 1, nan, 2], [1, 1, 2, 2], 2, 2, 0, [0.0, 0, 1, 0]),          // 2×2 fast path
            ([nan, 1, nan, 2, 0, 0], [1, 1, 2, 3], 2, 1, 0, [1, 0, 1, 0, 0, 0]), // general path
            ([-Double.infinity, -.infinity, -.infinity, -.infinity], [1, 1, 2, 2], 2, 1, 1, [4, 2, 2, 1]),
        ] as [([Double], [Int], Int, Int, Int, [Double])] {
            let x = Tensor(shape: shape, values: values, dtype: .float64).requiringGrad()
            maxPool2d(x, kernelSize: IntPair(k), stride: IntPair(s), padding: IntPair(p)).sum().backward()
            #expect(x.grad!.toDoubles() == expected, "\(values)")
        }
    }

    /// −∞ padding: a window over only padding and −∞ inputs returns −∞, never the padding.
    @Test func maxPoolPadsWithMinusInfinity() {
        let x = Tensor(shape: [1, 1, 2, 2], values: [-5, -6, -7, -8])
        #expect(maxPool2d(x, kernelSize: 2, stride: 1, padding: 1).toDoubles() == [-5, -5, -6, -5, -5, -6, -7, -7, -8])
    }

    /// avg pooling with padding 1 on a 2×2 of ones: corners see one input of a 3×3 window (1/9
    /// with count_include_pad, 1 without); the ceil-mode window past the padding is clipped.
    @Test func avgPoolDivisors() {
        let x = Tensor.ones([1, 1, 2, 2], dtype: .float64)
        #expect(Approx.equal(avgPool2d(x, kernelSize: 3, stride: 2, padding: 1), [4.0 / 9]))
        #expect(Approx.equal(avgPool2d(x, kernelSize: 3, stride: 2, padding: 1, countIncludePad: false), [1]))
        #expect(Approx.equal(avgPool2d(x, kernelSize: 3, stride: 2, padding: 1, divisorOverride: 2), [2]))
        // 1-d, L = 5, k = 2, s = 2, ceil: windows [0,2), [2,4), [4,6) → the last is clipped to 1 value.
        let row = Tensor([[1.0, 2, 3, 4, 5]], dtype: .float64)
        #expect(Approx.equal(avgPool1d(row, kernelSize: 2, ceilMode: true), [1.5, 3.5, 5]))
    }

    /// Adaptive windows [⌊iH/out⌋, ⌈(i+1)H/out⌉) overlap when H is not a multiple of out.
    @Test func adaptiveWindows() {
        let axis = PoolAxis.adaptive(input: 5, output: 3)
        #expect(axis.start == [0, 1, 3] && axis.count == [2, 3, 2])
        let x = Tensor(shape: [1, 1, 1, 5], values: [1, 2, 3, 4, 5], dtype: .float64)
        #expect(Approx.equal(adaptiveAvgPool2d(x, outputSize: [1, 3]), [1.5, 3, 4.5]))
        #expect(adaptiveMaxPool2d(x, outputSize: [1, 3]).toDoubles() == [2, 4, 5])
    }

    @Test func globalAverageEqualsAdaptiveToOneThenFlatten() {
        let x = Tensor.randn([3, 4, 5, 6], generator: RandomGenerator(seed: 1))
        let a = globalAvgPool2d(x), b = Flatten()(adaptiveAvgPool2d(x, outputSize: 1))
        #expect(Approx.equal(a, b.toDoubles(), absolute: 1e-6))
        #expect(Approx.equal(a, x.mean(axes: [2, 3]).toDoubles(), absolute: 1e-6))
    }

    /// Nearest ×2 repeats each pixel; its gradient sums each 2×2 block. Bilinear to the same size is the identity.
    @Test func upsampleByHand() {
        let x = Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4], dtype: .float64).requiringGrad()
        let y = upsample(x, scaleFactor: 2)
        #expect(y.toDoubles() == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        (y * Tensor(shape: [1, 1, 4, 4], values: (0..<16).map(Double.init), dtype: .float64)).sum().backward()
        let blockSums: [Double] = [0 + 1 + 4 + 5, 2 + 3 + 6 + 7, 8 + 9 + 12 + 13, 10 + 11 + 14 + 15]
        #expect(x.grad!.toDoubles() == blockSums)
        #expect(upsample(x, size: 2, mode: .bilinear).toDoubles() == [1, 2, 3, 4])
        // align corners, 2 → 3: the middle is the average of the corners.
        #expect(Approx.equal(upsample(x, size: [2, 3], mode: .bilinear, alignCorners: true), [1, 1.5, 2, 3, 3.5, 4]))
    }

    /// Local response norm of one spatial position over 3 channels, size 3: b_c = a_c / (k + α/3·Σ a²)^β.
    @Test func localResponseNormByHand() {
        let x = Tensor(shape: [1, 3, 1], values: [1, 2, 3], dtype: .float64)
        let y = localResponseNorm(x, size: 3, alpha: 0.3, beta: 0.5, k: 2)
        let sums: [Double] = [1 + 4, 1 + 4 + 9, 4 + 9]
        let expected = zip([1.0, 2, 3], sums).map { $0 / (2 + 0.3 / 3 * $1).squareRoot() }
        #expect(Approx.equal(y, expected, absolute: 1e-12))
    }

    @Test func nonContiguousInputsGiveTheSameResult() {
        let base = Tensor.randn([2, 3, 6, 8], dtype: .float64, generator: RandomGenerator(seed: 2))
        let view = base.permute([0, 1, 3, 2])  // [2, 3, 8, 6], not contiguous
        #expect(!view.isContiguous)
        for f: (Tensor) -> Tensor in [{ maxPool2d($0, kernelSize: 3, stride: 2, padding: 1) }, { avgPool2d($0, kernelSize: 2) },
                                     { upsample($0, scaleFactor: 1.5, mode: .bilinear) }, { globalAvgPool2d($0) }] {
            #expect(f(view) == f(view.contiguous()))
        }
    }

    /// Splitting planes over threads does not change results: a large batch equals its pieces.
    @Test func largeBatchesMatchTheirPieces() {
        let x = Tensor.randn([64, 6, 28, 28], generator: RandomGenerator(seed: 3)).requiringGrad()
        let y = maxPool2d(x, kernelSize: 2)
        let g = Tensor.randn(y.shape, generator: RandomGenerator(seed: 4))
        y.backward(g)
        let piece = x.detached().slice(axis: 0, start: 10, end: 11).requiringGrad()
        let yp = maxPool2d(piece, kernelSize: 2)
        yp.backward(g.slice(axis: 0, start: 10, end: 11))
        #expect(yp == y.detached().slice(axis: 0, start: 10, end: 11).contiguous())
        #expect(piece.grad! == x.grad!.slice(axis: 0, start: 10, end: 11).contiguous())
    }
}
