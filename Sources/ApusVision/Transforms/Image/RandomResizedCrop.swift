import Apus
import Foundation

/// Crops a random part of each image, of random area and aspect ratio, and resizes it to a fixed size
/// with antialiased bilinear filtering: torchvision's `RandomResizedCrop(size, scale, ratio)`, the usual
/// ImageNet training augmentation.
///
/// The crop's area is a fraction of the image's drawn uniformly from `scale`, its width / height ratio is
/// drawn log-uniformly from `ratio`, and its place uniformly among those that fit (see
/// ``parameters(height:width:scale:ratio:generator:)``). Cropping and resizing are one pass over the
/// crop's pixels, as torchvision's `F.resized_crop`; the output is `height` × `width`.
///
/// ```swift
/// let train = ImageCompose([RandomResizedCrop(224), RandomHorizontalFlip()])
/// ```
public struct RandomResizedCrop: ImageTransform {
    /// Output height and width.
    public let height: Int, width: Int
    /// Range of the crop's area as a fraction of the image's.
    public let scale: ClosedRange<Double>
    /// Range of the crop's width / height.
    public let ratio: ClosedRange<Double>

    /// Square `size` × `size` outputs from crops of 8 % to all of the image, width / height from 3/4 to 4/3
    /// (torchvision's defaults).
    public init(_ size: Int, scale: ClosedRange<Double> = 0.08...1, ratio: ClosedRange<Double> = 3.0 / 4...4.0 / 3) {
        self.init(height: size, width: size, scale: scale, ratio: ratio)
    }

    /// `height` × `width` outputs; `scale` must be non-negative with a positive upper end, `ratio` positive.
    public init(height: Int, width: Int, scale: ClosedRange<Double> = 0.08...1,
                ratio: ClosedRange<Double> = 3.0 / 4...4.0 / 3) {
        require(height > 0 && width > 0, "RandomResizedCrop: size must be positive, got \(height)×\(width)")
        require(scale.lowerBound >= 0 && scale.upperBound > 0,
                "RandomResizedCrop: scale must be a range of non-negative area fractions, got \(scale)")
        require(ratio.lowerBound > 0, "RandomResizedCrop: ratio must be a range of positive aspect ratios, got \(ratio)")
        (self.height, self.width, self.scale, self.ratio) = (height, width, scale, ratio)
    }

    /// A random crop of an image of `height` × `width`, as torchvision's `RandomResizedCrop.get_params`.
    ///
    /// Up to 10 tries: an area `A = height · width · s` with `s` uniform in `scale` and an aspect ratio
    /// `r = exp(u)` with `u` uniform in `log(ratio)` (two uniforms per try) give the crop's width
    /// `round(√(A·r))` and height `round(√(A/r))`, Python's rounding of halves to even; the first crop that
    /// fits (both sides positive and no larger than the image) is placed at a uniform row, then a uniform
    /// column. When none fits, the crop is the largest centred one whose ratio is `width / height` clamped
    /// to `ratio`.
    public static func parameters(height: Int, width: Int, scale: ClosedRange<Double>, ratio: ClosedRange<Double>,
                                  generator: RandomGenerator) -> CropBox {
        let area = Double(height * width)
        let logRatio = (low: log(ratio.lowerBound), high: log(ratio.upperBound))
        for _ in 0..<10 {
            let u = generator.uniforms(2)
            let targetArea = area * (scale.lowerBound + (scale.upperBound - scale.lowerBound) * u[0])
            let aspect = exp(logRatio.low + (logRatio.high - logRatio.low) * u[1])
            let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if 0 < w && w <= width && 0 < h && h <= height {
                let top = generator.integer(below: height - h + 1)
                let left = generator.integer(below: width - w + 1)
                return CropBox(top: top, left: left, height: h, width: w)
            }
        }
        let inRatio = Double(width) / Double(height)
        var (h, w) = (height, width)
        if inRatio < ratio.lowerBound {
            h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if inRatio > ratio.upperBound {
            w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        return CropBox(top: (height - h) / 2, left: (width - w) / 2, height: h, width: w)
    }

    /// A random crop of `image` resized to `height` × `width`.
    public func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image {
        let box = Self.parameters(height: image.height, width: image.width, scale: scale, ratio: ratio,
                                  generator: generator)
        return image.resized(box, toHeight: height, width: width)
    }
}
