import Foundation
import Testing
@testable import Apus

/// The confusion matrix of segmentation against torchvision's reference formulas and torchmetrics,
/// on the fixture of Scripts/make_segmentation_fixtures.py (void pixels, a class absent from both
/// the predictions and the ground truth, two batches accumulated).
@Suite struct SegmentationMetricsTests {
    private struct Fixture: Decodable {
        struct Torchvision: Decodable { let acc_global: Double; let acc: [Number]; let iu: [Number]; let iu_mean: Number }
        struct Torchmetrics: Decodable { let version: String; let macro: Double; let none: [Double] }
        let classes: Int, shape: [Int], targets: [Int64], predictions: [Int64], matrix: [Int]
        let torchvision: Torchvision, torchmetrics: Torchmetrics
    }

    /// A number or the string "nan".
    private struct Number: Decodable {
        let value: Double
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let number = try? c.decode(Double.self) {
                value = number
            } else {
                value = try c.decode(String.self) == "nan" ? .nan : 0
            }
        }
    }

    private func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/segmentation/metrics.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    private func close(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool {
        a.isNaN ? b.isNaN : Swift.abs(a - b) <= tol
    }

    /// Both batches added one after the other.
    private func accumulated(_ f: Fixture) -> SegmentationConfusionMatrix {
        var m = SegmentationConfusionMatrix(classes: f.classes)
        let per = f.shape.reduce(1, *)
        for b in 0..<2 {
            let t = Tensor(shape: f.shape, values: f.targets[(b * per)..<((b + 1) * per)].map { Double($0) }, dtype: .int64)
            let p = Tensor(shape: f.shape, values: f.predictions[(b * per)..<((b + 1) * per)].map { Double($0) }, dtype: .int64)
            m.add(predictions: p, targets: t)
        }
        return m
    }

    @Test func equalsTorchvisionConfusionMatrix() throws {
        let f = try fixture()
        let m = accumulated(f)
        #expect(m.counts == f.matrix, "the accumulated matrix differs from torchvision's bincount")
        #expect(close(m.pixelAccuracy, f.torchvision.acc_global))
        for c in 0..<f.classes {
            #expect(close(m.iou[c], f.torchvision.iu[c].value), "IoU of class \(c): \(m.iou[c]), torchvision \(f.torchvision.iu[c].value)")
            #expect(close(m.classAccuracy[c], f.torchvision.acc[c].value), "accuracy of class \(c)")
        }
        // Class 5 is absent from both: its IoU is NaN, and torchvision's printed mean IoU is NaN.
        #expect(m.iou[5].isNaN && f.torchvision.iu_mean.value.isNaN)
        // Ours is the mean of the defined IoUs.
        let defined = m.iou.filter { !$0.isNaN }
        #expect(defined.count == 5 && close(m.meanIoU, defined.reduce(0, +) / 5))
        #expect(close(m.meanClassAccuracy, m.classAccuracy.prefix(5).reduce(0, +) / 5))
    }

    @Test func meanIoUEqualsTorchmetricsMacroJaccard() throws {
        let f = try fixture()
        let m = accumulated(f)
        // torchmetrics computes in float32.
        #expect(close(m.meanIoU, f.torchmetrics.macro, 1e-6), "mean IoU \(m.meanIoU), torchmetrics \(f.torchmetrics.version) \(f.torchmetrics.macro)")
        for c in 0..<5 { #expect(close(m.iou[c], f.torchmetrics.none[c], 1e-6)) }
        // torchmetrics' per-class score of the absent class is 0 (zero_division), ours NaN (torchvision's).
        #expect(f.torchmetrics.none[5] == 0 && m.iou[5].isNaN)
    }

    @Test func logitsIntegerTypesAndMerging() throws {
        let f = try fixture()
        let whole = accumulated(f)
        // The same predictions as one-hot logits [N, C, H, W].
        let n = f.targets.count / f.shape.dropFirst().reduce(1, *)
        let (h, w) = (f.shape[1], f.shape[2])
        var logits = [Double](repeating: 0, count: n * f.classes * h * w)
        for i in 0..<n { for y in 0..<h { for x in 0..<w {
            let p = Int(f.predictions[(i * h + y) * w + x])
            logits[((i * f.classes + p) * h + y) * w + x] = 1
        } } }
        var fromLogits = SegmentationConfusionMatrix(classes: f.classes)
        fromLogits.add(logits: Tensor(shape: [n, f.classes, h, w], values: logits, dtype: .float32),
                       targets: Tensor(shape: [n, h, w], values: f.targets.map { Double($0) }, dtype: .int64))
        #expect(fromLogits == whole)
        // Two halves merged; uint8 masks.
        var a = SegmentationConfusionMatrix(classes: f.classes), b = a
        let half = f.targets.count / 2
        a.add(predictions: Tensor(shape: [half], values: f.predictions[..<half].map { Double($0) }, dtype: .uint8),
              targets: Tensor(shape: [half], values: f.targets[..<half].map { Double($0) }, dtype: .uint8))
        b.add(predictions: Tensor(shape: [half], values: f.predictions[half...].map { Double($0) }, dtype: .int32),
              targets: Tensor(shape: [half], values: f.targets[half...].map { Double($0) }, dtype: .int64))
        a.merge(b)
        #expect(a == whole)
        #expect(SegmentationConfusionMatrix(classes: 3).meanIoU.isNaN)
        #expect(whole.description.contains("mean IoU"))
    }

    @Test func outOfRangeLabelsStop() async {
        await #expect(processExitsWith: .failure) {
            var m = SegmentationConfusionMatrix(classes: 3)
            m.add(predictions: Tensor(shape: [2], values: [0, 1], dtype: .int64), targets: Tensor(shape: [2], values: [0, 7], dtype: .int64))
        }
    }
}
