import Apus

/// Turns an ``Image`` into the float32 tensor `[C, H, W]` models take, each byte `v` becoming `v / 255`
/// in [0, 1]: torchvision's `ToTensor()` on a PIL image (channels first, rows top to bottom).
///
/// ```swift
/// let x = ToTensor()(Resize(height: 32, width: 32)(photo))     // [3, 32, 32]
/// let y = Normalize.imageNet(x)                                   // standardised per channel
/// ```
public struct ToTensor: Sendable {
    /// The conversion; it has no settings.
    public init() {}

    /// `image` as float32 `[channels, height, width]` with values `byte / 255`.
    public func callAsFunction(_ image: Image) -> Tensor {
        Tensor(shape: [image.channels, image.height, image.width], of: Float.self) { out in
            Self.write(image, levels: Levels(mean: [0], std: [1], channels: image.channels), into: out.baseAddress!)
        }
    }

    /// What each byte value of each channel becomes: `(v / 255 − mean[c]) / std[c]` in float32, the
    /// operations and roundings of torchvision's `ToTensor()` then `Normalize(mean, std)`.
    struct Levels {
        /// 256 values per channel, channel after channel.
        let values: [Float]
        let channels: Int

        /// Tables for `channels` channels from one mean and std per channel, or one for all.
        init(mean: [Float], std: [Float], channels: Int) {
            require(!mean.isEmpty && mean.count == std.count && (mean.count == 1 || mean.count == channels),
                    "ToTensor: mean \(mean) and std \(std) must have one value or one per channel (\(channels))")
            require(std.allSatisfy { $0 > 0 }, "ToTensor: std must be positive, got \(std)")
            values = (0..<channels).flatMap { c -> [Float] in
                let m = mean[mean.count == 1 ? 0 : c], s = std[std.count == 1 ? 0 : c]
                return (0..<256).map { v in (Float(v) / 255 - m) / s }
            }
            self.channels = channels
        }
    }

    /// Writes `image` normalised, `(byte / 255 − mean[c]) / std[c]` (torchvision's `ToTensor()` then
    /// `Normalize(mean, std)`, bit for bit), as `[C, H, W]` floats at `destination`, which must have room
    /// for `channels · height · width` of them: a loader fills a batch `[N, C, H, W]` by writing example
    /// `n` at `base + n · C·H·W`. `mean` and `std` hold one value per channel or one for all. Builds
    /// 256 values per channel first; ``write(_:levels:into:)`` reuses tables over many images.
    static func write(_ image: Image, mean: [Float], std: [Float], into destination: UnsafeMutablePointer<Float>) {
        write(image, levels: Levels(mean: mean, std: std, channels: image.channels), into: destination)
    }

    /// Writes `image` as `[C, H, W]` floats at `destination`, each byte `v` of channel `c` replaced by
    /// `levels.values[c · 256 + v]`.
    static func write(_ image: Image, levels: Levels, into destination: UnsafeMutablePointer<Float>) {
        require(levels.channels == image.channels,
                "ToTensor: tables for \(levels.channels) channels, image of \(image.channels)")
        let c = image.channels, plane = image.width * image.height
        image.pixels.withUnsafeBufferPointer { src in
            levels.values.withUnsafeBufferPointer { table in
                for k in 0..<c {
                    let level = table.baseAddress! + k * 256, out = destination + k * plane
                    var p = k
                    for i in 0..<plane {
                        out[i] = level[Int(src[p])]
                        p += c
                    }
                }
            }
        }
    }
}
