import Apus

/// Labelled images kept as their file's bytes and turned into normalised float32 one batch at a
/// time, as torchvision's datasets do with `ToTensor()` and `Normalize(mean, std)` per item.
///
/// A byte `b` of channel `c` becomes `(Float(b) / 255 − Float(mean[c])) / Float(std[c])`, computed
/// in float32 as torchvision does, so a batch holds exactly the floats PyTorch would. The images
/// take a quarter of the memory of a float32 tensor (Fashion-MNIST's 60,000 training images:
/// 47 MB instead of 188 MB); converting a batch of 64 costs a table look-up per pixel.
///
/// ```swift
/// let train = try FashionMNIST.loadImages(train: true, normalized: true)   // 60000 examples [1, 28, 28]
/// let (x, y) = train.batch(at: [0, 1, 2])                                   // x [3, 1, 28, 28] float32, y [3] int64
/// ```
public struct ImageDataset: Dataset, Sendable {
    /// Pixel bytes of every example, one after the other, each `exampleShape` in row-major order.
    public let pixels: [UInt8]
    /// Shape of one example, `[C, H, W]`.
    public let exampleShape: [Int]
    /// Class of each example.
    public let labels: [Int64]
    /// Per-channel mean and standard deviation of the normalisation, on the [0, 1] scale (one value
    /// serves every channel); 0 and 1 leave pixels at `byte / 255`.
    public let mean: [Double], std: [Double]
    /// The float each byte value becomes, per channel: `levels[c · 256 + b]`.
    let levels: [Float]
    /// Bytes per example.
    let exampleSize: Int

    /// Images of `exampleShape` (`[C, H, W]`) stored back to back in `pixels`, one label each,
    /// normalised per channel with `mean` and `std` (one value each, or one per channel; `std` positive).
    public init(pixels: [UInt8], exampleShape: [Int], labels: [Int64], mean: [Double] = [0], std: [Double] = [1]) {
        require(exampleShape.count == 3 && exampleShape.allSatisfy { $0 > 0 },
                "ImageDataset: expected an example shape [C, H, W] of positive sizes, got \(exampleShape)")
        let size = exampleShape.reduce(1, *)
        require(pixels.count == labels.count * size,
                "ImageDataset: \(pixels.count) pixel bytes do not hold \(labels.count) images of shape \(exampleShape)")
        let channels = exampleShape[0]
        require(!mean.isEmpty && mean.count == std.count && (mean.count == 1 || mean.count == channels),
                "ImageDataset: mean \(mean) and std \(std) must have one value or one per channel (\(channels))")
        require(std.allSatisfy { $0 > 0 }, "ImageDataset: std must be positive, got \(std)")
        (self.pixels, self.exampleShape, self.labels, self.mean, self.std) = (pixels, exampleShape, labels, mean, std)
        exampleSize = size
        levels = (0..<channels).flatMap { c -> [Float] in
            let m = Float(mean[mean.count == 1 ? 0 : c]), s = Float(std[std.count == 1 ? 0 : c])
            return (0..<256).map { b in (Float(b) / 255 - m) / s }
        }
    }

    /// Number of examples.
    public var count: Int { labels.count }

    /// The examples at `indices`: inputs float32 `[indices.count, C, H, W]` normalised, targets int64 `[indices.count]`.
    public func batch(at indices: [Int]) -> (inputs: Tensor, targets: Tensor) {
        let (n, size, plane) = (count, exampleSize, exampleSize / exampleShape[0])
        for i in indices { require(i >= 0 && i < n, "ImageDataset.batch: index \(i) out of range for \(n) examples") }
        let inputs = Tensor(shape: [indices.count] + exampleShape, of: Float.self) { out in
            pixels.withUnsafeBufferPointer { src in
                levels.withUnsafeBufferPointer { table in
                    var o = 0
                    for i in indices {
                        var p = i * size
                        for c in 0..<exampleShape[0] {
                            let level = table.baseAddress! + c * 256
                            for _ in 0..<plane {
                                out[o] = level[Int(src[p])]
                                o += 1
                                p += 1
                            }
                        }
                    }
                }
            }
        }
        return (inputs, Tensor(scalars: indices.map { labels[$0] }))
    }

    /// Every example as float32 tensors (four times the memory of the bytes), in order.
    public func tensorDataset() -> TensorDataset {
        let (inputs, targets) = batch(at: Array(0..<count))
        return TensorDataset(inputs: inputs, targets: targets)
    }
}
