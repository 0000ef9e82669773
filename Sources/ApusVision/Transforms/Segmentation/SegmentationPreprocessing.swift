import Apus

/// How images and masks are prepared for a segmentation model, from one image size: the joint
/// training and evaluation transforms and the per-channel normalisation. Written into a training
/// run's checkpoint (metadata `segmentation_preprocessing`, JSON) so that a predictor prepares new
/// images as the run prepared its validation images.
///
/// With `imageSize` N (`apus train --task segmentation --image-size N`):
/// - training: ``RandomResize`` of the shorter side to N/2…2N, ``RandomHorizontalFlip``, then
///   ``PaddedRandomCrop`` of N × N (image padded with 0, mask with 255): torchvision's
///   `references/segmentation` training transform (`RandomResize(0.5·base, 2·base)`, flip,
///   `RandomCrop(crop)`) with base size and crop size both N (the references use 520 and 480);
/// - evaluation: ``ResizeAndPad`` to N × N (the longer side N, the rest padded, mask padding void),
///   so every ground-truth pixel is scored in a fixed-size batch; the references instead resize the
///   shorter side to the base size and evaluate one image at a time.
///
/// Without an image size there are no transforms and every image of a batch must have one size.
/// Floats are `(byte / 255 − mean[c]) / std[c]` with ImageNet's statistics, as the classification
/// pipeline and torchvision's pretrained backbones expect.
///
/// ```swift
/// let prep = SegmentationPreprocessing(imageSize: 128)
/// let loader = DataLoader(voc.withTransform(prep.trainTransform), batchSize: 8, shuffle: true, workers: 2)
/// ```
public struct SegmentationPreprocessing: MetadataRecord, Sendable, Equatable {
    /// The side of the square training crops and evaluation inputs; nil: images are used as they are.
    public var imageSize: Int?
    /// Per-channel mean and standard deviation on the [0, 1] scale.
    public var mean: [Double], std: [Double]

    /// The metadata key a checkpoint stores it under.
    public static let metadataKey = "segmentation_preprocessing"

    /// The pipelines of `imageSize` (1…4096 when given) with `mean` and `std` (ImageNet's by default).
    public init(imageSize: Int?, mean: [Double] = ImageNormalization.imageNet.mean,
                std: [Double] = ImageNormalization.imageNet.std) {
        require((imageSize ?? 1) > 0, "SegmentationPreprocessing: imageSize must be positive, got \(imageSize ?? 0)")
        require(!mean.isEmpty && mean.count == std.count && std.allSatisfy { $0 > 0 },
                "SegmentationPreprocessing: need as many means as positive stds, got mean \(mean), std \(std)")
        (self.imageSize, self.mean, self.std) = (imageSize, mean, std)
    }

    /// The normalisation as a ``SegmentationDataset`` takes it.
    public var normalization: ImageNormalization { ImageNormalization(mean: mean, std: std) }

    /// Random resize of the shorter side to N/2…2N, horizontal flip, random N × N crop padded with
    /// void; nil without an image size.
    public var trainTransform: (any SegmentationTransform)? {
        imageSize.map { n in
            SegmentationCompose([RandomResize(minSize: Swift.max(1, n / 2), maxSize: 2 * n), RandomHorizontalFlip(),
                                 PaddedRandomCrop(n)])
        }
    }

    /// ``ResizeAndPad`` to N × N; nil without an image size.
    public var evalTransform: (any SegmentationTransform)? { imageSize.map { ResizeAndPad($0) } }

    /// A new image as the model's input: float32 `[3, H, W]` after the evaluation transform
    /// (`[3, N, N]` with an image size), and the rows and columns at its top left that hold the
    /// picture (the rest is padding): crop the logits to them, then resize to the image's own size.
    public func input(for image: Image) -> (input: Tensor, height: Int, width: Int) {
        let rgb = image.rgb()
        var prepared = rgb, (h, w) = (rgb.height, rgb.width)
        if let imageSize {
            let fit = ResizeAndPad(imageSize)
            (h, w) = fit.resizedSize(height: rgb.height, width: rgb.width)
            prepared = fit(rgb)
        }
        let levels = normalization.levels(channels: 3)
        let input = Tensor(shape: [3, prepared.height, prepared.width], of: Float.self) { out in
            ImageFolder.write(prepared, levels: levels, into: out.baseAddress!)
        }
        return (input, h, w)
    }

    /// Reads the JSON that `json` writes; throws `ApusError.corruptFile(path:reason:)` naming `path`
    /// when the text is not one.
    public init(json: String, path: String) throws {
        self = try Self.decode(json: json, path: path, what: "segmentation preprocessing")
        guard (imageSize ?? 1) > 0, !mean.isEmpty, mean.count == std.count, std.allSatisfy({ $0 > 0 }) else {
            throw ApusError.corruptFile(path: path, reason: "metadata '\(Self.metadataKey)' has values out of range: \(json)")
        }
    }
}
