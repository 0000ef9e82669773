/// The confusion matrix of a semantic-segmentation model over a whole evaluated set, and the metrics
/// read from it: per-class IoU, mean IoU, pixel accuracy and per-class accuracy. torchvision's
/// `references/segmentation/utils.py` `ConfusionMatrix`, the numbers its reference scripts print.
///
/// Every batch adds its pixels to one `classes × classes` matrix of counts (rows: ground truth,
/// columns: prediction); pixels whose target is `ignoreIndex` (255, void) are left out. The metrics
/// are computed once from the totals, never averaged over batches:
/// - IoU of class c: `M[c,c] / (Σ_p M[c,p] + Σ_t M[t,c] − M[c,c])` (torchvision's `iu`);
/// - pixel accuracy: `Σ_c M[c,c] / Σ M` (torchvision's `acc_global`);
/// - accuracy of class c: `M[c,c] / Σ_p M[c,p]` (torchvision's `acc`, the class's recall).
///
/// A class absent from both the ground truth and the predictions has no IoU: 0/0, NaN in
/// ``iou`` as in torchvision. ``meanIoU`` averages over the classes that have one (NaN-mean),
/// which equals `torchmetrics.classification.MulticlassJaccardIndex(average="macro")` (it gives
/// such classes weight 0); torchvision's reference prints `iu.mean()`, NaN as soon as one class is
/// absent. ``meanClassAccuracy`` likewise averages over the classes present in the ground truth.
///
/// ```swift
/// var matrix = SegmentationConfusionMatrix(classes: 21)
/// for (images, masks) in loader { matrix.add(logits: model(images), targets: masks) }
/// print(matrix.meanIoU, matrix.pixelAccuracy, matrix.iou)
/// ```
public struct SegmentationConfusionMatrix: Sendable, Equatable, CustomStringConvertible {
    /// The number of classes: the matrix is `classes × classes`.
    public let classes: Int
    /// The target value left out (255, torchvision's and VOC's void).
    public let ignoreIndex: Int
    /// `counts[t · classes + p]`: pixels of true class `t` predicted as `p`, row-major.
    public private(set) var counts: [Int]

    /// An empty matrix for `classes` classes, leaving out targets equal to `ignoreIndex`.
    public init(classes: Int, ignoreIndex: Int = 255) {
        require(classes >= 1, "SegmentationConfusionMatrix: classes must be at least 1, got \(classes)")
        (self.classes, self.ignoreIndex) = (classes, ignoreIndex)
        counts = [Int](repeating: 0, count: classes * classes)
    }

    /// Pixels of true class `t` predicted as `p`.
    public subscript(truth t: Int, predicted p: Int) -> Int { counts[t * classes + p] }

    /// Adds the pixels of `predictions` (class indices) against `targets` (class indices or
    /// `ignoreIndex`), two integer tensors of one shape (`[N, H, W]`, or any). Stops when a
    /// prediction, or a target other than `ignoreIndex`, is outside `0..<classes`.
    public mutating func add(predictions: Tensor, targets: Tensor) {
        require(predictions.shape == targets.shape,
                "SegmentationConfusionMatrix: predictions \(predictions.shape) and targets \(targets.shape) differ in shape")
        require(!predictions.dtype.isFloatingPoint && !targets.dtype.isFloatingPoint,
                "SegmentationConfusionMatrix: predictions and targets must be integer class indices, got \(predictions.dtype) and \(targets.dtype)")
        let p = predictions.dtype == .int64 ? predictions.contiguous() : predictions.cast(to: .int64).contiguous()
        let t = targets.dtype == .int64 ? targets.contiguous() : targets.cast(to: .int64).contiguous()
        let n = p.count, k = classes, ignored = Int64(ignoreIndex)
        let pp = p.storage.pointer(Int64.self) + p.offset, tp = t.storage.pointer(Int64.self) + t.offset
        counts.withUnsafeMutableBufferPointer { m in
            let m = m.baseAddress!
            for i in 0..<n {
                let truth = tp[i]
                if truth == ignored { continue }
                let guess = pp[i]
                require(UInt64(bitPattern: truth) < UInt64(k) && UInt64(bitPattern: guess) < UInt64(k),
                        "SegmentationConfusionMatrix: target \(truth) or prediction \(guess) is outside 0..<\(k) "
                        + "(and the target is not the ignore index \(ignoreIndex))")
                m[Int(truth) &* k &+ Int(guess)] &+= 1
            }
        }
    }

