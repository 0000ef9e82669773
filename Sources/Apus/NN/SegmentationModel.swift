/// A model that scores every pixel: images `[N, C, H, W]` in, logits `[N, classes, H, W]` out
/// (``Module/forward(_:)``), with an optional auxiliary output used only for training, as
/// torchvision's segmentation models return `{"out": …, "aux": …}`.
///
/// A trainer needs one call per batch, whatever the model:
///
///     let loss = model.segmentationLoss(images, masks: masks)   // out + 0.5·aux, void pixels (255) ignored
///     loss.backward()
///
/// The protocol lives beside ``Module`` (not in ApusVision) so that training code here can use it.
public protocol SegmentationModel: Module {
    /// The main logits and, when the model has an auxiliary head, the auxiliary logits, both
    /// `[N, classes, H, W]` at the input's size (torchvision's `model(x)["out"]` and `["aux"]`).
    func segmentationOutputs(_ images: Tensor) -> (out: Tensor, aux: Tensor?)
    /// The weight of the auxiliary output's loss in ``segmentationLoss(_:masks:ignoreIndex:)``
    /// (0.5 in torchvision's reference training script).
    var auxiliaryLossWeight: Double { get }
}

extension SegmentationModel {
    /// torchvision's reference value, 0.5.
    public var auxiliaryLossWeight: Double { 0.5 }

    /// The training loss of torchvision's reference script (`criterion` in
    /// `references/segmentation/train.py`): the cross-entropy of the main logits against `masks`,
    /// plus ``auxiliaryLossWeight`` times the auxiliary logits' when there are any, each averaged
    /// over the pixels whose label is not `ignoreIndex` (255: void, the boundary pixels of
    /// Pascal VOC).
    ///
    /// - Parameters:
    ///   - images: `[N, C, H, W]`.
    ///   - masks: class indices `[N, H, W]` (an integer dtype), each in `0..<classes` or `ignoreIndex`.
    ///   - ignoreIndex: the label of pixels that count for nothing.
    /// - Returns: a 0-d tensor.
    public func segmentationLoss(_ images: Tensor, masks: Tensor, ignoreIndex: Int = 255) -> Tensor {
        segmentationLoss(outputs: segmentationOutputs(images), masks: masks, ignoreIndex: ignoreIndex)
    }

    /// The loss of ``segmentationLoss(_:masks:ignoreIndex:)`` from outputs already computed by
    /// ``segmentationOutputs(_:)`` (when the trainer also wants the logits, e.g. for metrics).
    public func segmentationLoss(outputs: (out: Tensor, aux: Tensor?), masks: Tensor, ignoreIndex: Int = 255) -> Tensor {
        require(masks.rank == 3 && outputs.out.rank == 4 && masks.shape[0] == outputs.out.shape[0]
                && Array(masks.shape[1...]) == Array(outputs.out.shape[2...]),
                "segmentationLoss: masks must be [N, H, W] matching logits \(outputs.out.shape), got \(masks.shape)")
        let main = crossEntropy(outputs.out, masks, ignoreIndex: ignoreIndex)
        guard let aux = outputs.aux else { return main }
        return main + auxiliaryLossWeight * crossEntropy(aux, masks, ignoreIndex: ignoreIndex)
    }
}
