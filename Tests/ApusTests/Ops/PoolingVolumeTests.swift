import Testing
@testable import Apus

// 3-d pooling against a direct loop on inputs larger than the fixtures' (rows long enough for the
// vector paths of the 2-d slices), returned indices and max unpooling, the layers' defaults
// (PyTorch's), and the messages of refused calls. The PyTorch comparisons are the op table's
// (Scripts/opinfo/pool.py).

/// PyTorch's loop for 3-d max pooling of a `[planes, D, H, W]` block: each window scanned in
/// (d, h, w) order, a tap taking over when larger or NaN, the index starting at the first tap
/// inside the input.
private func directMaxPool3d(_ x: [Double], planes: Int, size: [Int], kernel: [Int], stride: [Int], padding: [Int],
                             dilation: [Int], ceilMode: Bool) -> (values: [Double], indices: [Int], outSize: [Int]) {
    let out = (0..<3).map {
        PoolAxis.outputSize(input: size[$0], kernel: kernel[$0], stride: stride[$0], padding: padding[$0], dilation: dilation[$0],
                            ceilMode: ceilMode)
    }
    var values = [Double](), indices = [Int]()
    /// The taps of window `o` along axis `a` that lie inside the input.
    func taps(_ a: Int, _ o: Int) -> [Int] {
        (0..<kernel[a]).map { o * stride[a] - padding[a] + $0 * dilation[a] }.filter { $0 >= 0 && $0 < size[a] }
    }
    let planeSize = size[0] * size[1] * size[2]
    for plane in 0..<planes {
        for od in 0..<out[0] {
            for oh in 0..<out[1] {
                for ow in 0..<out[2] {
                    let (ds, hs, ws) = (taps(0, od), taps(1, oh), taps(2, ow))
                    var best = -Double.infinity, index = (ds[0] * size[1] + hs[0]) * size[2] + ws[0]
                    for d in ds {
                        for h in hs {
                            for w in ws {
                                let i = (d * size[1] + h) * size[2] + w, v = x[plane * planeSize + i]
                                if v > best || v.isNaN { (best, index) = (v, i) }
                            }
                        }
                    }
                    values.append(best)
                    indices.append(index)
                }
            }
        }
    }
    return (values, indices, out)
}

/// PyTorch's loop for 3-d average pooling: window sums over the taps inside the input, divided
/// by the window's size with padding (clipped at the padding's end) or the number of taps.
private func directAvgPool3d(_ x: [Double], planes: Int, size: [Int], kernel: [Int], stride: [Int], padding: [Int],
                             ceilMode: Bool, countIncludePad: Bool) -> [Double] {
    let out = (0..<3).map {
        PoolAxis.outputSize(input: size[$0], kernel: kernel[$0], stride: stride[$0], padding: padding[$0], dilation: 1, ceilMode: ceilMode)
    }
    var values = [Double]()
    let planeSize = size[0] * size[1] * size[2]
    for plane in 0..<planes {
        for od in 0..<out[0] {
            for oh in 0..<out[1] {
                for ow in 0..<out[2] {
                    let o = [od, oh, ow]
                    let start = (0..<3).map { o[$0] * stride[$0] - padding[$0] }
                    let end = (0..<3).map { Swift.min(start[$0] + kernel[$0], size[$0] + padding[$0]) }
                    let poolSize = (0..<3).reduce(1) { $0 * (end[$1] - start[$1]) }
                    let lo = start.map { Swift.max($0, 0) }, hi = (0..<3).map { Swift.min(end[$0], size[$0]) }
                    var sum = 0.0
                    for d in lo[0]..<hi[0] {
                        for h in lo[1]..<hi[1] {
                            for w in lo[2]..<hi[2] { sum += x[plane * planeSize + (d * size[1] + h) * size[2] + w] }
                        }
                    }
                    let count = (0..<3).reduce(1) { $0 * (hi[$1] - lo[$1]) }
                    values.append(sum / Double(countIncludePad ? poolSize : count))
                }
            }
        }
    }
    return values
}

/// Largest |a − b| relative to max(1, |b|).
private func worstDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1) / Swift.max(1, Swift.abs($1.1))) }
}

