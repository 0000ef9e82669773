import Testing
@testable import Apus

// Padding, interpolation and grid sampling beyond the op table's comparisons with PyTorch
// (OpInfo+Spatial.swift): the layers, the uses segmentation and detection make of the ops, a warp
// by a known affine transform, results independent of how the work is split, and error messages.

@Suite struct SpatialTests {
    private func randn(_ shape: [Int], seed: UInt64 = 1, dtype: DType = .float64) -> Tensor {
        Tensor.randn(shape, dtype: dtype, generator: RandomGenerator(seed: seed))
    }

    // MARK: Padding

    @Test func paddingLayersCallPad() {
        let x = randn([2, 3, 4, 5])
        #expect(ZeroPad2d(1)(x) == pad(x, [1, 1, 1, 1]))
        #expect(ZeroPad2d([1, 0, 2, 3])(x) == pad(x, [1, 0, 2, 3]))
        #expect(ConstantPad1d(2, value: 0.5)(x) == pad(x, [2, 2], mode: .constant(0.5)))
        #expect(ConstantPad3d([0, 1, 1, 0, 2, 0], value: -1)(x) == pad(x, [0, 1, 1, 0, 2, 0], mode: .constant(-1)))
        #expect(ReflectionPad2d([3, 1, 2, 0])(x) == pad(x, [3, 1, 2, 0], mode: .reflect))
        #expect(ReplicationPad1d(4)(x[0]) == pad(x[0], [4, 4], mode: .replicate))
        #expect(CircularPad3d(1)(x) == pad(x, [1, 1, 1, 1, 1, 1], mode: .circular))
        let layer = ReflectionPad3d([1, 2, 0, 1, 1, 0])
        #expect(layer.padding == [1, 2, 0, 1, 1, 0] && layer.mode == .reflect)
        #expect(layer.parameters().isEmpty && layer.stateDict().isEmpty)
        #expect(ConstantPad2d(1, value: 2.5).value == 2.5)
    }

    /// Padding to a multiple of 32 (as segmentation models do) and cropping back with negative
    /// amounts restores the input; the gradient of the round trip is the upstream gradient.
    @Test func padToAMultipleOf32AndCropBack() {
        let x = randn([2, 3, 45, 70]).requiringGrad()
        let (h, w) = (x.shape[2], x.shape[3])
        let (ph, pw) = ((32 - h % 32) % 32, (32 - w % 32) % 32)
        let padded = pad(x, [0, pw, 0, ph])
        #expect(padded.shape == [2, 3, 64, 96])
        #expect(padded[.all, .all, 45..., .all].toDoubles().allSatisfy { $0 == 0 })
        let back = pad(padded, [0, -pw, 0, -ph])
        #expect(back == x.detached())
        let up = randn(x.shape, seed: 9)
        (back * up).sum().backward()
        #expect(x.grad! == up)
    }

    /// Reflect padding's gradient adds the gradient of every copy: with an upstream gradient of
    /// ones, each input receives the number of outputs that read it.
    @Test func reflectGradientCountsTheCopies() {
        let x = Tensor.zeros([1, 1, 4], dtype: .float64).requiringGrad()
        pad(x, [2, 3], mode: .reflect).sum().backward()
        // Output positions read inputs 2 1 | 0 1 2 3 | 2 1 0.
        #expect(x.grad!.toDoubles() == [2, 3, 3, 1])
        let y = Tensor.zeros([1, 1, 3], dtype: .float64).requiringGrad()
        pad(y, [2, 3], mode: .replicate).sum().backward()
        #expect(y.grad!.toDoubles() == [3, 1, 4])
        let z = Tensor.zeros([1, 1, 3], dtype: .float64).requiringGrad()
        pad(z, [2, 3], mode: .circular).sum().backward()
        #expect(z.grad!.toDoubles() == [2, 3, 3])
    }

    // MARK: Interpolation

