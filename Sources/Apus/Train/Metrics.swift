/// Fraction of rows of `logits` `[N, C]` whose largest entry is at the label's index.
public func accuracy(_ logits: Tensor, _ labels: Tensor) -> Double {
    require(logits.rank == 2 && labels.shape == [logits.shape[0]],
                 "accuracy: logits \(logits.shape) and labels \(labels.shape) do not match")
    guard logits.shape[0] > 0 else { return 0 }
    let correct = (logits.argmax(axis: 1) .== labels).sum().item()
    return correct / Double(logits.shape[0])
}

/// Fraction of rows of `logits` `[N, C]` whose label is among the `k` largest entries, as
/// `torchmetrics`' top-k accuracy: a row counts when fewer than `k` of its logits are strictly
/// larger than the label's (so ties count in the label's favour).
public func topKAccuracy(_ logits: Tensor, _ labels: Tensor, k: Int) -> Double {
    require(logits.rank == 2 && labels.shape == [logits.shape[0]],
            "topKAccuracy: logits \(logits.shape) and labels \(labels.shape) do not match")
    require(k >= 1, "topKAccuracy: k must be at least 1, got \(k)")
    let n = logits.shape[0], c = logits.shape[1]
    guard n > 0 else { return 0 }
    let values = logits.toDoubles(), targets = labels.toArray(as: Int64.self)
    var correct = 0
    for i in 0..<n {
        let label = Int(targets[i])
        require(label >= 0 && label < c, "topKAccuracy: label \(label) out of range for \(c) classes")
        let target = values[i * c + label]
        var larger = 0
        for j in 0..<c where values[i * c + j] > target { larger += 1 }
        if larger < k { correct += 1 }
    }
    return Double(correct) / Double(n)
}

/// Mean of `(prediction − target)²` over all elements (same shapes), accumulated in float64.
public func meanSquaredError(_ predictions: Tensor, _ targets: Tensor) -> Double {
    meanOverElements(predictions, targets, op: "meanSquaredError") { $0 * $0 }
}

/// Mean of `|prediction − target|` over all elements (same shapes), accumulated in float64.
public func meanAbsoluteError(_ predictions: Tensor, _ targets: Tensor) -> Double {
    meanOverElements(predictions, targets, op: "meanAbsoluteError") { Swift.abs($0) }
}

/// Mean of `f(prediction − target)` over all elements, in float64; 0 for no elements.
private func meanOverElements(_ predictions: Tensor, _ targets: Tensor, op: String, _ f: (Double) -> Double) -> Double {
    require(predictions.shape == targets.shape,
            "\(op): predictions \(predictions.shape) and targets \(targets.shape) differ")
    let p = predictions.toDoubles(), t = targets.toDoubles()
    guard !p.isEmpty else { return 0 }
    var sum = 0.0
    for i in p.indices { sum += f(p[i] - t[i]) }
    return sum / Double(p.count)
}

/// Counts of (true class, predicted class) pairs for a `classes`-way classifier, with
/// per-class precision, recall and F1 and their unweighted (macro) means.
///
/// `counts[t][p]` is the number of examples of true class `t` predicted as `p` (rows: truth, as
/// scikit-learn's `confusion_matrix`). A class never predicted has precision 0, a class never
/// present has recall 0, and F1 is 0 when precision + recall is 0 (scikit-learn's `zero_division=0`).
public struct ConfusionMatrix: Sendable, Equatable, CustomStringConvertible {
    /// The number of classes: the matrix is `classes × classes`.
    public let classes: Int
    /// `counts[t][p]`: examples of true class `t` predicted as class `p`; the diagonal counts the correct ones.
    public private(set) var counts: [[Int]]

