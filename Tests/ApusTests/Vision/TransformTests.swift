import Foundation
import Testing
@testable import Apus
@testable import ApusVision

@Suite struct TransformTests {
    /// One 1-channel image of `h`×`w` holding 1, 2, 3, … row by row.
    func counting(_ h: Int, _ w: Int, batch: Int = 1) -> Tensor {
        Tensor(scalars: (0..<(batch * h * w)).map { Float($0 % (h * w) + 1) }, shape: [batch, 1, h, w])
    }

    @Test func horizontalFlipReversesColumns() {
        let x = Tensor(scalars: (1...12).map(Float.init), shape: [2, 2, 3])  // one image [C=2, H=2, W=3]
        let flipped = RandomHorizontalFlip(p: 1)(x)
        #expect(flipped.shape == [2, 2, 3])
        #expect(flipped.toArray(as: Float.self) == [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10])
        #expect(RandomHorizontalFlip(p: 0)(x) == x)
    }

    @Test func horizontalFlipIsPerImageAndSeeded() {
        let x = counting(1, 2, batch: 200)
        let a = RandomHorizontalFlip(generator: RandomGenerator(seed: 7))(x).toArray(as: Float.self)
        let b = RandomHorizontalFlip(generator: RandomGenerator(seed: 7))(x).toArray(as: Float.self)
        #expect(a == b)
        // Each image is [1, 2] or [2, 1], decided by the image's own uniform draw < 0.5.
        let draws = RandomGenerator(seed: 7).uniforms(200)
        for i in 0..<200 { #expect(a[2 * i] == (draws[i] < 0.5 ? 2 : 1)) }
        let flips = (0..<200).filter { a[2 * $0] == 2 }.count
        #expect((70...130).contains(flips))
    }

    @Test func cropWithPaddingShiftsContentAndFillsZeros() {
        // 3×3 image, padding 1, crop 3×3: offsets (top, left) in -1...1; out[y][x] = in[y+top][x+left] or 0.
        let x = counting(3, 3, batch: 60)
        let out = RandomCrop(size: 3, padding: 1, generator: RandomGenerator(seed: 3))(x).toArray(as: Float.self)
        let g = RandomGenerator(seed: 3)
        var seen = Set<[Int]>()
        for i in 0..<60 {
            let top = g.integer(below: 3) - 1, left = g.integer(below: 3) - 1
            seen.insert([top, left])
            for y in 0..<3 {
                for xx in 0..<3 {
                    let (sy, sx) = (y + top, xx + left)
                    let expected: Float = (0..<3).contains(sy) && (0..<3).contains(sx) ? Float(sy * 3 + sx + 1) : 0
                    #expect(out[i * 9 + y * 3 + xx] == expected)
                }
            }
        }
        #expect(seen.count == 9)
    }

    @Test func cropHandChecked() {
        // A 2×2 crop of a 3×3 image without padding: the top-left corner is one of 4 places.
        let out = RandomCrop(size: 2, generator: RandomGenerator(seed: 1))(counting(3, 3, batch: 40))
        #expect(out.shape == [40, 1, 2, 2])
        let crops = Set(stride(from: 0, to: 160, by: 4).map { Array(out.toArray(as: Float.self)[$0..<($0 + 4)]) })
        #expect(crops == [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]])
        // Same size, no padding: identity.
        let x = counting(4, 5, batch: 2)
        #expect(RandomCrop(height: 4, width: 5)(x) == x)
    }

    @Test func rotationBy90DegreesPermutesPixels() {
        // Positive angles turn clockwise as seen (torchvision's F.affine): the left column becomes the top row.
        let x = counting(3, 3)
        for interpolation in [Interpolation.nearest, .bilinear] {
            let r = RandomAffine(degreeRange: 90...90, interpolation: interpolation)(x).toArray(as: Float.self)
            let expected: [Float] = [7, 4, 1, 8, 5, 2, 9, 6, 3]
            #expect(zip(r, expected).allSatisfy { Swift.abs($0 - $1) < 1e-5 }, "\(r)")
        }
        #expect(RandomAffine(degreeRange: 90...90)(x).toArray(as: Float.self) == [7, 4, 1, 8, 5, 2, 9, 6, 3])
        // Even size: the centre (1.5, 1.5) lies between pixels, still an exact permutation (numpy.rot90).
        let y = affine(counting(4, 4), angle: -90).toArray(as: Float.self)
        #expect(y == [4, 8, 12, 16, 3, 7, 11, 15, 2, 6, 10, 14, 1, 5, 9, 13])
        #expect(affine(counting(3, 3), angle: 180).toArray(as: Float.self) == [9, 8, 7, 6, 5, 4, 3, 2, 1])
    }

    struct AffineFixture: Decodable {
        struct Case: Decodable { let angle: Double; let translate: [Double]; let scale: Double; let mode: String; let output: [Double] }
        let shape: [Int]
        let input: [Double]
        let cases: [Case]
    }

    /// Against torchvision's F.affine sampling (re-implemented with torch in Scripts/make_affine_fixture.py).
    @Test func affineMatchesTorchvision() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/affine.json")
        let fixture = try JSONDecoder().decode(AffineFixture.self, from: Data(contentsOf: url))
        let x = Tensor(shape: fixture.shape, values: fixture.input, dtype: .float64)
        for c in fixture.cases {
            let out = affine(x, angle: c.angle, translate: (c.translate[0], c.translate[1]), scale: c.scale,
                             interpolation: c.mode == "nearest" ? .nearest : .bilinear)
            let worst = zip(out.toDoubles(), c.output).map { Swift.abs($0 - $1) }.max() ?? 0
            #expect(out.shape == fixture.shape && worst < 1e-6, "angle \(c.angle), \(c.mode): max error \(worst)")
        }
    }