    /// A given scale factor sets the step between source positions (1/s), not `in/out`, unless
    /// recomputeScaleFactor: the two differ where `in·s` is not a whole number.
    @Test func scaleFactorVersusSize() {
        let x = randn([1, 2, 5, 5])
        let bySize = interpolate(x, size: 7, mode: .bilinear)
        let byScale = interpolate(x, scaleFactor: 1.5, mode: .bilinear)
        let recomputed = interpolate(x, scaleFactor: 1.5, mode: .bilinear, recomputeScaleFactor: true)
        #expect(byScale.shape == [1, 2, 7, 7])
        #expect(recomputed == bySize)
        #expect(byScale != bySize)
        // Where in·s is whole, 1/s is in/out and the two agree.
        #expect(interpolate(x, scaleFactor: 2, mode: .bilinear) == interpolate(x, size: 10, mode: .bilinear))
    }

    /// Resizing label masks with nearest(-exact) keeps the labels; nearest-exact picks the pixel
    /// nearest to each output's centre (the middle of three when shrinking ×3), nearest the first.
    @Test func nearestResizingOfMasks() {
        let labels = Tensor(shape: [1, 1, 3, 6], values: (0..<18).map { Double($0 % 5) }, dtype: .float32)
        let up = interpolate(labels, size: [7, 13], mode: .nearestExact)
        #expect(Set(up.toDoubles()).isSubset(of: Set(labels.toDoubles())))
        let row = Tensor(shape: [1, 1, 6], values: [0, 1, 2, 3, 4, 5], dtype: .float64)
        #expect(interpolate(row, size: 2, mode: .nearestExact).toDoubles() == [1, 4])
        #expect(interpolate(row, size: 2, mode: .nearest).toDoubles() == [0, 3])
    }