@Suite struct PoolingVolumeTests {
    // (size, kernel, stride, padding, dilation, ceilMode): a video stem (3×3×3, stride 2), rows
    // long enough for the 8-wide vector loops, per-axis windows with dilation, ceil mode.
    static let geometries: [([Int], [Int], [Int], [Int], [Int], Bool)] = [
        ([5, 12, 40], [3, 3, 3], [2, 2, 2], [1, 1, 1], [1, 1, 1], false),
        ([6, 9, 37], [2, 2, 2], [2, 2, 2], [0, 0, 0], [1, 1, 1], false),
        ([4, 7, 33], [1, 3, 3], [1, 1, 1], [0, 1, 1], [1, 1, 1], false),
        ([7, 8, 30], [3, 2, 3], [2, 1, 2], [1, 1, 0], [2, 1, 2], true),
        ([5, 7, 7], [3, 3, 3], [1, 2, 2], [1, 1, 1], [1, 1, 1], true),
    ]

    @Test(arguments: 0..<5)
    func maxPool3dMatchesTheDirectLoop(_ index: Int) {
        let (size, kernel, stride, padding, dilation, ceil) = Self.geometries[index]
        for dtype in [DType.float32, .float64] {
            // Ties on purpose (values on a coarse grid), and one NaN.
            var values = (0..<(6 * size.reduce(1, *))).map { Double(($0 * 7919) % 23) - 11 }
            values[17] = .nan
            let x = Tensor(shape: [2, 3] + size, values: values).cast(to: dtype).requiringGrad()
            let (y, indices) = maxPool3dWithIndices(x, kernelSize: triple(kernel), stride: triple(stride), padding: triple(padding),
                                                    dilation: triple(dilation), ceilMode: ceil)
            let want = directMaxPool3d(values, planes: 6, size: size, kernel: kernel, stride: stride, padding: padding,
                                       dilation: dilation, ceilMode: ceil)
            #expect(y.shape == [2, 3] + want.outSize)
            let got = y.toDoubles()
            #expect(got.count == want.values.count)
            #expect(zip(got, want.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "values, \(dtype)")
            #expect(indices.toArray(as: Int64.self).map(Int.init) == want.indices, "indices, \(dtype)")
            // The gradient is the upstream gradient added at each output's index.
            let up = (0..<got.count).map { Double($0 % 5) + 1 }
            (y * Tensor(shape: y.shape, values: up).cast(to: dtype)).sum().backward()
            var expected = [Double](repeating: 0, count: values.count)
            let planeOut = want.values.count / 6, planeIn = values.count / 6
            for o in 0..<want.values.count { expected[(o / planeOut) * planeIn + want.indices[o]] += up[o] }
            #expect(x.grad?.toDoubles() == expected, "gradient, \(dtype)")
        }
    }

    @Test(arguments: 0..<5)
    func avgPool3dMatchesTheDirectLoop(_ index: Int) {
        let (size, kernel, stride, padding, _, ceil) = Self.geometries[index]
        let g = RandomGenerator(seed: UInt64(index))
        let x = Tensor.randn([2, 3] + size, dtype: .float64, generator: g)
        for countIncludePad in [true, false] {
            let want = directAvgPool3d(x.toDoubles(), planes: 6, size: size, kernel: kernel, stride: stride, padding: padding,
                                       ceilMode: ceil, countIncludePad: countIncludePad)
            for dtype in [DType.float32, .float64] {
                let y = avgPool3d(x.cast(to: dtype), kernelSize: triple(kernel), stride: triple(stride), padding: triple(padding),
                                  ceilMode: ceil, countIncludePad: countIncludePad)
                #expect(worstDifference(y.toDoubles(), want) < (dtype == .float32 ? 1e-5 : 1e-12), "\(dtype) countIncludePad \(countIncludePad)")
            }
        }
    }

