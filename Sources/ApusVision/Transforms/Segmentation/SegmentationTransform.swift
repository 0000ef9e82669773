import Apus

/// A transformation of an image and its segmentation mask together: the random parameters (crop
/// box, flip, size) are drawn once and applied to both, bilinear for the image's pixels and nearest
/// neighbour for the mask's class indices, with ``SegmentationMask/void`` (255) wherever the mask is
/// padded. torchvision's `references/segmentation/transforms.py` (and transforms v2's joint
/// transforms) are the model.
///
/// The image transforms that move pixels are also joint transforms: ``RandomResizedCrop``,
/// ``Resize``, ``CenterCrop``, ``RandomHorizontalFlip``, and ``RandomResize``, ``PaddedRandomCrop``,
/// ``Pad`` and ``ResizeAndPad``. Each draws from `generator` exactly as its image-only form does, so
/// the same generator state gives the same crop. Colour transforms do not apply to masks.
///
/// ```swift
/// let train = SegmentationCompose([RandomResize(minSize: 64, maxSize: 256), RandomHorizontalFlip(),
///                                  PaddedRandomCrop(128)])
/// let (image, mask) = train(photo, mask, generator: RandomGenerator(seed: 1))
/// ```
public protocol SegmentationTransform: Sendable {
    /// The transformed image and mask, which must have the same size on entry; random choices come
    /// from `generator`.
    func callAsFunction(_ image: Image, _ mask: SegmentationMask, generator: RandomGenerator)
        -> (image: Image, mask: SegmentationMask)
}

extension SegmentationTransform {
    /// The transformed image and mask, random choices drawn from `RandomGenerator.default`.
    public func callAsFunction(_ image: Image, _ mask: SegmentationMask) -> (image: Image, mask: SegmentationMask) {
        self(image, mask, generator: .default)
    }
}

/// Joint transforms applied one after the other, as the segmentation references' `Compose`.
public struct SegmentationCompose: SegmentationTransform {
    /// The transforms, in the order they are applied.
    public var transforms: [any SegmentationTransform]

    /// Applies `transforms` first to last.
    public init(_ transforms: [any SegmentationTransform]) { self.transforms = transforms }

    /// `image` and `mask` through every transform in order, all drawing from `generator`.
    public func callAsFunction(_ image: Image, _ mask: SegmentationMask, generator: RandomGenerator)
        -> (image: Image, mask: SegmentationMask) {
        transforms.reduce((image: image, mask: mask)) { pair, t in t(pair.image, pair.mask, generator: generator) }
    }
}

/// Stops with a message naming `op` when the image and the mask differ in size.
func requireSameSize(_ image: Image, _ mask: SegmentationMask, _ op: String) {
    require(image.width == mask.width && image.height == mask.height,
            "\(op): image \(image.width)×\(image.height) and mask \(mask.width)×\(mask.height) differ in size")
}

extension RandomResizedCrop: SegmentationTransform {
    /// One random crop (``parameters(height:width:scale:ratio:generator:)``), the image resized
    /// bilinearly and the mask by nearest neighbour to `height` × `width`.
    public func callAsFunction(_ image: Image, _ mask: SegmentationMask, generator: RandomGenerator)
        -> (image: Image, mask: SegmentationMask) {
        requireSameSize(image, mask, "RandomResizedCrop")
        let box = Self.parameters(height: image.height, width: image.width, scale: scale, ratio: ratio, generator: generator)
        return (image.resized(box, toHeight: height, width: width), mask.resizedNearest(box, toHeight: height, width: width))
    }
}

extension Resize: SegmentationTransform {
    /// The image resized bilinearly, the mask by nearest neighbour, to ``outputSize(height:width:)``.
    public func callAsFunction(_ image: Image, _ mask: SegmentationMask, generator: RandomGenerator)
        -> (image: Image, mask: SegmentationMask) {
        requireSameSize(image, mask, "Resize")
        let (h, w) = outputSize(height: image.height, width: image.width)
        if h == image.height && w == image.width { return (image, mask) }
        let whole = CropBox(top: 0, left: 0, height: image.height, width: image.width)
        return (image.resized(whole, toHeight: h, width: w), mask.resizedNearest(whole, toHeight: h, width: w))
    }
}

