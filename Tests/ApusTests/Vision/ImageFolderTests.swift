import Foundation
import Testing
@testable import Apus
@testable import ApusVision

/// A PNG of `width`×`height` whose pixel (x, y) is (base + x, base + y, base + x + y) (mod 256).
private func writeImage(_ directory: String, _ name: String, width: Int = 6, height: Int = 4, base: Int = 0) throws {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width { image[x, y] = (UInt8((base + x) % 256), UInt8((base + y) % 256), UInt8((base + x + y) % 256)) }
    }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try image.writePNG(to: directory + "/" + name)
}

/// A folder of two classes, with hidden and non-image entries that must be left out.
private func makeFolder() throws -> String {
    let root = try makeVisionDirectory()
    try writeImage(root + "/dog", "b.png", base: 20)
    try writeImage(root + "/dog", "A.PNG", base: 10)
    try writeImage(root + "/cat", "z.png", base: 30)
    try writeImage(root + "/cat/kittens", "k.png", base: 40)
    try writeImage(root + "/cat", ".hidden.png", base: 50)
    try writeImage(root + "/.cache", "c.png", base: 60)
    try writeFile(Array("not an image".utf8), root + "/cat", "notes.txt")
    return root
}

@Test func imageFolderScansLikeTorchvision() throws {
    let root = try makeFolder()
    let folder = try ImageFolder(root: root)
    #expect(folder.classes == ["cat", "dog"])
    #expect(folder.classToIndex == ["cat": 0, "dog": 1])
    #expect(folder.paths.map { String($0.dropFirst(root.count + 1)) } == ["cat/z.png", "cat/kittens/k.png", "dog/A.PNG", "dog/b.png"])
    #expect(folder.labels == [0, 0, 1, 1])
    #expect(folder.count == 4)
}

@Test func imageFolderBatchHoldsNormalisedPixels() throws {
    let root = try makeFolder()
    let folder = try ImageFolder(root: root, normalization: .imageNet)
    let (x, y) = try folder.batch(at: [2, 0])
    #expect(x.shape == [2, 3, 4, 6] && x.dtype == .float32)
    #expect(y.toArray(as: Int64.self) == [1, 0])
    let values = x.toArray(as: Float.self)
    // Image 0 of the batch is dog/A.PNG (base 10): channel 1 at (x 2, y 3) holds byte 13.
    let expected = (Float(13) / 255 - Float(0.456)) / Float(0.224)
    #expect(values[1 * 24 + 3 * 6 + 2] == expected)
    // Grey output: luma of the RGB pixel, as PIL's convert("L").
    let grey = try ImageFolder(root: root, channels: 1)
    let (g, _) = try grey.batch(at: [0])
    #expect(g.shape == [1, 1, 4, 6])
    let (r, gr, b) = (30, 30, 30)   // cat/z.png at (0, 0)
    #expect(g.toArray(as: Float.self)[0] == Float((r * 19595 + gr * 38470 + b * 7471 + 0x8000) >> 16) / 255)
}

@Test func imageFolderRejectsBadLayouts() throws {
    let root = try makeVisionDirectory()
    #expect(thrownMessage { _ = try ImageFolder(root: root + "/missing") }.contains("does not exist"))
    #expect(thrownMessage { _ = try ImageFolder(root: root) }.contains("no class folders"))
    try FileManager.default.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
    try writeFile([1, 2, 3], root + "/empty", "readme.md")
    #expect(thrownMessage { _ = try ImageFolder(root: root) }.contains("holds no image files"))
}

@Test func aDamagedFileIsAnErrorNamingIt() throws {
    let root = try makeFolder()
    let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/dog/b.png")))
    try writeFile(Array(png.prefix(40)), root + "/dog", "b.png")
    let folder = try ImageFolder(root: root)
    let message = thrownMessage { _ = try folder.batch(at: [3]) }
    #expect(message.contains("dog/b.png"), "\(message)")
    for workers in [0, 2] {
        var batches = DataLoader(folder, batchSize: 1, workers: workers).batches()
        var read = 0
        let error = thrownMessage { while try batches.next() != nil { read += 1 } }
        #expect(read == 3 && error.contains("dog/b.png"), "\(error)")
    }
}

@Test func imagesOfDifferentSizesNeedATransform() throws {
    let root = try makeVisionDirectory()
    try writeImage(root + "/a", "1.png", width: 6, height: 4)
    try writeImage(root + "/a", "2.png", width: 5, height: 4)
    let folder = try ImageFolder(root: root)
    #expect(thrownMessage { _ = try folder.batch(at: [0, 1]) }.contains("--image-size"))
    let resized = folder.withTransform(ImageCompose([Resize(3), CenterCrop(3)]))
    #expect(try resized.batch(at: [0, 1]).inputs.shape == [2, 3, 3, 3])
}

@Test(arguments: [1, 4])
func augmentedBatchesDoNotDependOnWorkers(workers: Int) throws {
    let root = try makeVisionDirectory()
    for i in 0..<10 { try writeImage(root + "/\(i % 2)", "\(i).png", width: 20 + i, height: 16, base: 7 * i) }
    let folder = try ImageFolder(root: root, transform: ImageCompose([RandomResizedCrop(8), RandomHorizontalFlip()]))
    func passes(_ workers: Int) throws -> [[Float]] {
        let loader = DataLoader(folder, batchSize: 3, shuffle: true, generator: RandomGenerator(seed: 5), workers: workers)
        var out: [[Float]] = []
        for _ in 0..<2 {
            var batches = loader.batches()
            while let (x, y) = try batches.next().map({ ($0.inputs, $0.targets) }) {
                let labels: [Float] = y.toArray(as: Float.self)
                out.append(x.toArray(as: Float.self) + labels)
            }
        }
        return out
    }
    let serial = try passes(0)
    #expect(serial.count == 8)
    #expect(try passes(workers) == serial)
    #expect(serial[0..<4] != serial[4..<8])   // each pass draws new crops
}

@Test func classificationDataSplitsAFolderOrUsesTrainAndVal() throws {
    let root = try makeVisionDirectory()
    for i in 0..<20 { try writeImage(root + "/\(i < 10 ? "cat" : "dog")", "\(i).png", width: 12, height: 10) }
    let data = try ImageFolder.classificationData(directory: root, imageSize: 8, seed: 1)
    #expect((data.train.count, data.validation?.count, data.test.count) == (16, 2, 2))
    #expect(data.classNames == ["cat", "dog"] && data.classes == 2)
    #expect(try data.train.batch(at: [0]).inputs.shape == [1, 3, 8, 8])
    #expect(data.train.isRandom)

    let split = try makeVisionDirectory()
    for part in ["train", "val"] {
        for c in ["a", "b"] { try writeImage(split + "/\(part)/\(c)", "x.png") }
    }
    let given = try ImageFolder.classificationData(directory: split)
    #expect((given.train.count, given.validation?.count, given.test.count) == (2, 2, 2))
    try writeImage(split + "/val/c", "x.png")
    #expect(thrownMessage { _ = try ImageFolder.classificationData(directory: split) }.contains("classes"))
    #expect(thrownMessage { _ = try ImageFolder.classificationData(directory: split, imageSize: 0) }.contains("--image-size"))
}