    /// Adds the arg-max over axis 1 of `logits` `[N, classes, H, W]` against `targets` `[N, H, W]`.
    public mutating func add(logits: Tensor, targets: Tensor) {
        require(logits.rank >= 2 && logits.shape[1] == classes,
                "SegmentationConfusionMatrix: logits \(logits.shape) must be [N, \(classes), …]")
        add(predictions: noGrad { logits.argmax(axis: 1) }, targets: targets)
    }

    /// Adds the counts of another matrix of the same classes (another worker's share of the set).
    public mutating func merge(_ other: SegmentationConfusionMatrix) {
        require(other.classes == classes, "SegmentationConfusionMatrix.merge: \(other.classes) classes, expected \(classes)")
        for i in counts.indices { counts[i] += other.counts[i] }
    }

    /// Pixels counted (void left out).
    public var total: Int { counts.reduce(0, +) }

    private var diagonal: [Int] { (0..<classes).map { counts[$0 * classes + $0] } }
    private var rowSums: [Int] { (0..<classes).map { t in counts[(t * classes)..<((t + 1) * classes)].reduce(0, +) } }
    private var columnSums: [Int] { (0..<classes).map { p in (0..<classes).reduce(0) { $0 + counts[$1 * classes + p] } } }

    /// IoU of each class, `TP / (TP + FP + FN)`; NaN for a class absent from both ground truth and predictions.
    public var iou: [Double] {
        let (d, rows, columns) = (diagonal, rowSums, columnSums)
        return (0..<classes).map { c in Double(d[c]) / Double(rows[c] + columns[c] - d[c]) }
    }

    /// Mean of the per-class IoUs that are defined (classes present in the ground truth or the
    /// predictions): torchmetrics' macro `MulticlassJaccardIndex`; NaN when nothing was counted.
    public var meanIoU: Double { Self.nanMean(iou) }

    /// Fraction of the counted pixels predicted correctly; NaN when nothing was counted.
    public var pixelAccuracy: Double { Double(diagonal.reduce(0, +)) / Double(total) }

    /// Accuracy (recall) of each class, `TP / (TP + FN)`; NaN for a class absent from the ground truth.
    public var classAccuracy: [Double] {
        let (d, rows) = (diagonal, rowSums)
        return (0..<classes).map { Double(d[$0]) / Double(rows[$0]) }
    }

    /// Mean of the per-class accuracies that are defined (classes present in the ground truth).
    public var meanClassAccuracy: Double { Self.nanMean(classAccuracy) }

    private static func nanMean(_ values: [Double]) -> Double {
        let defined = values.filter { !$0.isNaN }
        return defined.isEmpty ? .nan : defined.reduce(0, +) / Double(defined.count)
    }

    /// torchvision's summary: global accuracy, per-class accuracy, per-class IoU and mean IoU, in percent.
    public var description: String {
        func percent(_ x: Double) -> String { x.isNaN ? "nan" : String(Double((x * 1000).rounded()) / 10) }
        return "global correct: \(percent(pixelAccuracy))\n"
            + "average row correct: [\(classAccuracy.map(percent).joined(separator: ", "))]\n"
            + "IoU: [\(iou.map(percent).joined(separator: ", "))]\n"
            + "mean IoU: \(percent(meanIoU))"
    }
}
