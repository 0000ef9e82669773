import Foundation
import Testing
@testable import Apus
@testable import ApusVision

/// torchvision's transforms on PIL images, as Scripts/make_transform_fixtures.py recorded them in
/// Fixtures/images/transforms/manifest.json: the source pixels and each output.
struct TransformFixture: Decodable {
    struct Picture: Decodable {
        let width: Int, height: Int, channels: Int
        let pixels: [UInt8]
        var image: Image { Image(width: width, height: height, channels: channels, pixels: pixels) }
    }
    struct ResizeCase: Decodable { let image: String; let size: [Int]; let maxSize: Int?; let output: Picture }
    struct CropCase: Decodable { let image: String; let size: [Int]; let output: Picture }
    struct ResizedCropCase: Decodable { let image: String; let box: [Int]; let size: [Int]; let output: Picture }
    struct JitterCase: Decodable { let image: String; let op: String; let factor: Double; let output: Picture }
    struct NormalizeCase: Decodable {
        let image: String
        let mean: [Float], std: [Float]
        let shape: [Int]
        let values: [Float]
    }

    let images: [String: Picture]
    let resize: [ResizeCase]
    let centerCrop: [CropCase]
    let resizedCrop: [ResizedCropCase]
    let jitter: [JitterCase]
    let normalize: [NormalizeCase]

    static let shared: TransformFixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/images/transforms/manifest.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try! decoder.decode(TransformFixture.self, from: Data(contentsOf: url))
    }()

    func image(_ name: String) -> Image { images[name]!.image }
}

