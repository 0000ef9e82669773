import Apus

/// A transformation of one decoded ``Image`` of any size, as torchvision's transforms on PIL
/// images: resizing, cropping, flipping, colour changes.
///
/// Random transforms draw every number from the `generator` they are given, so the same
/// generator state gives the same image. ``ImageFolder`` hands each example a generator of its
/// own, derived from the loader's seed, the pass and the example's index: batches then do not
/// depend on which worker thread read them.
public protocol ImageTransform: Sendable {
    /// The transformed image; random choices come from `generator`.
    func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image
}

extension ImageTransform {
    /// The transformed image, random choices drawn from `RandomGenerator.default`.
    public func callAsFunction(_ image: Image) -> Image { self(image, generator: .default) }
}

/// Several image transforms applied one after the other, as `torchvision.transforms.Compose`.
///
/// ```swift
/// let train = ImageCompose([RandomResizedCrop(224), RandomHorizontalFlip()])
/// let eval = ImageCompose([Resize(256), CenterCrop(224)])
/// ```
public struct ImageCompose: ImageTransform {
    /// The transforms, in the order they are applied.
    public var transforms: [any ImageTransform]

    /// Applies `transforms` first to last.
    public init(_ transforms: [any ImageTransform]) { self.transforms = transforms }

    /// `image` through every transform in order, all drawing from `generator`.
    public func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image {
        transforms.reduce(image) { x, t in t(x, generator: generator) }
    }
}
