import Foundation
import Testing
@testable import Apus
@testable import ApusVision

@Suite struct ImageDatasetTests {
    /// Synthetic Fashion-MNIST files: `count` 28×28 images whose pixels run through every byte value
    /// (pixel = (image·131 + p·7) mod 256) and labels (image·3 mod 10).
    func writeFashionMNIST(_ dir: String, count: Int) throws -> (pixels: [UInt8], labels: [UInt8]) {
        var pixels: [UInt8] = []
        for i in 0..<count { for p in 0..<784 { pixels.append(UInt8((i * 131 + p * 7) % 256)) } }
        let labels = (0..<count).map { UInt8($0 * 3 % 10) }
        try writeFile(gzipStored(IDX.encode(pixels, shape: [count, 28, 28])), dir, "train-images-idx3-ubyte.gz")
        try writeFile(IDX.encode(labels, shape: [count]), dir, "train-labels-idx1-ubyte")
        return (pixels, labels)
    }

    /// The training set as the float path before ImageDataset built it: the whole set decoded to
    /// `(byte/255 − mean) / std` in float32 (MNISTFormat.load's loop), the first 90% a view of it.
    func oldFloatPath(_ pixels: [UInt8], _ labels: [UInt8], mean: Double, std: Double, rows: Range<Int>) -> TensorDataset {
        let n = labels.count
        let (m, s) = (Float(mean), Float(std))
        let x = Tensor(shape: [n, 1, 28, 28], of: Float.self) { out in
            for i in 0..<pixels.count { out[i] = (Float(pixels[i]) / 255 - m) / s }
        }
        let y = Tensor(scalars: labels.map { Int64($0) })
        return TensorDataset(inputs: x.slice(axis: 0, start: rows.lowerBound, end: rows.upperBound),
                             targets: y.slice(axis: 0, start: rows.lowerBound, end: rows.upperBound))
    }

    @Test func batchesEqualTheOldFloatPathBitForBit() throws {
        let dir = try makeVisionDirectory()
        let (pixels, labels) = try writeFashionMNIST(dir, count: 40)
        let images = try FashionMNIST.loadImages(directory: dir, train: true, normalized: true)
        #expect(images.count == 40 && images.exampleShape == [1, 28, 28] && images.pixels == pixels)
        // runClassification's split: the first 36 train, in the order a seeded loader draws them.
        let (train, _) = splitOffLastTenth(images)
        let old = oldFloatPath(pixels, labels, mean: FashionMNIST.mean, std: FashionMNIST.std, rows: 0..<36)
        #expect(train.count == 36)
        let order = RandomGenerator(seed: 3).permutation(36)
        for start in stride(from: 0, to: 36, by: 16) {
            let indices = Array(order[start..<min(36, start + 16)])
            let (x, y) = train.batch(at: indices)
            let (ox, oy) = old.batch(at: indices)
            #expect(x.shape == ox.shape && x.dtype == .float32)
            #expect(x.toArray(as: Float.self).map(\.bitPattern) == ox.toArray(as: Float.self).map(\.bitPattern))
            #expect(y.dtype == .int64 && y.toArray(as: Int64.self) == oy.toArray(as: Int64.self))
        }
        // Unnormalised: byte / 255, as FashionMNIST.load always gave.
        let plain = try FashionMNIST.loadImages(directory: dir, train: true)
        #expect(plain.batch(at: [5]).inputs.toArray(as: Float.self) == pixels[(5 * 784)..<(6 * 784)].map { Float($0) / 255 })
    }

    /// Every byte value of every channel becomes the float32 PyTorch's ToTensor + Normalize make of it
    /// (Tests/ApusTests/Fixtures/image_levels.json, Scripts/make_image_levels_fixture.py).
    @Test(arguments: ["fashion-mnist", "mnist", "cifar10"])
    func levelsMatchPyTorch(_ name: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/image_levels.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let entry = (json["levels"] as! [String: Any])[name] as! [String: Any]
        let (mean, std) = (entry["mean"] as! [Double], entry["std"] as! [Double])
        let expected = (entry["bits"] as! [NSNumber]).map { $0.uint32Value }
        let c = mean.count
        #expect(mean == (name == "cifar10" ? CIFAR10.mean : [name == "mnist" ? MNIST.mean : FashionMNIST.mean]))
        #expect(expected.count == c * 256)
        // One image [C, 16, 16] whose channel c holds the byte values 0…255 in order.
        let pixels = (0..<c).flatMap { _ in (0..<256).map(UInt8.init) }
        let images = ImageDataset(pixels: pixels, exampleShape: [c, 16, 16], labels: [0], mean: mean, std: std)
        #expect(images.batch(at: [0]).inputs.toArray(as: Float.self).map(\.bitPattern) == expected)
    }

