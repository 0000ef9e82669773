import Foundation
import Testing
@testable import Apus
@testable import ApusVision

/// The fixtures of Scripts/make_segmentation_fixtures.py.
enum SegmentationFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/segmentation")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func json<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// A copy of fixture folder `name` in a fresh temporary directory (to change files in).
    static func copy(_ name: String, _ test: String = #function) throws -> String {
        let target = try makeVisionDirectory(test) + "/" + name
        try FileManager.default.copyItem(atPath: path(name), toPath: target)
        return target
    }

    struct MaskEntry: Decodable { let mode: String; let height: Int; let width: Int; let values: [Int] }
    struct NearestCase: Decodable {
        let height: Int, width: Int, values: [Int], box: [Int], out: [Int], expected: [Int]
    }
}

@Suite struct SegmentationMaskTests {
    typealias F = SegmentationFixtures

    @Test func masksReadAsPillowReadsThem() throws {
        let expected = try F.json("masks.json", as: [String: F.MaskEntry].self)
        #expect(expected.count == 5)
        for (name, want) in expected {
            let mask = try SegmentationMask(contentsOf: F.path("masks/\(name).png"))
            #expect(mask.width == want.width && mask.height == want.height, "\(name) (\(want.mode))")
            #expect(mask.values.map(Int.init) == want.values, "\(name) (\(want.mode)): values differ from numpy.array(PIL.Image.open)")
            let tensor = mask.tensor()
            #expect(tensor.dtype == .int64 && tensor.shape == [want.height, want.width])
            #expect(tensor.toArray(as: Int64.self).map(Int.init) == want.values)
        }
        // The palette mask keeps its void index 255 and its classes; the 16-bit one values above 255.
        #expect(try SegmentationMask(contentsOf: F.path("masks/palette.png")).values.contains(255))
        #expect(try SegmentationMask(contentsOf: F.path("masks/gray16.png")).values.contains { $0 > 255 })
    }

    @Test func palettePNGRoundTrip() throws {
        let mask = try SegmentationMask(contentsOf: F.path("masks/palette.png"))
        let bytes = mask.pngData()
        #expect(try SegmentationMask(decoding: bytes) == mask)
        // The colours are VOC's: Pillow's own expansion of the fixture equals ours of the written file.
        #expect(try Image(decoding: bytes) == Image(contentsOf: F.path("masks/palette.png")))
        #expect(Array(SegmentationMask.vocPalette[3..<6]) == [128, 0, 0] && Array(SegmentationMask.vocPalette[765...]) == [224, 224, 192])
    }

    @Test func colourMasksAreRefusedNamingTheFile() throws {
        for name in ["rgb", "rgba"] {
            let path = F.path("masks/\(name).png")
            let message = thrownMessage { _ = try SegmentationMask(contentsOf: path) }
            #expect(message.contains(path) && message.contains("masks must be palette or grayscale PNGs"), "\(message)")
        }
        let jpeg = try Image(width: 4, height: 4, channels: 3, filledWith: 9).jpegData()
        let message = thrownMessage { _ = try SegmentationMask(decoding: jpeg, path: "m.jpg") }
        #expect(message.contains("'m.jpg'") && message.contains("palette or grayscale PNGs"), "\(message)")
    }

    /// Grey 8-bit PNGs of every filter and Adam7 interlacing: the mask's values are the image's bytes.
    @Test func interlacedGreyMasksDecodeAsTheirPixels() throws {
        var checked = 0
        for entry in try PNGFixtures.entries() where entry.channels == 1 {
            let bytes = try PNGFixtures.bytes(entry.file)
            guard bytes[24] == 8, bytes[25] == 0 else { continue }  // 8-bit grey
            let mask = try SegmentationMask(decoding: bytes, path: entry.file)
            let image = try Image(decoding: bytes, path: entry.file)
            #expect(mask.values.map { UInt8($0) } == image.pixels, "\(entry.file)")
            checked += 1
        }
        #expect(checked >= 2)
    }

    @Test func nearestResizeMatchesPillow() throws {
        let cases = try F.json("nearest.json", as: [F.NearestCase].self)
        #expect(cases.count == 30)
        for c in cases {
            let mask = SegmentationMask(width: c.width, height: c.height, values: c.values.map { UInt16($0) })
            let box = CropBox(top: c.box[0], left: c.box[1], height: c.box[2], width: c.box[3])
            let out = mask.resizedNearest(box, toHeight: c.out[0], width: c.out[1])
            #expect(out.values.map(Int.init) == c.expected, "\(c.width)×\(c.height) box \(c.box) to \(c.out)")
        }
    }