extension CenterCrop: SegmentationTransform {
    /// The middle `height` × `width` of both; where the crop reaches past them the image is padded
    /// with zeros and the mask with ``SegmentationMask/void``.
    public func callAsFunction(_ image: Image, _ mask: SegmentationMask, generator: RandomGenerator)
        -> (image: Image, mask: SegmentationMask) {
        requireSameSize(image, mask, "CenterCrop")
        let box = box(height: image.height, width: image.width)
        return (image.cropped(box), mask.cropped(box))
    }
}

extension RandomHorizontalFlip: SegmentationTransform {
    /// Both mirrored left to right with probability ``p`` (one uniform from `generator`), or neither.
    public func callAsFunction(_ image: Image, _ mask: SegmentationMask, generator: RandomGenerator)
        -> (image: Image, mask: SegmentationMask) {
        requireSameSize(image, mask, "RandomHorizontalFlip")
        guard generator.uniforms(1)[0] < p else { return (image, mask) }
        return (image.flippedHorizontally(), mask.flippedHorizontally())
    }
}

/// Resizes so that the shorter side is a random size between `minSize` and `maxSize` (both
/// included, aspect ratio kept): the segmentation references' `RandomResize(min_size, max_size)`,
/// their scale augmentation (base size 520 drawn from 260…1040 for DeepLabV3 and FCN).
public struct RandomResize: ImageTransform, SegmentationTransform {
    /// The range the shorter side is drawn from.
    public let minSize: Int, maxSize: Int

    /// Shorter sides drawn uniformly from `minSize...maxSize` (one integer per image); `maxSize` nil
    /// means `minSize` (a plain `Resize(minSize)`).
    public init(minSize: Int, maxSize: Int? = nil) {
        let maxSize = maxSize ?? minSize
        require(minSize > 0 && maxSize >= minSize, "RandomResize: need 0 < minSize <= maxSize, got \(minSize)...\(maxSize)")
        (self.minSize, self.maxSize) = (minSize, maxSize)
    }

    /// The resize of one draw: the shorter side `minSize + integer(below: maxSize − minSize + 1)`.
    func draw(_ generator: RandomGenerator) -> Resize {
        Resize(minSize == maxSize ? minSize : minSize + generator.integer(below: maxSize - minSize + 1))
    }

    /// `image` with its shorter side resized to a random size (bilinear).
    public func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image {
        draw(generator)(image, generator: generator)
    }

    /// Both resized to one random shorter side: bilinear for the image, nearest for the mask.
    public func callAsFunction(_ image: Image, _ mask: SegmentationMask, generator: RandomGenerator)
        -> (image: Image, mask: SegmentationMask) {
        draw(generator)(image, mask, generator: generator)
    }
}

/// Pads where the image is smaller than `height` × `width` (on the right and bottom), then crops
/// `height` × `width` at a random place: the segmentation references' `RandomCrop(size)` with its
/// `pad_if_smaller` (image padded with `fill`, 0 by default; mask with ``SegmentationMask/void``).
///
/// The top row is drawn uniformly from `0...H − height`, then the left column from `0...W − width`
/// (torchvision's `RandomCrop.get_params`), after padding.
public struct PaddedRandomCrop: ImageTransform, SegmentationTransform {
    /// Output height and width.
    public let height: Int, width: Int
    /// The byte the image is padded with (every channel).
    public let fill: UInt8

    /// A `size` × `size` crop.
    public init(_ size: Int, fill: UInt8 = 0) { self.init(height: size, width: size, fill: fill) }

    /// A `height` × `width` crop.
    public init(height: Int, width: Int, fill: UInt8 = 0) {
        require(height > 0 && width > 0, "PaddedRandomCrop: size must be positive, got \(height)×\(width)")
        (self.height, self.width, self.fill) = (height, width, fill)
    }

    /// The crop of an image of `imageHeight` × `imageWidth` (padded up to the crop size first).
    func box(height imageHeight: Int, width imageWidth: Int, generator: RandomGenerator) -> CropBox {
        let (h, w) = (Swift.max(imageHeight, height), Swift.max(imageWidth, width))
        let top = h == height ? 0 : generator.integer(below: h - height + 1)
        let left = w == width ? 0 : generator.integer(below: w - width + 1)
        return CropBox(top: top, left: left, height: height, width: width)
    }

    /// A random `height` × `width` crop of `image`, padded where it is smaller.
    public func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image {
        image.cropped(box(height: image.height, width: image.width, generator: generator), fill: fill)
    }