    /// An empty matrix for `classes` classes.
    public init(classes: Int) {
        require(classes >= 1, "ConfusionMatrix: classes must be at least 1, got \(classes)")
        self.classes = classes
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    /// The matrix of predicted against true class indices.
    public init(predictions: [Int], labels: [Int], classes: Int) {
        self.init(classes: classes)
        add(predictions: predictions, labels: labels)
    }

    /// The matrix of `logits` `[N, classes]` (prediction: the arg-max) against `labels` `[N]`.
    public init(logits: Tensor, labels: Tensor) {
        require(logits.rank == 2 && labels.shape == [logits.shape[0]],
                "ConfusionMatrix: logits \(logits.shape) and labels \(labels.shape) do not match")
        self.init(predictions: logits.argmax(axis: 1).toArray(as: Int64.self).map(Int.init),
                  labels: labels.toArray(as: Int64.self).map(Int.init), classes: logits.shape[1])
    }

    /// Adds predicted/true pairs (for accumulating over batches).
    public mutating func add(predictions: [Int], labels: [Int]) {
        require(predictions.count == labels.count,
                "ConfusionMatrix: \(predictions.count) predictions and \(labels.count) labels")
        for (p, t) in zip(predictions, labels) {
            require((0..<classes).contains(p) && (0..<classes).contains(t),
                    "ConfusionMatrix: class \(max(p, t)) out of range for \(classes) classes")
            counts[t][p] += 1
        }
    }

    /// Number of examples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Fraction predicted correctly (the trace over the total; 0 when empty).
    public var accuracy: Double {
        total == 0 ? 0 : Double((0..<classes).reduce(0) { $0 + counts[$1][$1] }) / Double(total)
    }
    /// Of the examples predicted as `c`, the fraction that are `c`: TP / (TP + FP).
    public func precision(_ c: Int) -> Double {
        let predicted = (0..<classes).reduce(0) { $0 + counts[$1][c] }
        return predicted == 0 ? 0 : Double(counts[c][c]) / Double(predicted)
    }
    /// Of the examples of class `c`, the fraction predicted as `c`: TP / (TP + FN).
    public func recall(_ c: Int) -> Double {
        let actual = counts[c].reduce(0, +)
        return actual == 0 ? 0 : Double(counts[c][c]) / Double(actual)
    }
    /// Harmonic mean of precision and recall of class `c`.
    public func f1(_ c: Int) -> Double {
        let p = precision(c), r = recall(c)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }
    /// Unweighted mean of the per-class precisions.
    public var macroPrecision: Double { (0..<classes).reduce(0.0) { $0 + precision($1) } / Double(classes) }
    /// Unweighted mean of the per-class recalls.
    public var macroRecall: Double { (0..<classes).reduce(0.0) { $0 + recall($1) } / Double(classes) }
    /// Unweighted mean of the per-class F1 scores (scikit-learn's `f1_score(average="macro")`).
    public var macroF1: Double { (0..<classes).reduce(0.0) { $0 + f1($1) } / Double(classes) }

    /// The counts (rows: true class, columns: predicted) followed by a per-class table.
    public var description: String {
        let width = Swift.max(String(counts.flatMap { $0 }.max() ?? 0).count, String(classes - 1).count, 4)
        func cell(_ s: String) -> String { String(repeating: " ", count: Swift.max(0, width - s.count)) + s }
        var lines = ["true\\pred " + (0..<classes).map { cell(String($0)) }.joined(separator: " ")]
        for t in 0..<classes {
            lines.append(cell(String(t)) + String(repeating: " ", count: 6) + counts[t].map { cell(String($0)) }.joined(separator: " "))
        }
        lines.append("class  precision  recall      f1  support")
        for c in 0..<classes {
            lines.append(String(format: "%5d  %9.4f  %6.4f  %6.4f  %7d", c, precision(c), recall(c), f1(c), counts[c].reduce(0, +)))
        }
        lines.append(String(format: "macro  %9.4f  %6.4f  %6.4f  %7d", macroPrecision, macroRecall, macroF1, total))
        return lines.joined(separator: "\n")
    }
}

/// Area under the ROC curve of `scores` for binary `labels` (true: positive), as scikit-learn's
/// `roc_auc_score`: the probability that a random positive scores higher than a random negative,
/// ties counting one half (the Mann–Whitney U statistic over P·N, with average ranks for ties).
/// 1 separates the classes perfectly, 0.5 is chance. NaN when either class is absent.
public func rocAUC(scores: [Double], labels: [Bool]) -> Double {
    require(scores.count == labels.count, "rocAUC: \(scores.count) scores and \(labels.count) labels")
    require(scores.allSatisfy { !$0.isNaN }, "rocAUC: scores must not be NaN")
    let positives = labels.filter { $0 }.count, negatives = labels.count - positives
    guard positives > 0, negatives > 0 else { return .nan }
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    // Sum of the (1-based, tie-averaged) ranks of the positives.
    var rankSum = 0.0, start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
        let averageRank = Double(start + end) / 2 + 1
        for i in start...end where labels[order[i]] { rankSum += averageRank }
        start = end + 1
    }
    let p = Double(positives)
    return (rankSum - p * (p + 1) / 2) / (p * Double(negatives))
}

/// ``rocAUC(scores:labels:)`` of tensors: `scores` `[N]` (any floating or integer dtype) and
/// `labels` `[N]`, positive where non-zero (bool, int64 or floating).
public func rocAUC(scores: Tensor, labels: Tensor) -> Double {
    require(scores.rank == 1 && labels.shape == scores.shape, "rocAUC: scores \(scores.shape) and labels \(labels.shape) must be [N]")
    return rocAUC(scores: scores.toDoubles(), labels: labels.toDoubles().map { $0 != 0 })
}

/// Purity of a clustering against the true classes: each cluster counts its most frequent class,
/// `purity = (1/N) Σ_clusters max_class |cluster ∩ class|` (Manning et al., Introduction to
/// Information Retrieval, §16.3). 1 when every cluster holds one class; a single cluster scores the
/// share of the largest class. Cluster and class ids are any integers; 0 for no points.
public func clusterPurity(clusters: [Int], labels: [Int]) -> Double {
    require(clusters.count == labels.count, "clusterPurity: \(clusters.count) cluster ids and \(labels.count) labels")
    guard !clusters.isEmpty else { return 0 }
    var counts: [Int: [Int: Int]] = [:]
    for (c, l) in zip(clusters, labels) { counts[c, default: [:]][l, default: 0] += 1 }
    let majority = counts.values.reduce(0) { $0 + ($1.values.max() ?? 0) }
    return Double(majority) / Double(clusters.count)
}

/// ``clusterPurity(clusters:labels:)`` of integer tensors `[N]` (e.g. ``KMeans/predict(_:)`` and class labels).
public func clusterPurity(clusters: Tensor, labels: Tensor) -> Double {
    require(clusters.rank == 1 && labels.shape == clusters.shape,
            "clusterPurity: clusters \(clusters.shape) and labels \(labels.shape) must be [N]")
    return clusterPurity(clusters: clusters.toDoubles().map { Int($0) }, labels: labels.toDoubles().map { Int($0) })
}
