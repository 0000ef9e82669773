import Foundation
import Testing
@testable import Apus

// All expected numbers below are worked out by hand in the comments.

struct MetricsTests {
    @Test func topKAccuracyCountsLabelsAmongTheKLargest() {
        let logits = Tensor([[0.1, 0.5, 0.4], [0.3, 0.2, 0.5], [0.9, 0.05, 0.05]])
        // Labels 2, 0, 1: each label has exactly one larger logit (0.5, 0.5, 0.9); row 2's tie
        // with 0.05 is not "larger". So none in the top 1, all in the top 2.
        let labels = Tensor([2, 0, 1])
        #expect(topKAccuracy(logits, labels, k: 1) == 0)
        #expect(topKAccuracy(logits, labels, k: 2) == 1)
        #expect(topKAccuracy(logits, labels, k: 3) == 1)
        // Labels 1, 0, 1: row 0's label is the largest; the others are second.
        let mixed = Tensor([1, 0, 1])
        #expect(abs(topKAccuracy(logits, mixed, k: 1) - 1.0 / 3) < 1e-15)
        #expect(topKAccuracy(logits, mixed, k: 2) == 1)
        // Without ties, top-1 is accuracy.
        let distinct = Tensor([[0.1, 0.5, 0.4], [0.3, 0.2, 0.5], [0.9, 0.06, 0.04]])
        for l in [Tensor([1, 2, 0]), Tensor([0, 2, 2]), Tensor([2, 1, 1])] {
            #expect(topKAccuracy(distinct, l, k: 1) == accuracy(distinct, l))
        }
        #expect(topKAccuracy(Tensor.zeros([0, 3]), Tensor(scalars: [Int64]()), k: 2) == 0)
    }

    @Test func meanSquaredAndAbsoluteError() {
        // Differences 0, 2, −3 → squares 0, 4, 9 (mean 13/3), absolute values 0, 2, 3 (mean 5/3).
        let p = Tensor([1.0, 2.0, 3.0]), t = Tensor([1.0, 0.0, 6.0])
        #expect(abs(meanSquaredError(p, t) - 13.0 / 3) < 1e-12)
        #expect(abs(meanAbsoluteError(p, t) - 5.0 / 3) < 1e-12)
        // Any shape, float64 accumulation: [[0.5, −0.5]] against zeros → 0.25 and 0.5.
        let q = Tensor([[0.5, -0.5]]).cast(to: .float64)
        #expect(meanSquaredError(q, .zeros([1, 2], dtype: .float64)) == 0.25)
        #expect(meanAbsoluteError(q, .zeros([1, 2], dtype: .float64)) == 0.5)
        #expect(meanSquaredError(Tensor.zeros([0]), Tensor.zeros([0])) == 0)
    }

    @Test func confusionMatrixCountsAndScores() {
        // (truth, prediction) pairs: (0,0) (1,1) (2,1) (2,2) (2,2) (0,2) (1,0).
        let m = ConfusionMatrix(predictions: [0, 1, 1, 2, 2, 2, 0], labels: [0, 1, 2, 2, 2, 0, 1], classes: 3)
        #expect(m.counts == [[1, 0, 1], [1, 1, 0], [0, 1, 2]])
        #expect(m.total == 7)
        #expect(abs(m.accuracy - 4.0 / 7) < 1e-15)
        // Precision: diagonal over column sums 2, 2, 3. Recall: diagonal over row sums 2, 2, 3.
        #expect(m.precision(0) == 0.5 && m.precision(1) == 0.5 && abs(m.precision(2) - 2.0 / 3) < 1e-15)
        #expect(m.recall(0) == 0.5 && m.recall(1) == 0.5 && abs(m.recall(2) - 2.0 / 3) < 1e-15)
        #expect(m.f1(0) == 0.5 && abs(m.f1(2) - 2.0 / 3) < 1e-15)
        // Macro F1 = (1/2 + 1/2 + 2/3) / 3 = 5/9.
        #expect(abs(m.macroF1 - 5.0 / 9) < 1e-15)
        #expect(abs(m.macroPrecision - 5.0 / 9) < 1e-15 && abs(m.macroRecall - 5.0 / 9) < 1e-15)
    }

    @Test func confusionMatrixWithAbsentClassesAndFromLogits() {
        // Class 1 is never predicted, class 2 never occurs: their scores are 0, not NaN.
        let m = ConfusionMatrix(predictions: [0, 0, 2], labels: [0, 1, 1], classes: 3)
        #expect(m.counts == [[1, 0, 0], [1, 0, 1], [0, 0, 0]])
        #expect(m.precision(1) == 0 && m.recall(2) == 0 && m.f1(2) == 0 && m.f1(1) == 0)
        // Class 0: precision 1/2, recall 1 → F1 2/3. Macro recall = (1 + 0 + 0) / 3.
        #expect(abs(m.f1(0) - 2.0 / 3) < 1e-15 && abs(m.macroRecall - 1.0 / 3) < 1e-15)

        // Predictions are the arg-max of each row: 0, 1, 0.
        var fromLogits = ConfusionMatrix(logits: Tensor([[2.0, 1.0], [0.0, 3.0], [5.0, -1.0]]), labels: Tensor([0, 0, 1]))
        #expect(fromLogits.counts == [[1, 1], [1, 0]])
        fromLogits.add(predictions: [1], labels: [1])
        #expect(fromLogits.counts == [[1, 1], [1, 1]] && fromLogits.accuracy == 0.5)
    }

    @Test func confusionMatrixPrintsCountsAndPerClassTable() {
        let m = ConfusionMatrix(predictions: [0, 1, 1], labels: [0, 1, 0], classes: 2)
        // counts [[1, 1], [0, 1]]; class 0: precision 1, recall 0.5, F1 2/3; class 1: precision 0.5, recall 1, F1 2/3.
        #expect(m.description == """
            true\\pred    0    1
               0         1    1
               1         0    1
            class  precision  recall      f1  support
                0     1.0000  0.5000  0.6667        2
                1     0.5000  1.0000  0.6667        1
            macro     0.7500  0.7500  0.6667        3
            """)
    }

    @Test func metricPresetsNameTheirLogKeys() {
        #expect(Metric.accuracy.name == "accuracy" && Metric.topKAccuracy(5).name == "top5_accuracy")
        #expect(Metric.meanSquaredError.name == "mse" && Metric.meanAbsoluteError.name == "mae")
        let logits = Tensor([[0.1, 0.9], [0.8, 0.2]])
        #expect(Metric.accuracy.compute(logits, Tensor([1, 1])) == 0.5)
        #expect(Metric.topKAccuracy(2).compute(logits, Tensor([0, 1])) == 1)
    }

    @Test func logsKeepOrderAndPrintFourDecimals() {
        var logs = Logs(["loss": 0.123456, "accuracy": 0.5])
        logs["lr"] = 0.05
        logs["val_loss"] = 1
        #expect(logs.keys == ["loss", "accuracy", "lr", "val_loss"])
        #expect(logs.description == "loss 0.1235  accuracy 0.5000  lr 0.05  val_loss 1.0000")
        logs["accuracy"] = nil
        logs["loss"] = 2
        #expect(logs.keys == ["loss", "lr", "val_loss"] && logs["loss"] == 2)
        #expect(Logs(["lr": 1e-5]).description == "lr 1e-05")
    }
}