    @Test func withIndicesAgreesWithThePlainOps() {
        let g = RandomGenerator(seed: 3)
        let x1 = Tensor.randn([2, 3, 17], generator: g), x2 = Tensor.randn([2, 3, 9, 11], generator: g)
        let x3 = Tensor.randn([2, 3, 5, 9, 11], generator: g)
        #expect(maxPool1dWithIndices(x1, kernelSize: 3, stride: 2, padding: 1).values.toDoubles()
            == maxPool1d(x1, kernelSize: 3, stride: 2, padding: 1).toDoubles())
        #expect(maxPool2dWithIndices(x2, kernelSize: 3, stride: 2, ceilMode: true).values.toDoubles()
            == maxPool2d(x2, kernelSize: 3, stride: 2, ceilMode: true).toDoubles())
        #expect(maxPool3dWithIndices(x3, kernelSize: [1, 3, 3], dilation: [1, 2, 1]).values.toDoubles()
            == maxPool3d(x3, kernelSize: [1, 3, 3], dilation: [1, 2, 1]).toDoubles())
        #expect(adaptiveMaxPool3dWithIndices(x3, outputSize: [2, 4, 3]).values.toDoubles()
            == adaptiveMaxPool3d(x3, outputSize: [2, 4, 3]).toDoubles())
        // A 3-d pool of depth 1 is the 2-d pool.
        let flat = x2.unsqueezed(axis: 2)
        #expect(maxPool3d(flat, kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1]).squeezed(axis: 2).toDoubles()
            == maxPool2d(x2, kernelSize: 3, stride: 2, padding: 1).toDoubles())
        #expect(worstDifference(avgPool3d(flat, kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1]).squeezed(axis: 2).toDoubles(),
                                avgPool2d(x2, kernelSize: 3, stride: 2, padding: 1).toDoubles()) < 1e-6)
    }

    @Test func unpoolingPutsEachMaximumBack() {
        let g = RandomGenerator(seed: 11)
        // Positive values: zeros elsewhere never beat a window's maximum.
        let x = Tensor.rand([2, 3, 4, 6, 8], generator: g) + 0.5
        let (y, indices) = MaxPool3d(2, returnIndices: true)(withIndices: x)
        let z = MaxUnpool3d(2)(y, indices: indices)
        #expect(z.shape == x.shape)
        #expect(z.toDoubles().filter { $0 != 0 }.count == y.count)
        #expect(maxPool3d(z, kernelSize: 2).toDoubles() == y.toDoubles())
        // Each kept value sits where it was in x.
        #expect(zip(z.toDoubles(), x.toDoubles()).allSatisfy { $0 == 0 || $0 == $1 })

        let x2 = Tensor.rand([3, 5, 7], generator: g) + 0.5
        let (y2, i2) = MaxPool2d(2, returnIndices: true)(withIndices: x2)
        let z2 = MaxUnpool2d(2)(y2, indices: i2, outputSize: [5, 7])
        #expect(z2.shape == [3, 5, 7])
        #expect(maxPool2d(z2, kernelSize: 2).toDoubles() == y2.toDoubles())
        let (y1, i1) = MaxPool1d(3, stride: 2, returnIndices: true)(withIndices: x2)
        #expect(MaxUnpool1d(3, stride: 2)(y1, indices: i1).shape == [3, 5, 7])
    }

    @Test func layerDefaultsFollowPyTorch() {
        let m = MaxPool3d(3)
        #expect(m.stride == 3 && m.padding == 0 && m.dilation == 1 && !m.returnIndices && !m.ceilMode)
        let a = AvgPool3d([1, 2, 2])
        #expect(a.stride == [1, 2, 2] && a.padding == 0 && !a.ceilMode && a.countIncludePad && a.divisorOverride == nil)
        let lp = LPPool2d(normType: 2, kernelSize: 3)
        #expect(lp.stride == 3 && !lp.ceilMode)
        #expect(LPPool1d(normType: 1, kernelSize: 4).stride == 4 && LPPool3d(normType: 3, kernelSize: [1, 2, 2]).stride == [1, 2, 2])
        #expect(MaxUnpool2d(2).stride == 2 && MaxUnpool2d(2).padding == 0 && MaxUnpool3d([1, 2, 2]).stride == [1, 2, 2])
        #expect(!MaxPool2d(2).returnIndices && !MaxPool1d(2).returnIndices && !AdaptiveMaxPool2d(2).returnIndices)
        #expect(!AdaptiveMaxPool1d(2).returnIndices && !AdaptiveMaxPool3d(2).returnIndices)
        let layers: [Module] = [MaxPool3d(2), AvgPool3d(2), AdaptiveAvgPool3d(2), AdaptiveMaxPool3d(2), AdaptiveAvgPool1d(2),
                                AdaptiveMaxPool1d(2), MaxUnpool1d(2), MaxUnpool2d(2), MaxUnpool3d(2), LPPool1d(normType: 2, kernelSize: 2),
                                LPPool2d(normType: 2, kernelSize: 2), LPPool3d(normType: 2, kernelSize: 2)]
        #expect(layers.allSatisfy { $0.namedParameters().isEmpty && $0.stateDict().isEmpty })
    }

    @Test func layersComputeTheirOps() {
        let g = RandomGenerator(seed: 5)
        let video = Tensor.randn([2, 3, 8, 10, 12], generator: g)
        let net = Sequential(MaxPool3d(3, stride: 2, padding: 1), AvgPool3d([1, 2, 2]), AdaptiveAvgPool3d([2, 1, 1]))
        #expect(net(video).shape == [2, 3, 2, 1, 1])
        #expect(MaxPool3d([1, 2, 2], ceilMode: true)(video).shape == [2, 3, 8, 5, 6])
        #expect(AdaptiveMaxPool3d([3, 4, 5])(video).toDoubles() == adaptiveMaxPool3d(video, outputSize: [3, 4, 5]).toDoubles())
        #expect(AdaptiveMaxPool3d(2, returnIndices: true)(withIndices: video).indices.dtype == .int64)
        let signal = Tensor.randn([4, 2, 15], generator: g)
        #expect(AdaptiveAvgPool1d(4)(signal).toDoubles() == adaptiveAvgPool1d(signal, outputSize: 4).toDoubles())
        #expect(AdaptiveMaxPool1d(4)(signal).shape == [4, 2, 4])
        #expect(AdaptiveMaxPool2d(3, returnIndices: true)(withIndices: video[0]).values.shape == [3, 8, 3, 3])
        #expect(LPPool1d(normType: 2, kernelSize: 3, stride: 2)(signal).shape == [4, 2, 7])
        #expect(LPPool2d(normType: .infinity, kernelSize: 2)(video[0]).toDoubles()
            == maxPool2d(abs(video[0]), kernelSize: 2).toDoubles())
        #expect(LPPool3d(normType: 1, kernelSize: 2)(abs(video)).shape == [2, 3, 4, 5, 6])
        // LP pooling with p = 1 of non-negative inputs is sum pooling.
        let sums = avgPool3d(abs(video), kernelSize: 2) * 8
        #expect(worstDifference(lpPool3d(abs(video), normType: 1, kernelSize: 2).toDoubles(), sums.toDoubles()) < 1e-5)
    }

    // MARK: Refusals

    @Test func maxPool3dNamesTheExpectedShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = MaxPool3d(2)(Tensor.zeros([4, 4, 4]))
        }
        #expect(stderrText(result).contains("maxPool3d: expected an input [N, C, D, H, W] or [C, D, H, W], got shape [4, 4, 4]"))
    }

    @Test func avgPool3dPaddingOverHalfTheKernel() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = avgPool3d(Tensor.zeros([1, 2, 6, 6, 6]), kernelSize: [3, 2, 2], padding: [1, 1, 2])
        }
        #expect(stderrText(result).contains("avgPool3d: padding 1×1×2 must be at most half the kernel size 3×2×2"))
    }

    @Test func unpoolingRefusesAnIndexOutsideTheOutput() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor.zeros([1, 1, 2, 2])
            _ = maxUnpool2d(x, indices: Tensor(scalars: [Int64(0), 1, 2, 16], shape: [1, 1, 2, 2]), kernelSize: 2)
        }
        #expect(stderrText(result).contains("maxUnpool2d: found an invalid max index 16 (output planes are 4×4)"))
    }

    @Test func unpoolingRefusesAnOutputSizeOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor.zeros([1, 1, 3])
            _ = maxUnpool1d(x, indices: Tensor(scalars: [Int64(0), 2, 4], shape: [1, 1, 3]), kernelSize: 2, outputSize: [8])
        }
        #expect(stderrText(result).contains("maxUnpool1d: outputSize 8 is invalid: entry 0 must lie strictly between 4 and 8"))
    }

    @Test func unpoolingLayerNeedsTheIndices() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = MaxUnpool2d(2)(Tensor.zeros([1, 1, 2, 2]))
        }
        #expect(stderrText(result).contains("MaxUnpool2d: call it with the pooling's indices"))
    }

    @Test func adaptiveOutputSizeMustNotBeNegative() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = adaptiveAvgPool2d(Tensor.zeros([1, 2, 3, 3]), outputSize: [-1, 2])
        }
        #expect(stderrText(result).contains("adaptiveAvgPool2d: output size must be non-negative, got -1×2 for input shape [1, 2, 3, 3]"))
    }

    @Test func lpPoolingNeedsANonZeroPower() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = lpPool2d(Tensor.zeros([1, 2, 4, 4]), normType: 0, kernelSize: 2)
        }
        #expect(stderrText(result).contains("lpPool2d: normType must be a non-zero number, got 0.0"))
    }
}

/// `[k]` or `[d, h, w]` as an `IntTriple`.
private func triple(_ v: [Int]) -> IntTriple { v.count == 1 ? IntTriple(v[0]) : IntTriple(v[0], v[1], v[2]) }