    /// An image whose grey level is 10 × its mask's class, and whose padding must be void.
    private func pair(width: Int = 23, height: Int = 17) -> (Image, SegmentationMask) {
        var mask = SegmentationMask(width: width, height: height)
        var image = Image(width: width, height: height, channels: 3)
        for y in 0..<height {
            for x in 0..<width {
                let c = UInt16((x * 3 + y * 5) % 7)
                mask[x, y] = c
                for ch in 0..<3 { image[x, y, ch] = UInt8(10 * c + 20) }
            }
        }
        return (image, mask)
    }

    /// Every pixel keeps its class (crops, flips and padding move pixels without mixing them).
    private func expectAligned(_ image: Image, _ mask: SegmentationMask, _ what: String) {
        #expect(image.width == mask.width && image.height == mask.height, "\(what): sizes differ")
        for y in 0..<mask.height {
            for x in 0..<mask.width {
                let (m, v) = (mask[x, y], image[x, y, 0])
                let ok = m == SegmentationMask.void ? v == 0 : Int(v) == 10 * Int(m) + 20
                if !ok { Issue.record("\(what): pixel (\(x), \(y)) image \(v), mask \(m)"); return }
            }
        }
    }

    @Test func jointTransformsMoveImageAndMaskTogether() {
        let (image, mask) = pair()
        let transforms: [(String, any SegmentationTransform)] = [
            ("flip", RandomHorizontalFlip(p: 1)),
            ("padded crop", PaddedRandomCrop(height: 30, width: 12)),
            ("pad", Pad(left: 1, top: 2, right: 3, bottom: 4)),
            ("center crop", CenterCrop(height: 25, width: 9)),
            ("flip, crop", SegmentationCompose([RandomHorizontalFlip(), PaddedRandomCrop(20)])),
        ]
        for seed in UInt64(0)..<6 {
            for (name, t) in transforms {
                let out = t(image, mask, generator: RandomGenerator(seed: seed))
                expectAligned(out.image, out.mask, "\(name), seed \(seed)")
            }
        }
        let flipped = RandomHorizontalFlip(p: 1)(image, mask, generator: RandomGenerator(seed: 0))
        #expect(flipped.mask[0, 0] == mask[22, 0])
        let padded = Pad(2)(image, mask)
        #expect(padded.mask.width == 27 && padded.mask[0, 0] == 255 && padded.mask[2, 2] == mask[0, 0])
    }

    @Test func resizingJointTransformsUseNearestForTheMask() {
        let (image, mask) = pair()
        let classes = Set(mask.values)
        let transforms: [(String, any SegmentationTransform)] = [
            ("random resized crop", RandomResizedCrop(16)), ("resize", Resize(40)), ("random resize", RandomResize(minSize: 8, maxSize: 40)),
            ("resize and pad", ResizeAndPad(32)), ("train", SegmentationPreprocessing(imageSize: 16).trainTransform!),
        ]
        for (name, t) in transforms {
            let out = t(image, mask, generator: RandomGenerator(seed: 3))
            #expect(out.image.width == out.mask.width && out.image.height == out.mask.height, "\(name)")
            #expect(Set(out.mask.values).isSubset(of: classes.union([255])), "\(name): the mask gained values \(Set(out.mask.values))")
        }
        // The crop and resize of the mask are the nearest-neighbour resize of the image's crop box.
        let box = RandomResizedCrop.parameters(height: 17, width: 23, scale: 0.08...1, ratio: 0.75...(4.0 / 3),
                                               generator: RandomGenerator(seed: 5))
        let out = RandomResizedCrop(16)(image, mask, generator: RandomGenerator(seed: 5))
        #expect(out.mask == mask.resizedNearest(box, toHeight: 16, width: 16))
        #expect(out.image == RandomResizedCrop(16)(image, generator: RandomGenerator(seed: 5)))
        // ResizeAndPad: the longer side fits, the rest is void.
        let fitted = ResizeAndPad(46)(image, mask)
        #expect(fitted.mask.width == 46 && fitted.mask.height == 46)
        #expect(fitted.mask[45, 33] != 255 && fitted.mask[45, 34] == 255)
    }

    @Test func sameSeedSameCrops() {
        let (image, mask) = pair(width: 64, height: 48)
        let train = SegmentationPreprocessing(imageSize: 24).trainTransform!
        let a = train(image, mask, generator: RandomGenerator(seed: 11))
        let b = train(image, mask, generator: RandomGenerator(seed: 11))
        #expect(a.image == b.image && a.mask == b.mask)
        let others = (12..<20).map { train(image, mask, generator: RandomGenerator(seed: UInt64($0))).mask }
        #expect(others.contains { $0 != a.mask }, "different seeds should give different crops")
        #expect(a.mask.width == 24 && a.mask.height == 24)
    }
}