    /// One random crop of both; the mask is padded with ``SegmentationMask/void``.
    public func callAsFunction(_ image: Image, _ mask: SegmentationMask, generator: RandomGenerator)
        -> (image: Image, mask: SegmentationMask) {
        requireSameSize(image, mask, "PaddedRandomCrop")
        let box = box(height: image.height, width: image.width, generator: generator)
        return (image.cropped(box, fill: fill), mask.cropped(box))
    }
}

/// Adds rows and columns on each side: torchvision's `Pad(padding, fill)`, with the mask padded with
/// ``SegmentationMask/void`` (the references' `pad(target, fill=255)`).
public struct Pad: ImageTransform, SegmentationTransform {
    /// Columns added on the left and right, rows on the top and bottom.
    public let left: Int, top: Int, right: Int, bottom: Int
    /// The byte the image is padded with (every channel).
    public let fill: UInt8

    /// `padding` on every side.
    public init(_ padding: Int, fill: UInt8 = 0) {
        self.init(left: padding, top: padding, right: padding, bottom: padding, fill: fill)
    }

    /// The given padding on each side (non-negative).
    public init(left: Int, top: Int, right: Int, bottom: Int, fill: UInt8 = 0) {
        require(min(left, top, right, bottom) >= 0, "Pad: padding must be non-negative, got \(left), \(top), \(right), \(bottom)")
        (self.left, self.top, self.right, self.bottom, self.fill) = (left, top, right, bottom, fill)
    }

    func box(height: Int, width: Int) -> CropBox {
        CropBox(top: -top, left: -left, height: height + top + bottom, width: width + left + right)
    }

    /// `image` padded with `fill`.
    public func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image {
        image.cropped(box(height: image.height, width: image.width), fill: fill)
    }

    /// Both padded: the image with `fill`, the mask with ``SegmentationMask/void``.
    public func callAsFunction(_ image: Image, _ mask: SegmentationMask, generator: RandomGenerator)
        -> (image: Image, mask: SegmentationMask) {
        requireSameSize(image, mask, "Pad")
        let box = box(height: image.height, width: image.width)
        return (image.cropped(box, fill: fill), mask.cropped(box))
    }
}

/// Resizes so that the longer side is `size` (aspect ratio kept, the shorter side truncated as
/// torchvision's `Resize` truncates), then pads on the right and bottom to `size` × `size`: the whole
/// picture in a square batch, the mask's padding ``SegmentationMask/void`` so no metric counts it.
///
/// The evaluation transform of ``SegmentationPreprocessing``: unlike `Resize` + `CenterCrop`, it
/// evaluates every pixel of the ground truth, as torchvision's references do at batch size 1.
public struct ResizeAndPad: ImageTransform, SegmentationTransform {
    /// The side of the square output.
    public let size: Int
    /// The byte the image is padded with (every channel).
    public let fill: UInt8

    /// A `size` × `size` output.
    public init(_ size: Int, fill: UInt8 = 0) {
        require(size > 0, "ResizeAndPad: size must be positive, got \(size)")
        (self.size, self.fill) = (size, fill)
    }

    /// The size an image of `height` × `width` is resized to before padding: the longer side `size`.
    public func resizedSize(height: Int, width: Int) -> (height: Int, width: Int) {
        height >= width ? (size, Swift.max(1, Int(Double(size * width) / Double(height))))
                        : (Swift.max(1, Int(Double(size * height) / Double(width))), size)
    }

    private func steps(_ height: Int, _ width: Int) -> (Resize, Pad) {
        let (h, w) = resizedSize(height: height, width: width)
        return (Resize(height: h, width: w), Pad(left: 0, top: 0, right: size - w, bottom: size - h, fill: fill))
    }

    /// `image` fitted into `size` × `size` and padded with `fill`.
    public func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image {
        let (resize, pad) = steps(image.height, image.width)
        return pad(resize(image, generator: generator), generator: generator)
    }

    /// Both fitted into `size` × `size`: the mask by nearest neighbour, padded with ``SegmentationMask/void``.
    public func callAsFunction(_ image: Image, _ mask: SegmentationMask, generator: RandomGenerator)
        -> (image: Image, mask: SegmentationMask) {
        let (resize, pad) = steps(image.height, image.width)
        let resized = resize(image, mask, generator: generator)
        return pad(resized.image, resized.mask, generator: generator)
    }
}
