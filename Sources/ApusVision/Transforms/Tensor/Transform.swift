import Apus

/// A transformation of images, as torchvision's `transforms`: applied to a batch `[N, C, H, W]` or
/// to one image `[C, H, W]` of a floating-point dtype.
///
/// Random transforms draw their parameters from their `RandomGenerator` separately for each image
/// of a batch, in order, so the same generator state gives the same result.
public protocol Transform {
    /// The transformed images, of the same rank and dtype as `images`.
    func callAsFunction(_ images: Tensor) -> Tensor
}

/// Several transforms applied one after the other, as `torchvision.transforms.Compose`.
///
/// ```swift
/// let augment = Compose([RandomCrop(size: 32, padding: 4), RandomHorizontalFlip(),
///                        Normalize(mean: CIFAR10.mean, std: CIFAR10.std)])
/// ```
public struct Compose: Transform {
    /// The transforms, in the order they are applied.
    public var transforms: [any Transform]

    /// Applies `transforms` first to last.
    public init(_ transforms: [any Transform]) { self.transforms = transforms }

    /// `images` through every transform in order.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        transforms.reduce(images) { x, t in t(x) }
    }
}

/// A dataset whose inputs pass through a transform each time a batch is read: augmentation that
/// `DataLoader` applies without knowing about it.
///
/// ```swift
/// let loader = DataLoader(TransformedDataset(train, transform: augment), batchSize: 128, shuffle: true)
/// ```
public struct TransformedDataset<Base: Dataset>: Dataset {
    /// The dataset read from.
    public let base: Base
    /// Applied to the inputs `[B, C, H, W]` of each batch; targets pass unchanged.
    public let transform: any Transform

    /// Reads from `base` and passes each batch's inputs through `transform`.
    public init(_ base: Base, transform: any Transform) {
        self.base = base
        self.transform = transform
    }

    /// Number of examples, as in `base`.
    public var count: Int { base.count }

    /// The examples at `indices` from `base`, inputs transformed.
    public func batch(at indices: [Int]) throws(Base.Failure) -> (inputs: Tensor, targets: Tensor) {
        let (x, y) = try base.batch(at: indices)
        return (transform(x), y)
    }
}

/// A batch of images as float32 values `[N, C, H, W]` for the transforms' loops.
struct ImageBatch {
    var values: [Float]
    var n: Int, c: Int, h: Int, w: Int
    /// The rank and dtype of the tensor read, to give back the same.
    let rank: Int
    let dtype: DType

    init(_ images: Tensor, op: String) {
        require(images.rank == 3 || images.rank == 4,
                "\(op): expected images [N, C, H, W] or [C, H, W], got shape \(images.shape)")
        require(images.dtype.isFloatingPoint, "\(op): expected floating-point images, got \(images.dtype)")
        let s = images.rank == 4 ? images.shape : [1] + images.shape
        (n, c, h, w) = (s[0], s[1], s[2], s[3])
        rank = images.rank
        dtype = images.dtype
        values = images.toArray(as: Float.self)
    }

    /// An all-zero batch of the same number and channels of images, of size `h`×`w`.
    init(zerosLike other: ImageBatch, h: Int, w: Int) {
        (n, c, self.h, self.w, rank, dtype) = (other.n, other.c, h, w, other.rank, other.dtype)
        values = Array(repeating: 0, count: n * c * h * w)
    }

    var tensor: Tensor {
        let t = Tensor(scalars: values, shape: rank == 4 ? [n, c, h, w] : [c, h, w])
        return dtype == .float32 ? t : t.cast(to: dtype)
    }
}