@Suite struct SegmentationDatasetTests {
    typealias F = SegmentationFixtures

    private func expectedMask(_ key: String) throws -> [Int64] {
        try F.json("datasets.json", as: [String: [Int]].self)[key]!.map(Int64.init)
    }

    @Test func vocLayoutReadsPairsAndVOCNames() throws {
        let train = try SegmentationDataset.voc(root: F.path("voc"), split: "train")
        #expect(train.count == 3 && train.classes == SegmentationDataset.vocClasses && train.classes.count == 21)
        let (inputs, targets) = try train.batch(at: [0, 2])  // both 14×10
        #expect(inputs.shape == [2, 3, 10, 14] && inputs.dtype == .float32)
        #expect(targets.shape == [2, 10, 14] && targets.dtype == .int64)
        let want = try expectedMask("voc/2007_000001") + expectedMask("voc/2007_000003")
        #expect(targets.toArray(as: Int64.self) == want)
        // Images of different sizes in one batch without a transform: a clear error.
        let message = thrownMessage { _ = try train.batch(at: [0, 1]) }
        #expect(message.contains("different sizes") && message.contains("--image-size"), "\(message)")
        let val = try SegmentationDataset.voc(root: F.path("voc"), split: "val")
        #expect(val.count == 1 && val.imagePaths[0].hasSuffix("JPEGImages/2007_000004.jpg"))
    }

    @Test func segmentationDataBatchesAtImageSize() throws {
        let data = try SegmentationData.load(dataset: "voc", directory: F.path("voc"), imageSize: 8)
        #expect(data.classes == 21 && data.train.count == 3 && data.validation.count == 1 && data.test.count == 1)
        let (x, y) = try data.train.batch(at: [0, 1, 2], seed: 4)
        #expect(x.shape == [3, 3, 8, 8] && y.shape == [3, 8, 8])
        let again = try data.train.batch(at: [0, 1, 2], seed: 4)
        #expect(again.inputs == x && again.targets == y, "same seed, same batch")
        #expect(y.toArray(as: Int64.self).allSatisfy { (0..<4).contains($0) || $0 == 255 })
        let (vx, vy) = try data.validation.batch(at: [0])
        #expect(vx.shape == [1, 3, 8, 8] && vy.shape == [1, 8, 8])
        #expect(data.metadata[SegmentationPreprocessing.metadataKey] == data.preprocessing.json)
        #expect(try SegmentationPreprocessing(json: data.preprocessing.json, path: "x") == data.preprocessing)
        #expect(thrownMessage { _ = try SegmentationData.load(dataset: "coco", directory: ".") }.contains("unknown dataset 'coco'"))
    }

    @Test func maskFolderSplitsWithASeed() throws {
        let folder = try SegmentationDataset.maskFolder(root: F.path("folder"))
        #expect(folder.count == 10 && folder.classes == ["class_0", "class_1", "class_2"])
        let (_, targets) = try folder.batch(at: [3])
        #expect(targets.toArray(as: Int64.self) == (try expectedMask("folder/img03")))
        let a = try SegmentationData.maskFolder(directory: F.path("folder"), imageSize: 6, seed: 1)
        let b = try SegmentationData.maskFolder(directory: F.path("folder"), imageSize: 6, seed: 1)
        #expect(a.train.count == 8 && a.validation.count == 1 && a.test.count == 1)
        #expect(a.train.imagePaths == b.train.imagePaths && a.validation.imagePaths == b.validation.imagePaths)
        let others = try (2..<6).map { try SegmentationData.maskFolder(directory: F.path("folder"), seed: UInt64($0)).validation.imagePaths }
        #expect(others.contains { $0 != a.validation.imagePaths })
        #expect(Set(a.train.imagePaths + a.validation.imagePaths + a.test.imagePaths).count == 10)
    }