    @Test func cifar10NormalisesPerChannelAsNormalizeToFloat32Rounding() throws {
        let dir = try makeVisionDirectory()
        // Records whose pixels run through every byte value in each channel.
        func record(_ r: Int) -> [UInt8] { [UInt8(r % 10)] + (0..<3072).map { UInt8(($0 * 5 + r * 17) % 256) } }
        for b in 1...5 { try writeFile(record(2 * b) + record(2 * b + 1), dir, "data_batch_\(b).bin") }
        let images = try CIFAR10.loadImages(directory: dir, train: true, normalized: true)
        #expect(images.count == 10 && images.exampleShape == [3, 32, 32])
        #expect(images.labels == [2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
        let (x, y) = images.batch(at: [7, 0, 3])
        #expect(x.shape == [3, 3, 32, 32] && y.toArray(as: Int64.self) == [9, 2, 5])
        // Normalize computes in float64 and rounds once; ImageDataset in float32 as PyTorch, whose
        // rounded mean and std move values by up to 2.4e-7 (numpy over all 256 bytes of each channel).
        let unit = try CIFAR10.load(directory: dir, train: true).batch(at: [7, 0, 3]).inputs
        let reference = Normalize(mean: CIFAR10.mean, std: CIFAR10.std)(unit).toArray(as: Float.self)
        let values = x.toArray(as: Float.self)
        #expect(zip(values, reference).map { Swift.abs($0 - $1) }.max()! <= 2.5e-7)
        // channel 1, row 2, column 3 of example 7 (record 9, the second of data_batch_4.bin):
        // pixel 1024 + 2·32 + 3 = 1091 of the record, byte (1091·5 + 9·17) mod 256
        let byte = (1091 * 5 + 9 * 17) % 256
        #expect(x.value(at: [0, 1, 2, 3]) == Double((Float(byte) / 255 - Float(CIFAR10.mean[1])) / Float(CIFAR10.std[1])))
    }

    @Test func augmentationAppliesToBatchesOfBytes() throws {
        let pixels: [UInt8] = (0..<120).map { (i: Int) -> UInt8 in UInt8(i * 2 % 256) }
        let images = ImageDataset(pixels: pixels, exampleShape: [3, 4, 5], labels: [1, 0], mean: [0.5], std: [0.25])
        let flipped = TransformedDataset(images, transform: RandomHorizontalFlip(p: 1))
        #expect(flipped.count == 2)
        let (x, y) = flipped.batch(at: [1])
        let original = images.batch(at: [1]).inputs
        #expect(y.toArray(as: Int64.self) == [0])
        // out[c, r, col] = in[c, r, 4 − col], each (byte/255 − 0.5) / 0.25
        #expect(x.value(at: [0, 2, 1, 0]) == original.value(at: [0, 2, 1, 4]))
        let byte: UInt8 = pixels[60 + 2 * 20 + 5 + 4]  // example 1, channel 2, row 1, column 4
        let expected: Float = (Float(byte) / 255 - 0.5) / 0.25
        #expect(x.value(at: [0, 2, 1, 0]) == Double(expected))
    }

    @Test func tensorDatasetHoldsEveryExample() {
        let images = ImageDataset(pixels: [0, 255, 51, 102], exampleShape: [1, 1, 2], labels: [4, 7])
        let t = images.tensorDataset()
        #expect(t.inputs.shape == [2, 1, 1, 2] && t.inputs.toArray(as: Float.self) == [0, 1, 0.2, 0.4])
        #expect(t.targets.toArray(as: Int64.self) == [4, 7])
        #expect(images.batch(at: []).inputs.shape == [0, 1, 1, 2])
    }

    @Test func badArgumentsStop() async {
        let range = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ImageDataset(pixels: [1, 2], exampleShape: [1, 1, 2], labels: [0]).batch(at: [1])
        }
        #expect(stderrText(range).contains("ImageDataset.batch: index 1 out of range for 1 examples"))
        let size = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ImageDataset(pixels: [1, 2, 3], exampleShape: [1, 1, 2], labels: [0])
        }
        #expect(stderrText(size).contains("3 pixel bytes do not hold 1 images of shape [1, 1, 2]"))
        let channels = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ImageDataset(pixels: [1, 2], exampleShape: [2, 1, 1], labels: [0], mean: [0, 0, 0], std: [1, 1, 1])
        }
        #expect(stderrText(channels).contains("one value or one per channel (2)"))
    }
}