    @Test func translationShiftsByWholePixels() {
        // 5×5 images, translate up to 0.4·5 = 2 pixels: out[y][x] = in[y-ty][x-tx] or 0.
        let x = counting(5, 5, batch: 30)
        let out = RandomAffine(degrees: 0, translate: (0.4, 0.4), generator: RandomGenerator(seed: 9))(x).toArray(as: Float.self)
        let g = RandomGenerator(seed: 9)
        var shifts = Set<[Int]>()
        for i in 0..<30 {
            _ = g.uniforms(1)  // the angle, from 0...0
            let tx = Int((-2 + 4 * g.uniforms(1)[0]).rounded(.toNearestOrEven))
            let ty = Int((-2 + 4 * g.uniforms(1)[0]).rounded(.toNearestOrEven))
            shifts.insert([tx, ty])
            for y in 0..<5 {
                for xx in 0..<5 {
                    let (sy, sx) = (y - ty, xx - tx)
                    let expected: Float = (0..<5).contains(sy) && (0..<5).contains(sx) ? Float(sy * 5 + sx + 1) : 0
                    #expect(out[i * 25 + y * 5 + xx] == expected)
                }
            }
        }
        #expect(shifts.count > 5)
    }

    @Test func bilinearHalfPixel() {
        // Scale 2 about the centre 0.5 of a 1×2 image [0, 4]: output x reads 0.5 + (x − 0.5)/2,
        // i.e. 0.25 and 0.75: 0·0.75 + 4·0.25 = 1 and 3.
        let x = Tensor(scalars: [Float(0), 4], shape: [1, 1, 2])
        let out = RandomAffine(degrees: 0, scale: 2...2, interpolation: .bilinear)(x)
        #expect(out.toArray(as: Float.self) == [1, 3])
    }

    @Test func normalizeValues() {
        let x = Tensor(scalars: [Float(0), 1, 0.5, 0.2860], shape: [1, 1, 2, 2])
        let out = Normalize(mean: FashionMNIST.mean, std: FashionMNIST.std)(x).toArray(as: Float.self)
        let expected: [Float] = [-0.286 / 0.353, 0.714 / 0.353, 0.214 / 0.353, 0]  // (v − 0.2860) / 0.3530
        #expect(zip(out, expected).allSatisfy { Swift.abs($0 - $1) < 1e-6 }, "\(out)")
        // Per channel: mean [1, 2], std [2, 4] on a 2-channel 1×1 image of [3, 6].
        let c = Normalize(mean: [1, 2], std: [2, 4])(Tensor(scalars: [Float(3), 6], shape: [2, 1, 1]))
        #expect(c.toArray(as: Float.self) == [1, 1])
    }

    @Test func gaussianNoiseIsSeeded() {
        let x = Tensor.zeros([4, 1, 50, 50])
        let a = GaussianNoise(std: 0.1, generator: RandomGenerator(seed: 5))(x).toArray(as: Float.self)
        #expect(a == GaussianNoise(std: 0.1, generator: RandomGenerator(seed: 5))(x).toArray(as: Float.self))
        #expect(a == RandomGenerator(seed: 5).normals(10_000).map { Float(0.1 * $0) })
        let ones = GaussianNoise(std: 0)(Tensor.ones([1, 2, 2]))
        #expect(ones == Tensor.ones([1, 2, 2]))
    }