    @Test func trainAndValFoldersAndClassList() throws {
        let root = try makeVisionDirectory()
        let source = F.path("folder")
        for (split, names) in [("train", ["img00", "img01", "img02"]), ("val", ["img03"])] {
            for sub in ["images", "masks"] {
                try FileManager.default.createDirectory(atPath: "\(root)/\(split)/\(sub)", withIntermediateDirectories: true)
                for name in names { try FileManager.default.copyItem(atPath: "\(source)/\(sub)/\(name).png", toPath: "\(root)/\(split)/\(sub)/\(name).png") }
            }
        }
        try "background\ncat\ndog\nbird\n\n".write(toFile: root + "/classes.txt", atomically: true, encoding: .utf8)
        let data = try SegmentationData.maskFolder(directory: root)
        #expect(data.classNames == ["background", "cat", "dog", "bird"])
        #expect(data.train.count == 3 && data.validation.count == 1 && data.test.imagePaths == data.validation.imagePaths)
        // A class list too short for the masks: the batch names the mask and the value.
        try "background\ncat\n".write(toFile: root + "/classes.txt", atomically: true, encoding: .utf8)
        let short = try SegmentationData.maskFolder(directory: root)
        let message = thrownMessage { _ = try short.train.batch(at: [0, 1, 2]) }
        #expect(message.contains("\(root)/train/masks/img0") && message.contains("has value 2")
                && message.contains("neither a class index (0…1"), "\(message)")
    }

    @Test func userErrorsNameTheFile() throws {
        // An image without a mask, and a mask without an image.
        var root = try F.copy("folder")
        try FileManager.default.removeItem(atPath: root + "/masks/img04.png")
        var message = thrownMessage { _ = try SegmentationDataset.maskFolder(root: root) }
        #expect(message.contains("image '\(root)/images/img04.png' has no mask"), "\(message)")
        root = try F.copy("folder")
        try FileManager.default.removeItem(atPath: root + "/images/img05.png")
        message = thrownMessage { _ = try SegmentationDataset.maskFolder(root: root) }
        #expect(message.contains("mask '\(root)/masks/img05.png' has no image"), "\(message)")
        // A mask of another size than its image.
        root = try F.copy("folder")
        try FileManager.default.removeItem(atPath: root + "/masks/img06.png")
        try FileManager.default.copyItem(atPath: F.path("masks/gray1.png"), toPath: root + "/masks/img06.png")
        let folder = try SegmentationDataset.maskFolder(root: root, classes: ["a", "b", "c"])
        message = thrownMessage { _ = try folder.batch(at: [6]) }
        #expect(message.contains("mask '\(root)/masks/img06.png' is 11×6 but its image '\(root)/images/img06.png' is 7×6"), "\(message)")
        // An RGB mask.
        try FileManager.default.removeItem(atPath: root + "/masks/img06.png")
        try FileManager.default.copyItem(atPath: F.path("masks/rgb.png"), toPath: root + "/masks/img06.png")
        message = thrownMessage { _ = try folder.batch(at: [6]) }
        #expect(message.contains("'\(root)/masks/img06.png' is an RGB PNG"), "\(message)")
        // Too few pairs for a split, an empty split list, a listed image that is missing.
        root = try F.copy("folder")
        try FileManager.default.removeItem(atPath: root + "/masks/img09.png")
        try FileManager.default.removeItem(atPath: root + "/images/img09.png")
        message = thrownMessage { _ = try SegmentationData.maskFolder(directory: root) }
        #expect(message.contains("has 9 image/mask pairs") && message.contains("empty"), "\(message)")
        root = try F.copy("voc")
        try "\n".write(toFile: root + "/ImageSets/Segmentation/val.txt", atomically: true, encoding: .utf8)
        message = thrownMessage { _ = try SegmentationData.voc(directory: root) }
        #expect(message.contains("'\(root)/ImageSets/Segmentation/val.txt' lists no image"), "\(message)")
        try "2007_000009\n".write(toFile: root + "/ImageSets/Segmentation/val.txt", atomically: true, encoding: .utf8)
        message = thrownMessage { _ = try SegmentationData.voc(directory: root) }
        #expect(message.contains("'\(root)/JPEGImages/2007_000009.jpg'") && message.contains("does not exist"), "\(message)")
        message = thrownMessage { _ = try SegmentationDataset.voc(root: F.path("folder")) }
        #expect(message.contains("is not a Pascal VOC folder"), "\(message)")
    }

    @Test func classNamesFromTheMasks() throws {
        // VOC layout with a value above 20: class_0 … class_K−1.
        let root = try F.copy("voc")
        let mask = root + "/SegmentationClass/2007_000002.png"
        var big = try SegmentationMask(contentsOf: mask)
        big[1, 1] = 24
        try writeGreyMask(big, to: mask)
        let names = try SegmentationDataset.classNames(root: root, masks: [mask], vocLayout: true)
        #expect(names.count == 25 && names.first == "class_0" && names.last == "class_24")
        #expect(try SegmentationDataset.classNames(root: F.path("voc"), masks: [mask], vocLayout: false).count == 25)
    }

    private func writeGreyMask(_ mask: SegmentationMask, to path: String) throws {
        try Data(mask.pngData()).write(to: URL(fileURLWithPath: path))
    }
}
