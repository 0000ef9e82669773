import Apus

/// Cuts the middle `height` × `width` out of each image: torchvision's `CenterCrop(size)`.
///
/// The crop starts at row `round((H − height) / 2)` and column `round((W − width) / 2)`, rounding halves
/// to even as Python's `round` does (a 23-row image cropped to 10 starts at row 6, not 7). Along an axis
/// where the image is smaller than the crop, it is first padded with zeros, `(crop − size) / 2` before
/// and the rest after, as torchvision pads.
///
/// ```swift
/// let eval = ImageCompose([Resize(256), CenterCrop(224)])
/// ```
public struct CenterCrop: ImageTransform {
    /// Output height and width.
    public let height: Int, width: Int

    /// A `size` × `size` crop.
    public init(_ size: Int) { self.init(height: size, width: size) }

    /// A `height` × `width` crop.
    public init(height: Int, width: Int) {
        require(height > 0 && width > 0, "CenterCrop: size must be positive, got \(height)×\(width)")
        (self.height, self.width) = (height, width)
    }

    /// Where the crop lies in an image of `height` × `width`: negative offsets and a box reaching past the
    /// image where it is padded.
    public func box(height imageHeight: Int, width imageWidth: Int) -> CropBox {
        func offset(_ size: Int, _ crop: Int) -> Int {
            crop > size ? -((crop - size) / 2) : Int((Double(size - crop) / 2).rounded(.toNearestOrEven))
        }
        return CropBox(top: offset(imageHeight, height), left: offset(imageWidth, width), height: height, width: width)
    }

    /// The middle `height` × `width` pixels of `image`, zeros where the crop reaches past it.
    public func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image {
        image.cropped(box(height: image.height, width: image.width))
    }
}

extension Image {
    /// The pixels inside `box`, zeros where it reaches past the image (PIL's `Image.crop`).
    func cropped(_ box: CropBox) -> Image {
        let c = channels
        // The rows and columns of the box inside the image.
        let top = Swift.max(box.top, 0), bottom = Swift.min(box.top + box.height, height)
        let first = Swift.max(box.left, 0), last = Swift.min(box.left + box.width, width)
        var out = [UInt8](repeating: 0, count: box.height * box.width * c)
        if top < bottom && first < last {
            pixels.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for y in top..<bottom {
                        (dst.baseAddress! + ((y - box.top) * box.width + first - box.left) * c)
                            .update(from: src.baseAddress! + (y * width + first) * c, count: (last - first) * c)
                    }
                }
            }
        }
        return Image(width: box.width, height: box.height, channels: c, pixels: out)
    }
}
