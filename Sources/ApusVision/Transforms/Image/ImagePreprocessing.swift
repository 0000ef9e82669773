import Apus
import Foundation

/// How a decoded image becomes a model's input: its channels, an optional resize and centre crop,
/// and the per-channel normalisation. This is the evaluation transform of a training run, written
/// into its checkpoint (metadata `preprocessing`, JSON) so that ``ImageClassifier`` prepares new
/// images exactly as the run prepared its validation and test images.
///
/// ```swift
/// ImagePreprocessing.imageNet      // torchvision's eval transform: Resize(256), CenterCrop(224), ImageNet mean/std
/// ```
public struct ImagePreprocessing: MetadataRecord, Sendable, Equatable {
    /// 3 (RGB; grey files repeated) or 1 (grey; colour files converted to luma).
    public var channels: Int
    /// `Resize(n)`: the shorter side becomes n, keeping the aspect ratio; nil: no resizing.
    public var resize: Int?
    /// `CenterCrop(n)`: the central n×n square; nil: no crop.
    public var crop: Int?
    /// Per-channel mean and standard deviation on the [0, 1] scale (one value serves every channel).
    public var mean: [Double], std: [Double]

    /// Checks the values: 1 or 3 channels, positive sizes, as many means as positive stds.
    public init(channels: Int, resize: Int? = nil, crop: Int? = nil, mean: [Double], std: [Double]) {
        require(channels == 1 || channels == 3, "ImagePreprocessing: channels must be 1 or 3, got \(channels)")
        require((resize ?? 1) > 0 && (crop ?? 1) > 0, "ImagePreprocessing: sizes must be positive, got \(resize ?? 0), \(crop ?? 0)")
        require(!mean.isEmpty && mean.count == std.count && std.allSatisfy { $0 > 0 },
                "ImagePreprocessing: need as many means as positive stds, got mean \(mean), std \(std)")
        (self.channels, self.resize, self.crop, self.mean, self.std) = (channels, resize, crop, mean, std)
    }

    /// torchvision's evaluation transform for its ImageNet models: `Resize(256)`, `CenterCrop(224)`,
    /// RGB, ImageNet's mean and standard deviation.
    public static let imageNet = ImagePreprocessing(channels: 3, resize: 256, crop: 224,
                                                    mean: ImageNormalization.imageNet.mean, std: ImageNormalization.imageNet.std)

    /// The metadata key a checkpoint stores it under.
    public static let metadataKey = "preprocessing"

    /// The normalisation as an ``ImageFolder`` takes it.
    public var normalization: ImageNormalization { ImageNormalization(mean: mean, std: std) }

    /// `Resize` then `CenterCrop`, those that are set; nil when neither is.
    public var transform: (any ImageTransform)? {
        var steps: [any ImageTransform] = []
        if let resize { steps.append(Resize(resize)) }
        if let crop { steps.append(CenterCrop(crop)) }
        return steps.isEmpty ? nil : ImageCompose(steps)
    }

    /// `image` converted to ``channels``, resized and cropped, as float32 `[C, H, W]` standardised
    /// per channel: `(byte / 255 − mean[c]) / std[c]`, the floats an ``ImageFolder`` batch holds.
    public func tensor(for image: Image) -> Tensor {
        let converted = channels == 3 ? image.rgb() : image.grayscale()
        let prepared = transform.map { $0(converted) } ?? converted
        let (h, w) = (prepared.height, prepared.width)
        let levels = normalization.levels(channels: channels)
        return Tensor(shape: [channels, h, w], of: Float.self) { out in
            ImageFolder.write(prepared, levels: levels, into: out.baseAddress!)
        }
    }

    /// Reads the JSON that `json` writes; throws `ApusError.corruptFile(path:reason:)` naming `path` when the text is not one.
    public init(json: String, path: String) throws {
        self = try Self.decode(json: json, path: path, what: "image preprocessing")
        guard channels == 1 || channels == 3, (resize ?? 1) > 0, (crop ?? 1) > 0,
              !mean.isEmpty, mean.count == std.count, std.allSatisfy({ $0 > 0 }) else {
            throw ApusError.corruptFile(path: path, reason: "metadata '\(Self.metadataKey)' has values out of range: \(json)")
        }
    }
}