/// The largest difference between two images' bytes; nil when their sizes differ.
func maxDifference(_ a: Image, _ b: Image) -> Int? {
    guard (a.width, a.height, a.channels) == (b.width, b.height, b.channels) else { return nil }
    return zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

@Suite struct ImageTransformTests {
    let fixture = TransformFixture.shared

    /// 0, 1, 2, … in every byte (mod 256) of a `width` × `height` image.
    func counting(width: Int, height: Int, channels: Int) -> Image {
        Image(width: width, height: height, channels: channels,
              pixels: (0..<(width * height * channels)).map { UInt8($0 % 256) })
    }

    // MARK: Against torchvision

    @Test func resizeMatchesTorchvision() {
        #expect(fixture.resize.count == 12)
        for c in fixture.resize {
            let resize = c.size.count == 2 ? Resize(height: c.size[0], width: c.size[1]) : Resize(c.size[0], maxSize: c.maxSize)
            let worst = maxDifference(resize(fixture.image(c.image)), c.output.image)
            #expect(worst != nil && worst! <= 1, "\(c.image) Resize(\(c.size), maxSize: \(c.maxSize as Any)): \(worst as Any)")
        }
    }

    @Test func centerCropMatchesTorchvision() {
        for c in fixture.centerCrop {
            let out = CenterCrop(height: c.size[0], width: c.size[1])(fixture.image(c.image))
            #expect(out == c.output.image, "\(c.image) CenterCrop(\(c.size)): max difference \(maxDifference(out, c.output.image) as Any)")
        }
    }

    @Test func resizedCropMatchesTorchvision() {
        for c in fixture.resizedCrop {
            let box = CropBox(top: c.box[0], left: c.box[1], height: c.box[2], width: c.box[3])
            let worst = maxDifference(fixture.image(c.image).resized(box, toHeight: c.size[0], width: c.size[1]), c.output.image)
            #expect(worst != nil && worst! <= 1, "\(c.image) resized_crop(\(c.box), \(c.size)): \(worst as Any)")
        }
    }

    @Test func colorAdjustmentsMatchTorchvision() {
        #expect(Set(fixture.jitter.map(\.op)) == ["brightness", "contrast", "saturation", "hue"])
        for c in fixture.jitter {
            let image = fixture.image(c.image)
            let out = switch c.op {
            case "brightness": ColorJitter.adjustBrightness(image, factor: c.factor)
            case "contrast": ColorJitter.adjustContrast(image, factor: c.factor)
            case "saturation": ColorJitter.adjustSaturation(image, factor: c.factor)
            default: ColorJitter.adjustHue(image, factor: c.factor)
            }
            let worst = maxDifference(out, c.output.image)
            #expect(worst != nil && worst! <= 1, "\(c.image) adjust_\(c.op)(\(c.factor)): \(worst as Any)")
        }
    }

    @Test func toTensorAndNormalizeMatchTorchvision() {
        for c in fixture.normalize {
            let image = fixture.image(c.image)
            var written = [Float](repeating: .nan, count: c.values.count + 5)
            written.withUnsafeMutableBufferPointer {
                ToTensor.write(image, mean: c.mean, std: c.std, into: $0.baseAddress! + 5)
            }
            let worst = zip(written[5...], c.values).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-6, "\(c.image) ToTensor + Normalize(\(c.mean), \(c.std)): max error \(worst)")
            #expect(written[..<5].allSatisfy { $0.isNaN })
            // The public route: ToTensor, then Normalize on the float tensor.
            let normalized = Normalize(mean: c.mean.map(Double.init), std: c.std.map(Double.init))(ToTensor()(image))
            #expect(normalized.shape == c.shape)
            let worstPublic = zip(normalized.toArray(as: Float.self), c.values).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worstPublic <= 1e-6, "\(c.image) ToTensor() then Normalize: max error \(worstPublic)")
        }
    }

    // MARK: Sizes

    @Test func resizeOutputSizes() {
        // torchvision's _compute_resized_output_size: the longer side truncated.
        #expect(Resize(256).outputSize(height: 375, width: 500) == (256, 341))
        #expect(Resize(256).outputSize(height: 500, width: 375) == (341, 256))
        #expect(Resize(256).outputSize(height: 300, width: 300) == (256, 256))
        #expect(Resize(100).outputSize(height: 30, width: 70) == (100, 233))        // 233.33…
        // maxSize caps the longer side; the shorter follows, truncated: int(300 · 224 / 448) = 150.
        #expect(Resize(224, maxSize: 300).outputSize(height: 500, width: 1000) == (150, 300))
        #expect(Resize(224, maxSize: 500).outputSize(height: 500, width: 1000) == (224, 448))
        #expect(Resize(height: 10, width: 20).outputSize(height: 500, width: 1000) == (10, 20))
        #expect(Resize((12, 34)).outputSize(height: 1, width: 1) == (12, 34))
        let image = counting(width: 50, height: 30, channels: 3)
        let out = Resize(12)(image)
        #expect((out.width, out.height, out.channels) == (20, 12, 3))
        #expect(Resize(30)(image) == image)                                         // own size: unchanged
        let grey = Resize(height: 7, width: 41)(counting(width: 9, height: 5, channels: 1))
        #expect((grey.width, grey.height, grey.channels) == (41, 7, 1))
    }

    @Test func cropOutputSizesAndOffsets() {
        let image = counting(width: 37, height: 23, channels: 3)
        for (h, w) in [(10, 10), (23, 37), (40, 45), (1, 50)] {
            let out = CenterCrop(height: h, width: w)(image)
            #expect((out.width, out.height, out.channels) == (w, h, 3))
        }
        // Halves round to even as Python's round: (23 − 10) / 2 = 6.5 → 6, (37 − 10) / 2 = 13.5 → 14.
        #expect(CenterCrop(10).box(height: 23, width: 37) == CropBox(top: 6, left: 14, height: 10, width: 10))
        #expect(CenterCrop(10).box(height: 25, width: 15) == CropBox(top: 8, left: 2, height: 10, width: 10))
        // Larger than the image: padded (crop − size) / 2 before, the rest after.
        #expect(CenterCrop(height: 30, width: 8).box(height: 23, width: 37)
                == CropBox(top: -3, left: 14, height: 30, width: 8))
        let padded = CenterCrop(height: 5, width: 4)(Image(width: 2, height: 2, channels: 1, pixels: [1, 2, 3, 4]))
        #expect(padded.pixels == [0, 0, 0, 0,  0, 1, 2, 0,  0, 3, 4, 0,  0, 0, 0, 0,  0, 0, 0, 0])
        let crop = RandomResizedCrop(height: 17, width: 9)(image, generator: RandomGenerator(seed: 1))
        #expect((crop.width, crop.height, crop.channels) == (9, 17, 3))
        #expect(ToTensor()(Image(width: 5, height: 3, channels: 3)).shape == [3, 3, 5])
        #expect(ToTensor()(Image(width: 5, height: 3, channels: 1)).shape == [1, 3, 5])
    }

    // MARK: Random choices

    @Test func randomResizedCropParametersStayInsideAndInRange() {
        let (scale, ratio) = (0.08...1.0, (3.0 / 4)...(4.0 / 3))
        for (height, width) in [(375, 500), (500, 375), (23, 37), (224, 224), (2, 3)] {
            let g = RandomGenerator(seed: 11)
            for _ in 0..<2000 {
                let b = RandomResizedCrop.parameters(height: height, width: width, scale: scale, ratio: ratio, generator: g)
                #expect(b.top >= 0 && b.left >= 0 && b.height > 0 && b.width > 0
                        && b.top + b.height <= height && b.left + b.width <= width, "\(b) in \(width)×\(height)")
                // The sides are the rounded √(A·r) and √(A/r), so within half a pixel of a crop in range.
                let (w, h) = (Double(b.width), Double(b.height))
                #expect(w + 0.5 >= ratio.lowerBound * (h - 0.5) && w - 0.5 <= ratio.upperBound * (h + 0.5), "\(b)")
                let area = Double(height * width)
                #expect((w + 0.5) * (h + 0.5) >= scale.lowerBound * area && (w - 0.5) * (h - 0.5) <= area, "\(b)")
            }
        }
        func crops(_ seed: UInt64) -> [CropBox] {
            let g = RandomGenerator(seed: seed)
            return (0..<50).map { _ in RandomResizedCrop.parameters(height: 375, width: 500, scale: scale, ratio: ratio, generator: g) }
        }
        #expect(crops(5) == crops(5))
        #expect(crops(5) != crops(6))
        #expect(Set(crops(5)).count > 40)
    }

    @Test func randomResizedCropFallsBackToACentredCrop() {
        // No crop of a 1000×50 strip with area ≥ 8 % and ratio ≤ 4/3 fits: the 10 tries fail, and the crop
        // is the full height with width round(50 · 4/3) = 67, centred.
        let g = RandomGenerator(seed: 2)
        let box = RandomResizedCrop.parameters(height: 50, width: 1000, scale: 0.08...1, ratio: 0.75...(4.0 / 3), generator: g)
        #expect(box == CropBox(top: 0, left: 466, height: 50, width: 67))
        #expect(RandomResizedCrop.parameters(height: 1000, width: 50, scale: 0.5...1, ratio: 0.75...(4.0 / 3), generator: g)
                == CropBox(top: 466, left: 0, height: 67, width: 50))
        // A scale of exactly the whole image and a ratio of exactly the image's: the whole image.
        #expect(RandomResizedCrop.parameters(height: 30, width: 40, scale: 1...1, ratio: (4.0 / 3)...(4.0 / 3), generator: g)
                == CropBox(top: 0, left: 0, height: 30, width: 40))
    }

    @Test func randomResizedCropIsTheResizedParameterCrop() {
        let image = fixture.image("rgb")
        let transform = RandomResizedCrop(16)
        for seed in 0..<20 as Range<UInt64> {
            let box = RandomResizedCrop.parameters(height: image.height, width: image.width, scale: transform.scale,
                                                   ratio: transform.ratio, generator: RandomGenerator(seed: seed))
            #expect(transform(image, generator: RandomGenerator(seed: seed)) == image.resized(box, toHeight: 16, width: 16))
        }
    }

    @Test func horizontalFlipDrawsOneUniformPerImage() {
        let image = counting(width: 3, height: 2, channels: 3)
        let flipped = image.flippedHorizontally()
        // Pixels move, channels stay together: row 0 was (0,1,2)(3,4,5)(6,7,8).
        #expect(Array(flipped.pixels[0..<9]) == [6, 7, 8, 3, 4, 5, 0, 1, 2])
        #expect(flipped.flippedHorizontally() == image)
        #expect(RandomHorizontalFlip(p: 1)(image, generator: RandomGenerator(seed: 0)) == flipped)
        #expect(RandomHorizontalFlip(p: 0)(image, generator: RandomGenerator(seed: 0)) == image)
        let (g, draws) = (RandomGenerator(seed: 9), RandomGenerator(seed: 9).uniforms(200))
        let flip = RandomHorizontalFlip()
        for i in 0..<200 { #expect(flip(image, generator: g) == (draws[i] < 0.5 ? flipped : image)) }
        // The transform's own generator is not used for images.
        let own = RandomGenerator(seed: 3)
        _ = RandomHorizontalFlip(generator: own)(image, generator: RandomGenerator(seed: 4))
        #expect(own.uniforms(1) == RandomGenerator(seed: 3).uniforms(1))
    }

    @Test func colorJitterRanges() {
        let jitter = ColorJitter(brightness: 0.4, contrast: 2, saturation: 0.25, hue: 0.1)
        #expect(jitter.brightness == 0.6...1.4)
        #expect(jitter.contrast == 0...3)
        #expect(jitter.saturation == 0.75...1.25)
        #expect(jitter.hue == -0.1...0.1)
        let off = ColorJitter()
        #expect(off.brightness == nil && off.contrast == nil && off.saturation == nil && off.hue == nil)
    }

    @Test func colorJitterWithZeroRangesIsIdentity() {
        let g = RandomGenerator(seed: 1)
        for name in ["rgb", "grey", "noise"] {
            let image = fixture.image(name)
            #expect(ColorJitter()(image, generator: g) == image)
            // Factors of exactly 1 (and a hue shift of 0) change nothing either.
            #expect(ColorJitter.adjustBrightness(image, factor: 1) == image)
            #expect(ColorJitter.adjustContrast(image, factor: 1) == image)
            #expect(ColorJitter.adjustSaturation(image, factor: 1) == image)
        }
        // Grey images have no saturation or hue to change.
        let grey = fixture.image("grey")
        #expect(ColorJitter.adjustSaturation(grey, factor: 0.2) == grey)
        #expect(ColorJitter.adjustHue(grey, factor: 0.3) == grey)
    }

    @Test func colorJitterDrawsOrderThenFactors() {
        let image = fixture.image("noise")
        let jitter = ColorJitter(brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.2)
        for seed in 0..<10 as Range<UInt64> {
            // By hand: a permutation of the four, then brightness, contrast, saturation and hue factors.
            let g = RandomGenerator(seed: seed)
            let order = g.permutation(4)
            let f = g.uniforms(4)
            let factors = [0.5 + f[0], 0.5 + f[1], 0.5 + f[2], -0.2 + 0.4 * f[3]]
            var expected = image
            for op in order {
                switch op {
                case 0: expected = ColorJitter.adjustBrightness(expected, factor: factors[0])
                case 1: expected = ColorJitter.adjustContrast(expected, factor: factors[1])
                case 2: expected = ColorJitter.adjustSaturation(expected, factor: factors[2])
                default: expected = ColorJitter.adjustHue(expected, factor: factors[3])
                }
            }
            #expect(jitter(image, generator: RandomGenerator(seed: seed)) == expected)
        }
        // Only enabled factors are drawn: with brightness alone the one uniform after the order is its factor.
        let g = RandomGenerator(seed: 4)
        _ = g.permutation(4)
        let range = ColorJitter(brightness: 0.3).brightness!
        let b = range.lowerBound + (range.upperBound - range.lowerBound) * g.uniforms(1)[0]
        #expect(ColorJitter(brightness: 0.3)(image, generator: RandomGenerator(seed: 4))
                == ColorJitter.adjustBrightness(image, factor: b))
    }

    @Test func composeAppliesInOrder() {
        let image = fixture.image("rgb")
        let cropThenResize = ImageCompose([CenterCrop(10), Resize(height: 20, width: 30)])
        #expect(cropThenResize(image) == Resize(height: 20, width: 30)(CenterCrop(10)(image)))
        let resizeThenCrop = ImageCompose([Resize(height: 20, width: 30), CenterCrop(10)])
        #expect(resizeThenCrop(image) == CenterCrop(10)(Resize(height: 20, width: 30)(image)))
        #expect(cropThenResize(image) != resizeThenCrop(image))
        // Random transforms share the one generator, in order.
        let train = ImageCompose([RandomResizedCrop(12), RandomHorizontalFlip()])
        let g = RandomGenerator(seed: 8)
        let byHand = RandomHorizontalFlip()(RandomResizedCrop(12)(image, generator: g), generator: g)
        #expect(train(image, generator: RandomGenerator(seed: 8)) == byHand)
    }

    // MARK: ToTensor

    @Test func toTensorDividesBy255ChannelsFirst() {
        let image = Image(width: 2, height: 1, channels: 3, pixels: [0, 51, 255, 1, 2, 3])
        let x = ToTensor()(image)
        #expect(x.shape == [3, 1, 2] && x.dtype == .float32)
        #expect(x.toArray(as: Float.self) == [0, 1, 51, 2, 255, 3].map { Float($0) / 255 })
        // Normalize.imageNet's values, as torchvision's examples write them.
        #expect(Normalize.imageNet.mean == [0.485, 0.456, 0.406])
        #expect(Normalize.imageNet.std == [0.229, 0.224, 0.225])
    }

    @Test func toTensorWritesABatchInPlace() {
        let images = (0..<3).map { n in
            Image(width: 4, height: 2, channels: 3, pixels: (0..<24).map { UInt8(($0 * 7 + n * 40) % 256) })
        }
        let (mean, std): ([Float], [Float]) = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
        let batch = Tensor(shape: [3, 3, 2, 4], of: Float.self) { out in
            let levels = ToTensor.Levels(mean: mean, std: std, channels: 3)
            for (n, image) in images.enumerated() { ToTensor.write(image, levels: levels, into: out.baseAddress! + n * 24) }
        }
        var expected: [Float] = []
        for image in images {
            for c in 0..<3 {
                for i in 0..<8 { expected.append((Float(image.pixels[i * 3 + c]) / 255 - mean[c]) / std[c]) }
            }
        }
        #expect(batch.toArray(as: Float.self) == expected)
    }
}