    /// Area mode is adaptive average pooling.
    @Test func areaIsAdaptiveAveragePooling() {
        let x = randn([2, 3, 9, 7])
        #expect(Approx.equal(interpolate(x, size: [4, 3], mode: .area), adaptiveAvgPool2d(x, outputSize: [4, 3]).toDoubles(),
                             absolute: 1e-12))
    }

    /// Bilinear upsampling of logits ×8 (align_corners=False) keeps the mean of a constant and
    /// sends an upstream gradient of ones back as 64 per input pixel.
    @Test func bilinearUpsamplingOfLogits() {
        let x = Tensor.full([2, 3, 4, 5], value: 1.5, dtype: .float64).requiringGrad()
        let y = interpolate(x, scaleFactor: 8, mode: .bilinear, alignCorners: false)
        #expect(y.shape == [2, 3, 32, 40])
        #expect(y.toDoubles().allSatisfy { Swift.abs($0 - 1.5) < 1e-12 })
        y.sum().backward()
        #expect(x.grad!.toDoubles().allSatisfy { Swift.abs($0 - 64) < 1e-9 })
    }

    @Test func upsampleLayerInEveryMode() {
        #expect(Upsample(scaleFactor: 2, mode: .trilinear)(randn([1, 2, 2, 3, 4])).shape == [1, 2, 4, 6, 8])
        #expect(Upsample(size: 5, mode: .linear, alignCorners: true)(randn([2, 3, 4])).shape == [2, 3, 5])
        let x = randn([1, 2, 6, 8])
        #expect(Upsample(size: [3, 4], mode: .area)(x) == interpolate(x, size: [3, 4], mode: .area))
        #expect(Upsample(scaleFactor: 1.5, mode: .bicubic)(x) == interpolate(x, scaleFactor: 1.5, mode: .bicubic))
        #expect(Upsample(scaleFactor: 0.7, mode: .bilinear, recomputeScaleFactor: true)(x)
                    == interpolate(x, scaleFactor: 0.7, mode: .bilinear, recomputeScaleFactor: true))
        #expect(UpsampleMode(rawValue: "nearest-exact") == .nearestExact)
    }

    // MARK: Grid sampling

    /// A translation by one pixel (2/W in normalised coordinates) through affineGrid and
    /// gridSample shifts the image by one column; the column that enters is zeros padding.
    @Test func warpByAKnownTranslation() {
        let (h, w) = (5, 6)
        let image = Tensor(shape: [1, 1, h, w], values: (0..<(h * w)).map(Double.init), dtype: .float64)
        let theta = Tensor(shape: [1, 2, 3], values: [1, 0, 2 / Double(w), 0, 1, 0], dtype: .float64)
        let grid = affineGrid(theta: theta, size: [1, 1, h, w])
        let shifted = gridSample(image, grid: grid, mode: .bilinear)
        for i in 0..<h {
            for j in 0..<w {
                let expected = j + 1 < w ? image.value(at: [0, 0, i, j + 1]) : 0
                #expect(Swift.abs(shifted.value(at: [0, 0, i, j]) - expected) < 1e-9)
            }
        }
    }

    /// A 90° rotation with aligned corners reads pixel (n − 1 − j, i) of a square image for output
    /// (i, j) exactly, in every mode.
    @Test func warpByAQuarterTurn() {
        let n = 5
        let image = Tensor(shape: [1, 1, n, n], values: (0..<(n * n)).map(Double.init), dtype: .float64)
        // Output (x, y) samples the input at (y, −x): the image turned a quarter clockwise.
        let theta = Tensor(shape: [1, 2, 3], values: [0, 1, 0, -1, 0, 0], dtype: .float64)
        let grid = affineGrid(theta: theta, size: [1, 1, n, n], alignCorners: true)
        for mode in GridSampleMode.allCases {
            let turned = gridSample(image, grid: grid, mode: mode, alignCorners: true)
            for i in 0..<n {
                for j in 0..<n {
                    #expect(Swift.abs(turned.value(at: [0, 0, i, j]) - image.value(at: [0, 0, n - 1 - j, i])) < 1e-9,
                            "\(mode) (\(i), \(j))")
                }
            }
        }
    }

    /// The identity transform samples the input unchanged (the grid hits the pixel centres).
    @Test func identityGridReproducesTheInput() {
        let x = randn([2, 3, 7, 9], dtype: .float32)
        let theta = Tensor(shape: [2, 2, 3], values: [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0], dtype: .float32)
        let grid = affineGrid(theta: theta, size: [2, 3, 7, 9])
        #expect(Approx.equal(gridSample(x, grid: grid), x.toDoubles(), absolute: 1e-5))
        let volume = randn([1, 2, 3, 4, 5])
        let theta3 = Tensor(shape: [1, 3, 4], values: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0], dtype: .float64)
        let grid3 = affineGrid(theta: theta3, size: [1, 2, 3, 4, 5])
        #expect(Approx.equal(gridSample(volume, grid: grid3), volume.toDoubles(), absolute: 1e-12))
    }

    /// The gradient with respect to theta flows through the grid into gridSample (a spatial
    /// transformer's localisation net learns from it).
    @Test func thetaReceivesAGradient() {
        let image = randn([1, 1, 6, 6])
        let theta = Tensor(shape: [1, 2, 3], values: [0.9, 0.1, 0.05, -0.1, 0.8, 0], dtype: .float64).requiringGrad()
        let sampled = gridSample(image, grid: affineGrid(theta: theta, size: [1, 1, 4, 4]), paddingMode: .border)
        (sampled * sampled).sum().backward()
        #expect(theta.grad!.shape == [1, 2, 3])
        #expect(theta.grad!.toDoubles().contains { $0 != 0 })
    }

    // MARK: Splitting the work

    /// Planes are split over threads and samples over jobs: a batch gives the same bits, outputs
    /// and gradients, as its samples one at a time.
    @Test func batchesEqualTheirSamples() {
        let x = randn([5, 3, 9, 11], dtype: .float32)
        let grid = Tensor.uniform([5, 7, 8, 2], low: -1.2, high: 1.2, generator: RandomGenerator(seed: 3))
        let ops: [(String, ([Tensor]) -> Tensor)] = [
            ("bilinear", { interpolate($0[0], size: [40, 37], mode: .bilinear) }),
            ("bicubic", { interpolate($0[0], scaleFactor: 2.5, mode: .bicubic) }),
            ("antialias", { interpolate($0[0], size: [4, 5], mode: .bilinear, antialias: true) }),
            ("nearest", { interpolate($0[0], size: [17, 5], mode: .nearest) }),
            ("area", { interpolate($0[0], size: [4, 6], mode: .area) }),
            ("reflect", { pad($0[0], [3, 2, 1, 4], mode: .reflect) }),
            ("gridSample", { gridSample($0[0], grid: $0[1], paddingMode: .reflection) }),
        ]
        for (name, op) in ops {
            let whole = [x.requiringGrad(), grid.requiringGrad()]
            let out = op(whole)
            let up = Tensor.randn(out.shape, generator: RandomGenerator(seed: 4))
            (out * up).sum().backward()
            for n in 0..<5 {
                let part = [x[n..<(n + 1)].requiringGrad(), grid[n..<(n + 1)].requiringGrad()]
                let partOut = op(part)
                (partOut * up[n..<(n + 1)]).sum().backward()
                #expect(partOut == out[n..<(n + 1)], "\(name) output of sample \(n)")
                #expect(part[0].grad! == whole[0].grad![n..<(n + 1)], "\(name) input gradient of sample \(n)")
                if name == "gridSample" { #expect(part[1].grad! == whole[1].grad![n..<(n + 1)], "grid gradient of sample \(n)") }
            }
        }
    }

    // MARK: Errors

    @Test func reflectPaddingAsLargeAsTheInput() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = pad(Tensor.zeros([1, 2, 4, 5]), [0, 5, 0, 0], mode: .reflect)
        }
        #expect(stderrText(result).contains(
            "pad: reflect padding must be smaller than the dimension it pads, got padding (0, 5) at dimension 3 of input [1, 2, 4, 5]"))
    }

    @Test func nonConstantPaddingOfTheWrongRank() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = pad(Tensor.zeros([1, 2, 4, 5]), [1, 1], mode: .replicate)
        }
        #expect(stderrText(result).contains("pad: replicate padding of 1 dimension (2 values [1, 1]) is not supported for a 4-d input"))
    }

    @Test func paddingLayerWithTheWrongNumberOfAmounts() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ReflectionPad2d([1, 2])
        }
        #expect(stderrText(result).contains("ReflectionPad2d: padding must be one integer or 4 integers (left, right, top, bottom), got [1, 2]"))
    }

    @Test func bilinearNeedsFourAxes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = interpolate(Tensor.zeros([2, 3, 4]), size: 8, mode: .bilinear)
        }
        #expect(stderrText(result).contains("interpolate: got a 3-d input (shape [2, 3, 4]), but bilinear mode needs a 4-d input [N, C, H, W]"))
    }

    @Test func alignCornersOnlyWhereModesInterpolate() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = interpolate(Tensor.zeros([1, 1, 4, 4]), size: 8, mode: .nearest, alignCorners: false)
        }
        #expect(stderrText(result).contains("interpolate: alignCorners can only be set with the interpolating modes"))
    }

    @Test func emptyOutputSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = interpolate(Tensor.zeros([1, 1, 4, 5]), scaleFactor: 0.2, mode: .bilinear)
        }
        #expect(stderrText(result).contains(
            "interpolate: input and output sizes should be greater than 0, but got input (H: 4, W: 5) and output (H: 0, W: 1)"))
    }

    @Test func gridSampleBatchMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = gridSample(Tensor.zeros([2, 1, 3, 4]), grid: Tensor.zeros([3, 2, 2, 2]))
        }
        #expect(stderrText(result).contains(
            "gridSample: expected grid and input to have the same batch size, got input [2, 1, 3, 4] and grid [3, 2, 2, 2]"))
    }

    @Test func affineGridThetaShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = affineGrid(theta: Tensor.zeros([2, 3, 3]), size: [2, 3, 4, 5])
        }
        #expect(stderrText(result).contains("affineGrid: expected a batch of 2-d affine matrices of shape [N, 2, 3] for size [2, 3, 4, 5], got [2, 3, 3]"))
    }
}
