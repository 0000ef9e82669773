import Foundation
import Testing
@testable import Apus

/// Tensors written by Scripts/make_normalization_fixture.py (PyTorch, float64).
private enum NormFixture {
    struct Entry: Decodable { let shape: [Int]; let values: [Double] }
    struct File: Decodable { let torch: String; let tensors: [String: Entry] }

    static let tensors: [String: Entry] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/normalization.json")
        let data = try! Data(contentsOf: url)
        return try! JSONDecoder().decode(File.self, from: data).tensors
    }()

    static func tensor(_ name: String) -> Tensor {
        guard let e = tensors[name] else { fatalError("fixture has no tensor \(name)") }
        return Tensor(shape: e.shape, values: e.values, dtype: .float64)
    }
}

/// Largest |a − b| over all elements (shapes must match).
private func maxDifference(_ a: Tensor?, _ b: Tensor) -> Double {
    guard let a, a.shape == b.shape else { return .infinity }
    return zip(a.toDoubles(), b.toDoubles()).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
}

@Suite struct NormalizationTests {
    // MARK: Against PyTorch

    /// Three training steps (output, gradients, running statistics after each update), then
    /// evaluation with the running statistics, for BatchNorm2d, BatchNorm1d on [N, C] and
    /// [N, C, L], and the cumulative average (momentum nil).
    @Test(arguments: [("bn2d", 0.1), ("bn1d", 0.1), ("bn1d_length", 0.1), ("bn1d_cumulative", nil)] as [(String, Double?)])
    func batchNormMatchesPyTorch(_ prefix: String, _ momentum: Double?) {
        let f = NormFixture.tensor
        let weight = f(prefix + ".weight")
        let c = weight.count
        let layer: BatchNorm = f(prefix + ".train0.x").rank == 4
            ? BatchNorm2d(c, momentum: momentum, dtype: .float64) : BatchNorm1d(c, momentum: momentum, dtype: .float64)
        layer.weight!.assign(weight)
        layer.bias!.assign(f(prefix + ".bias"))
        for step in 0..<3 {
            let p = "\(prefix).train\(step)."
            let x = f(p + "x").requiringGrad()
            layer.zeroGrad()
            let y = layer(x)
            y.backward(f(p + "g"))
            #expect(maxDifference(y, f(p + "y")) < 1e-6, "\(p)y")
            #expect(maxDifference(x.grad, f(p + "dx")) < 1e-6, "\(p)dx")
            #expect(maxDifference(layer.weight!.grad, f(p + "dweight")) < 1e-6, "\(p)dweight")
            #expect(maxDifference(layer.bias!.grad, f(p + "dbias")) < 1e-6, "\(p)dbias")
            #expect(maxDifference(layer.runningMean!.value, f(p + "running_mean")) < 1e-6, "\(p)running_mean")
            #expect(maxDifference(layer.runningVar!.value, f(p + "running_var")) < 1e-6, "\(p)running_var")
            #expect(layer.numBatchesTracked!.value.item() == Double(step + 1))
        }
        layer.eval()
        let x = f(prefix + ".eval.x").requiringGrad()
        layer.zeroGrad()
        let y = layer(x)
        y.backward(f(prefix + ".eval.g"))
        #expect(maxDifference(y, f(prefix + ".eval.y")) < 1e-6)
        #expect(maxDifference(x.grad, f(prefix + ".eval.dx")) < 1e-6)
        #expect(maxDifference(layer.weight!.grad, f(prefix + ".eval.dweight")) < 1e-6)
        #expect(maxDifference(layer.bias!.grad, f(prefix + ".eval.dbias")) < 1e-6)
        #expect(layer.numBatchesTracked!.value.item() == 3, "evaluation does not count batches")
    }

    @Test func layerNormMatchesPyTorch() {
        let f = NormFixture.tensor
        let layer = LayerNorm([3, 4], dtype: .float64)
        layer.weight!.assign(f("ln.weight"))
        layer.bias!.assign(f("ln.bias"))
        let x = f("ln.x").requiringGrad()
        let y = layer(x)
        y.backward(f("ln.g"))
        #expect(maxDifference(y, f("ln.y")) < 1e-6)
        #expect(maxDifference(x.grad, f("ln.dx")) < 1e-6)
        #expect(maxDifference(layer.weight!.grad, f("ln.dweight")) < 1e-6)
        #expect(maxDifference(layer.bias!.grad, f("ln.dbias")) < 1e-6)
    }

    @Test func weightNormMatchesPyTorch() {
        let f = NormFixture.tensor
        let linear = Linear(4, 3, dtype: .float64)
        linear.weight.assign(f("wn.initial_weight"))
        linear.bias!.assign(f("wn.bias"))
        let layer = WeightNorm(linear)
        #expect(maxDifference(layer.weightG.value, f("wn.initial_g")) < 1e-12, "g starts as ‖W‖ per row, shape [3, 1]")
        #expect(maxDifference(layer.weight, f("wn.initial_weight")) < 1e-12, "the effective weight starts as W")
        layer.weightG.assign(f("wn.g"))
        layer.weightV.assign(f("wn.v"))
        let x = f("wn.x").requiringGrad()
        let y = layer(x)
        y.backward(f("wn.grad_output"))
        #expect(maxDifference(y, f("wn.y")) < 1e-6)
        #expect(maxDifference(x.grad, f("wn.dx")) < 1e-6)
        #expect(maxDifference(layer.weightG.grad, f("wn.dg")) < 1e-6)
        #expect(maxDifference(layer.weightV.grad, f("wn.dv")) < 1e-6)
        #expect(maxDifference(linear.bias!.grad, f("wn.dbias")) < 1e-6)
    }

