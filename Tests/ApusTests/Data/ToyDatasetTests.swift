import Foundation
import Testing
@testable import Apus

struct ToyDatasetTests {
    private func rows(_ d: TensorDataset) -> [(x: Double, y: Double, label: Int)] {
        let p = d.inputs.toDoubles(), l = d.targets.toDoubles()
        return l.indices.map { (p[2 * $0], p[2 * $0 + 1], Int(l[$0])) }
    }

    @Test func circlesLieOnTheirRadiiWithoutNoise() {
        let d = ToyDatasets.circles(count: 100, noise: 0, factor: 0.3)
        #expect(d.inputs.shape == [100, 2] && d.targets.dtype == .int64)
        for r in rows(d) {
            let radius: Double = (r.x * r.x + r.y * r.y).squareRoot()
            let expected: Double = r.label == 0 ? 1 : 0.3
            #expect(Swift.abs(radius - expected) < 1e-6)
        }
    }

    @Test func moonsAreBalancedAndSeeded() {
        let a = ToyDatasets.moons(count: 101, generator: RandomGenerator(seed: 3))
        let b = ToyDatasets.moons(count: 101, generator: RandomGenerator(seed: 3))
        let c = ToyDatasets.moons(count: 101, generator: RandomGenerator(seed: 4))
        #expect(a.inputs == b.inputs && a.inputs != c.inputs)
        #expect(rows(a).filter { $0.label == 0 }.count == 50)
        // Without noise the upper moon has y ≥ 0 and the lower one y ≤ 0.5.
        for r in rows(ToyDatasets.moons(count: 40, noise: 0)) {
            let inside: Bool = r.label == 0 ? r.y >= -1e-6 : r.y <= 0.5 + 1e-6
            #expect(inside)
        }
    }

    @Test func spiralAndBlobsHaveOneLabelPerClass() {
        let s = ToyDatasets.spiral(countPerClass: 30, classes: 4)
        #expect(s.inputs.shape == [120, 2] && Set(rows(s).map(\.label)) == [0, 1, 2, 3])
        let b = ToyDatasets.blobs(countPerClass: 500, centers: [(5, 5), (-5, 0)], std: 0.5)
        let first = rows(b).filter { $0.label == 0 }
        let meanX: Double = first.map(\.x).reduce(0, +) / 500
        #expect(Swift.abs(meanX - 5) < 0.1)
    }

    @Test func decisionBoundaryColoursEachSideByPredictedClass() {
        let inputs = Tensor([[-1.0, -1.0], [1.0, 1.0]]), labels = Tensor(shape: [2], values: [0, 1], dtype: .int64)
        // Score = x coordinate: class 1 on the right half.
        let image = DecisionBoundary.image(of: { $0.slice(axis: 1, start: 0, end: 1) }, inputs: inputs, labels: labels,
                                           width: 40, height: 20)
        let left = image[2, 10], right = image[37, 10]
        // palette colours 0 (31, 119, 180) and 1 (255, 127, 14), lightened to (c + 2·255) / 3
        #expect([left.0, left.1, left.2] == [180, 209, 230])
        #expect([right.0, right.1, right.2] == [255, 212, 174])
        // The labelled points are drawn in full colour: (−1, −1) maps to the lower left.
        let dot = image[Int(0.1 / 1.2 * 40), Int(1.1 / 1.2 * 20)]
        #expect([dot.0, dot.1, dot.2] == [31, 119, 180])
    }
}
