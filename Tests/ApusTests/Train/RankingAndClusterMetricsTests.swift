import Testing
@testable import Apus

struct RankingAndClusterMetricsTests {
    @Test func rocAUCKnownValues() {
        // scikit-learn's roc_auc_score documentation example.
        #expect(rocAUC(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
        #expect(rocAUC(scores: [1, 2, 3, 4], labels: [false, false, true, true]) == 1)
        #expect(rocAUC(scores: [4, 3, 2, 1], labels: [false, false, true, true]) == 0)
        // Ties count one half: all equal is chance.
        #expect(rocAUC(scores: [0.5, 0.5, 0.5, 0.5], labels: [false, true, false, true]) == 0.5)
        // One tie between a positive and a negative out of 2·2 pairs: (3 + ½) / 4.
        #expect(rocAUC(scores: [0.1, 0.5, 0.5, 0.9], labels: [false, false, true, true]) == 0.875)
        // Tensor form: labels non-zero are positive.
        #expect(rocAUC(scores: Tensor([0.1, 0.4, 0.35, 0.8]), labels: Tensor([0, 0, 1, 1])) == 0.75)
        #expect(rocAUC(scores: [1, 2], labels: [true, true]).isNaN)
    }

    @Test func clusterPurityKnownValues() {
        // Manning, Raghavan and Schütze, Figure 16.4: clusters of 6, 6 and 5 points whose majority
        // classes hold 5, 4 and 3 of them: purity 12/17.
        let clusters = Array(repeating: 0, count: 6) + Array(repeating: 1, count: 6) + Array(repeating: 2, count: 5)
        let labels = [0, 0, 0, 0, 0, 1] + [0, 1, 1, 1, 1, 2] + [0, 0, 2, 2, 2]
        #expect(clusterPurity(clusters: clusters, labels: labels) == 12.0 / 17)
        #expect(clusterPurity(clusters: [7, 7, 3, 3], labels: [1, 1, 0, 0]) == 1)
        #expect(clusterPurity(clusters: [0, 0, 0, 0], labels: [1, 1, 0, 2]) == 0.5)
        #expect(clusterPurity(clusters: Tensor([1, 1, 2]), labels: Tensor([5, 5, 5])) == 1)
        #expect(clusterPurity(clusters: [], labels: []) == 0)
    }
}