    // MARK: Modules

    @Test func batchNormStateUsesPyTorchNames() {
        let model = Sequential(Linear(3, 4), BatchNorm1d(4), ReLU())
        #expect(model.stateDict().map(\.name) == [
            "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
        ])
        let bn = BatchNorm2d(2)
        #expect(bn.numBatchesTracked!.value.dtype == .int64 && bn.numBatchesTracked!.value.shape == [])
        #expect(bn.runningMean!.value.toDoubles() == [0, 0] && bn.runningVar!.value.toDoubles() == [1, 1])
        #expect(bn.weight!.value.toDoubles() == [1, 1] && bn.bias!.value.toDoubles() == [0, 0])
        #expect(BatchNorm1d(3, affine: false, trackRunningStats: false).stateDict().isEmpty)
    }

    /// Hand-computed: channel values [1, 3] (mean 2, biased variance 1, unbiased 2).
    @Test func batchNormTrainingStatisticsByHand() {
        let bn = BatchNorm1d(1, eps: 0, dtype: .float64)
        let y = bn(Tensor(shape: [2, 1], values: [1, 3], dtype: .float64))
        #expect(y.toDoubles() == [-1, 1])
        #expect(bn.runningMean!.value.toDoubles() == [0.2])              // 0.9·0 + 0.1·2
        #expect(Swift.abs(bn.runningVar!.value.item() - 1.1) < 1e-15)   // 0.9·1 + 0.1·2 (unbiased)
        bn.eval()
        // (x − 0.2) / √1.1
        #expect(Swift.abs(bn(Tensor(shape: [1, 1], values: [1.3], dtype: .float64)).item() - 1.1 / 1.1.squareRoot()) < 1e-15)
    }

    /// Without running statistics the layer normalises with the batch's in evaluation too.
    @Test func batchNormWithoutRunningStatsUsesBatchStatisticsInEval() {
        let bn = BatchNorm1d(1, eps: 0, affine: false, trackRunningStats: false, dtype: .float64)
        bn.eval()
        #expect(bn(Tensor(shape: [2, 1], values: [1, 3], dtype: .float64)).toDoubles() == [-1, 1])
    }

    @Test func batchNormFloat32MatchesFloat64() {
        let x = Tensor.randn([8, 3, 5, 5], dtype: .float64, generator: RandomGenerator(seed: 3)) * 3 + 1
        let w = Tensor([0.5, -1.0, 2.0], dtype: .float64), b = Tensor([0.1, 0.2, -0.3], dtype: .float64)
        let y64 = batchNorm(x, weight: w, bias: b, training: true)
        let y32 = batchNorm(x.cast(to: .float32), weight: w.cast(to: .float32), bias: b.cast(to: .float32), training: true)
        #expect(y32.dtype == .float32)
        #expect(maxDifference(y32.cast(to: .float64), y64) < 1e-5)
    }

    @Test func layerNormNormalisesEachRow() {
        let x = Tensor([[1.0, 2.0, 3.0, 6.0], [-1.0, -1.0, 1.0, 1.0]], dtype: .float64)
        let y = LayerNorm(4, eps: 0, elementwiseAffine: false, dtype: .float64)(x)
        // Row 2: mean 0, variance 1 → unchanged. Row 1: mean 3, variance (4+1+0+9)/4 = 3.5.
        let s = 3.5.squareRoot()
        #expect(Approx.equal(y, [-2 / s, -1 / s, 0, 3 / s, -1, -1, 1, 1], absolute: 1e-15))
        #expect(LayerNorm(4).namedParameters().map(\.name) == ["weight", "bias"])
    }

    @Test func weightNormKeepsTheOutputAndNamesParametersLikePyTorch() {
        let linear = Linear(5, 3, generator: RandomGenerator(seed: 2))
        let x = Tensor.randn([4, 5], generator: RandomGenerator(seed: 3))
        let before = linear(x)
        let model = Sequential(WeightNorm(linear), ReLU())
        #expect(model.namedParameters().map(\.name) == ["0.weight_g", "0.weight_v", "0.bias"])
        #expect(model.parameters().contains { $0 === linear.bias })
        #expect(!model.parameters().contains { $0 === linear.weight }, "the layer's own weight is not trained")
        #expect(maxDifference(model.layers[0](x).cast(to: .float64), before.cast(to: .float64)) < 1e-6)
        #expect((model.layers[0] as! WeightNorm<Linear>).weightG.shape == [3, 1])
    }

    // MARK: Errors

    @Test func batchNormNeedsMoreThanOneValuePerChannelInTraining() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm1d(3)(Tensor.ones([1, 3]))
        }
        let message = stderrText(result)
        #expect(message.contains("more than 1 value per channel") && message.contains("[1, 3]"))
    }

    @Test func batchNormRejectsAWrongChannelCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm2d(3)(Tensor.ones([2, 4, 2, 2]))
        }
        let message = stderrText(result)
        #expect(message.contains("BatchNorm2d(3)") && message.contains("[2, 4, 2, 2]"))
    }

    @Test func layerNormRejectsAMismatchedShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = LayerNorm(5)(Tensor.ones([2, 4]))
        }
        let message = stderrText(result)
        #expect(message.contains("layerNorm") && message.contains("[2, 4]") && message.contains("[5]"))
    }
}