    @Test func composeAndTransformedDatasetWithDataLoader() {
        let images = counting(2, 2, batch: 5)
        let labels = Tensor(scalars: (0..<5).map(Int64.init))
        let data = TransformedDataset(TensorDataset(inputs: images, targets: labels),
                                      transform: Compose([RandomHorizontalFlip(p: 1), Normalize(mean: 1, std: 2)]))
        #expect(data.count == 5)
        var seen: [Int64] = []
        for (x, y) in DataLoader(data, batchSize: 2) {
            let v = x.toArray(as: Float.self)
            for i in 0..<y.count { #expect(Array(v[(4 * i)..<(4 * i + 4)]) == [0.5, 0, 1.5, 1]) }  // ([2,1,4,3] − 1) / 2
            seen += y.toArray(as: Int64.self)
        }
        #expect(seen == [0, 1, 2, 3, 4])
    }

    @Test func float64InFloat64Out() {
        let x = Tensor(shape: [1, 1, 2], values: [1, 2], dtype: .float64)
        let out = RandomHorizontalFlip(p: 1)(x)
        #expect(out.dtype == .float64 && out.toDoubles() == [2, 1])
    }

    @Test func wrongRankStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = RandomHorizontalFlip()(Tensor.zeros([2, 2]))
        }
        #expect(stderrText(result).contains("RandomHorizontalFlip: expected images [N, C, H, W] or [C, H, W], got shape [2, 2]"))
    }

    @Test func cropLargerThanPaddedImageStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = RandomCrop(size: 9, padding: 2)(Tensor.zeros([1, 1, 4, 4]))
        }
        #expect(stderrText(result).contains("RandomCrop: crop 9×9 is larger than the padded image 8×8"))
    }

    @Test func normalizeChannelMismatchStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Normalize(mean: [0, 0], std: [1, 1])(Tensor.zeros([1, 3, 2, 2]))
        }
        #expect(stderrText(result).contains("Normalize: 2 means for images of 3 channels"))
    }
}

@Suite struct ImageGridTests {
    @Test func greyImagesPixelByPixel() {
        // Three 1×2 grey images in 2 columns with padding 1: 2 rows; 7 wide (1+2+1+2+1), 5 high (1+1+1+1+1).
        let x = Tensor(scalars: [Float(0), 1, 0.5, 0.25, 1, 0.2], shape: [3, 1, 1, 2])
        let g = imageGrid(x, columns: 2, padding: 1)
        #expect(g.width == 7 && g.height == 5)
        func grey(_ v: UInt8) -> [UInt8] { [v, v, v] }
        var expected = [[UInt8]](repeating: grey(0), count: 35)
        expected[1 * 7 + 1] = grey(0); expected[1 * 7 + 2] = grey(255)     // image 0 at (1, 1)
        expected[1 * 7 + 4] = grey(128); expected[1 * 7 + 5] = grey(64)    // image 1 at (4, 1): ⌊127.5+0.5⌋, ⌊63.75+0.5⌋
        expected[3 * 7 + 1] = grey(255); expected[3 * 7 + 2] = grey(51)    // image 2 at (1, 3)
        for y in 0..<5 { for xx in 0..<7 {
            let p = g[xx, y]
            #expect([p.0, p.1, p.2] == expected[y * 7 + xx], "pixel (\(xx), \(y))")
        } }
    }

    @Test func rgbNormalizedAndPadValue() {
        // One 1×1 RGB image [-1, 0, 3] normalised by min −1 and max 3: [0, 0.25, 1].
        let x = Tensor(scalars: [Float(-1), 0, 3], shape: [1, 3, 1, 1])
        let g = imageGrid(x, padding: 1, normalize: true, padValue: 1)
        #expect(g.width == 3 && g.height == 3)
        #expect(g[1, 1] == (0, 64, 255))
        #expect(g[0, 0] == (255, 255, 255) && g[2, 2] == (255, 255, 255))
        #expect(imageGrid(x, padding: 0).pixels == [0, 0, 255])  // clamped to [0, 1]
    }

    @Test func twoChannelsStop() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = imageGrid(Tensor.zeros([1, 2, 2, 2]))
        }
        #expect(stderrText(result).contains("imageGrid: expected images [N, C, H, W] with N ≥ 1 and C = 1 or 3, got shape [1, 2, 2, 2]"))
    }
}
