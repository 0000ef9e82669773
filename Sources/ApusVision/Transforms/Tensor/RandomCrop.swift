import Apus

/// Crops each image at a random place, after padding it with zeros: torchvision's
/// `RandomCrop(size, padding)` (e.g. `RandomCrop(size: 32, padding: 4)` for CIFAR-10).
///
/// For an image `[C, H, W]` padded to `[C, H+2p, W+2p]`, the top row `i` is drawn uniformly from
/// `0...H+2p-size.height`, then the left column `j` from `0...W+2p-size.width`; the output is
/// `[C, size.height, size.width]`, and `out[c, y, x] = padded[c, i+y, j+x]`.
public struct RandomCrop: Transform {
    /// Output height and width.
    public let height: Int, width: Int
    /// Zero rows and columns added on each side before cropping.
    public let padding: Int
    /// The source of the crop positions.
    public let generator: RandomGenerator

    /// A square crop of `size`×`size`.
    public init(size: Int, padding: Int = 0, generator: RandomGenerator = .default) {
        self.init(height: size, width: size, padding: padding, generator: generator)
    }

    /// A `height`×`width` crop after `padding` zeros on each side.
    public init(height: Int, width: Int, padding: Int = 0, generator: RandomGenerator = .default) {
        require(height > 0 && width > 0, "RandomCrop: size must be positive, got \(height)×\(width)")
        require(padding >= 0, "RandomCrop: padding must be non-negative, got \(padding)")
        (self.height, self.width, self.padding, self.generator) = (height, width, padding, generator)
    }

    /// The crops, `[N, C, height, width]` (or `[C, height, width]`).
    public func callAsFunction(_ images: Tensor) -> Tensor {
        let x = ImageBatch(images, op: "RandomCrop")
        let p = padding
        require(height <= x.h + 2 * p && width <= x.w + 2 * p,
                "RandomCrop: crop \(height)×\(width) is larger than the padded image \(x.h + 2 * p)×\(x.w + 2 * p)")
        var out = ImageBatch(zerosLike: x, h: height, w: width)
        for n in 0..<x.n {
            let top = generator.integer(below: x.h + 2 * p - height + 1) - p
            let left = generator.integer(below: x.w + 2 * p - width + 1) - p
            for c in 0..<x.c {
                let src = (n * x.c + c) * x.h * x.w, dst = (n * x.c + c) * height * width
                for y in 0..<height where (0..<x.h).contains(top + y) {
                    for xx in 0..<width where (0..<x.w).contains(left + xx) {
                        out.values[dst + y * width + xx] = x.values[src + (top + y) * x.w + left + xx]
                    }
                }
            }
        }
        return out.tensor
    }
}
