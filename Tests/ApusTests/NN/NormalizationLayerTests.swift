// GroupNorm, InstanceNorm1d/2d/3d, RMSNorm and LayerNorm's options as layers: PyTorch's parameter
// and buffer names, initial values, modes; the group-norm kernel's two schedules (whole rows per
// thread, or chunks of rows spread over the pool) against each other and a float64 reference.

import Foundation
import Testing
@testable import Apus

@Suite struct NormalizationLayerTests {
    // MARK: Names, shapes and initial values

    @Test func groupNormStateIsPyTorchs() {
        let layer = GroupNorm(numGroups: 2, numChannels: 6)
        #expect(layer.stateDict().map(\.name) == ["weight", "bias"])
        #expect(layer.weight!.value == Tensor.ones([6]))
        #expect(layer.bias!.value == Tensor.zeros([6]))
        #expect(GroupNorm(numGroups: 3, numChannels: 6, affine: false).stateDict().isEmpty)
    }

    @Test func instanceNormStateIsPyTorchs() {
        #expect(InstanceNorm2d(3).stateDict().isEmpty, "PyTorch's default: no affine, no running statistics")
        let layer = InstanceNorm2d(3, affine: true, trackRunningStats: true)
        #expect(layer.stateDict().map(\.name) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
        #expect(layer.runningMean!.value == Tensor.zeros([3]))
        #expect(layer.runningVar!.value == Tensor.ones([3]))
        #expect(layer.numBatchesTracked!.value.dtype == .int64)
        let model = Sequential(Conv2d(3, 4, kernelSize: 3), InstanceNorm2d(4, affine: true))
        #expect(model.stateDict().map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias"])
    }

    @Test func rmsNormAndLayerNormOptions() {
        #expect(RMSNorm([3, 4]).stateDict().map(\.name) == ["weight"])
        #expect(RMSNorm(4).weight!.value == Tensor.ones([4]))
        #expect(RMSNorm(4, elementwiseAffine: false).stateDict().isEmpty)
        #expect(RMSNorm(4).eps == nil)
        #expect(LayerNorm(5, bias: false).stateDict().map(\.name) == ["weight"])
        #expect(LayerNorm([2, 5]).stateDict().map(\.name) == ["weight", "bias"])
        #expect(LayerNorm(5, elementwiseAffine: false, bias: true).stateDict().isEmpty)
    }

    @Test func stateDictsRoundTrip() throws {
        let source = Sequential(GroupNorm(numGroups: 2, numChannels: 4), InstanceNorm1d(4, affine: true, trackRunningStats: true), RMSNorm(3))
        for p in source.parameters() { p.assign(Tensor.randn(p.shape, generator: RandomGenerator(seed: UInt64(p.count)))) }
        let target = Sequential(GroupNorm(numGroups: 2, numChannels: 4), InstanceNorm1d(4, affine: true, trackRunningStats: true), RMSNorm(3))
        try target.loadStateDict(Dictionary(uniqueKeysWithValues: source.stateDict().map { ($0.name, $0.tensor) }))
        for ((name, a), (_, b)) in zip(source.stateDict(), target.stateDict()) { #expect(a == b, "\(name)") }
        #expect(target.stateDict().map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight",
                                                    "1.running_mean", "1.running_var", "1.num_batches_tracked"])
    }

    // MARK: Behaviour

    @Test func groupNormNormalisesEachGroup() {
        let x = Tensor.randn([3, 6, 5], dtype: .float64, generator: RandomGenerator(seed: 1)) * 4 + 2
        let y = GroupNorm(numGroups: 2, numChannels: 6, dtype: .float64)(x).reshape([3, 2, 15])
        let mean = y.mean(axes: [2]).toDoubles(), variance = y.variance(axes: [2], correction: 0).toDoubles()
        #expect(mean.allSatisfy { Swift.abs($0) < 1e-12 })
        #expect(variance.allSatisfy { Swift.abs($0 - 1) < 1e-5 })  // σ²/(σ² + eps)
    }

    @Test func groupNormSchedulesGiveIdenticalBits() {
        // One sample alone has too few rows for the pool (chunks spread over threads); inside a batch
        // of 16 each thread takes whole rows. Rows of 3·9000 elements span several chunks.
        let g = RandomGenerator(seed: 2)
        for dtype in [DType.float32, .float64] {
            let batch = Tensor.randn([16, 6, 9000], dtype: dtype, generator: g) + 3
            let w = Tensor.randn([6], dtype: dtype, generator: g), b = Tensor.randn([6], dtype: dtype, generator: g)
            let up = Tensor.randn([16, 6, 9000], dtype: dtype, generator: g)
            let xb = batch.requiringGrad()
            let yb = groupNorm(xb, numGroups: 2, weight: w, bias: b)
            yb.backward(up)
            for i in [0, 7, 15] {
                let xi = batch[i ..< i + 1].contiguous().requiringGrad()
                let yi = groupNorm(xi, numGroups: 2, weight: w, bias: b)
                yi.backward(up[i ..< i + 1].contiguous())
                #expect(yi.toDoubles() == yb[i ..< i + 1].toDoubles(), "\(dtype) sample \(i): output")
                #expect(xi.grad!.toDoubles() == xb.grad![i ..< i + 1].toDoubles(), "\(dtype) sample \(i): input gradient")
            }
        }
    }

    @Test func groupNormOfLongRowsMatchesAFloat64Reference() {
        let x = Tensor.randn([2, 4, 7000], generator: RandomGenerator(seed: 3)) * 2 + 10
        let y = groupNorm(x, numGroups: 2)
        let xd = x.cast(to: .float64).reshape([2, 2, 14000])
        let mean = xd.mean(axes: [2], keepDims: true), variance = xd.variance(axes: [2], correction: 0, keepDims: true)
        let reference = ((xd - mean) / sqrt(variance + 1e-5)).reshape([2, 4, 7000])
        let worst = zip(y.toDoubles(), reference.toDoubles()).map { Swift.abs($0 - $1) }.max()!
        #expect(worst < 2e-5)
    }

    @Test func instanceNormTracksRunningStatisticsInTraining() {
        let layer = InstanceNorm1d(3, momentum: 0.5, trackRunningStats: true, dtype: .float64)
        let x = Tensor.randn([4, 3, 6], dtype: .float64, generator: RandomGenerator(seed: 4)) * 3 + 1
        let y = layer(x)
        let mean = x.mean(axes: [2]).mean(axes: [0]), variance = x.variance(axes: [2], correction: 1).mean(axes: [0])
        #expect(Approx.equal(layer.runningMean!.value, (mean * 0.5).toDoubles(), absolute: 1e-12))
        #expect(Approx.equal(layer.runningVar!.value, (variance * 0.5 + 0.5).toDoubles(), absolute: 1e-12))
        #expect(layer.numBatchesTracked!.value.item() == 0, "PyTorch never advances it for instance norm")
        // Evaluation: the running statistics, per channel, the same for every sample.
        layer.eval()
        let z = layer(x)
        let expected = (x - layer.runningMean!.value.reshape([1, 3, 1])) / sqrt(layer.runningVar!.value.reshape([1, 3, 1]) + 1e-5)
        #expect(Approx.equal(z, expected.toDoubles(), absolute: 1e-12))
        #expect(z != y)
    }

    @Test func instanceNormWithoutTrackingUsesInputStatisticsInEvaluationToo() {
        let layer = InstanceNorm2d(2)
        let x = Tensor.randn([2, 2, 3, 3], generator: RandomGenerator(seed: 5))
        let y = layer(x)
        layer.eval()
        #expect(layer(x) == y)
        #expect(Approx.equal(y, instanceNorm(x).toDoubles(), absolute: 0))
    }

    @Test func instanceNormTakesUnbatchedInputs() {
        let x = Tensor.randn([3, 5], generator: RandomGenerator(seed: 6))
        let y = InstanceNorm1d(3)(x)
        #expect(y.shape == [3, 5])
        #expect(y == InstanceNorm1d(3)(x.unsqueezed(axis: 0)).squeezed(axis: 0))
        #expect(InstanceNorm3d(2)(Tensor.randn([2, 2, 2, 2], generator: RandomGenerator(seed: 7))).shape == [2, 2, 2, 2])
    }

    @Test func frozenInstanceNormKeepsItsStatistics() {
        let layer = InstanceNorm1d(2, trackRunningStats: true)
        layer.freeze()
        _ = layer(Tensor.randn([2, 2, 4], generator: RandomGenerator(seed: 8)) + 5)
        #expect(layer.runningMean!.value == Tensor.zeros([2]))
    }

    @Test func rmsNormDefaultsToTheMachineEpsilon() {
        let x = Tensor([[1e-4, 0.0]])
        let expected = 1e-4 / (1e-8 / 2 + Double(Float.ulpOfOne)).squareRoot()
        #expect(Swift.abs(RMSNorm(2)(x).toDoubles()[0] - expected) < 1e-6 * expected)
        let x64 = Tensor([[1e-9, 0.0]], dtype: .float64)
        let expected64 = 1e-9 / (1e-18 / 2 + Double.ulpOfOne).squareRoot()
        #expect(Swift.abs(RMSNorm(2, dtype: .float64)(x64).toDoubles()[0] - expected64) < 1e-12 * expected64)
    }

    // MARK: Refusals

    @Test func layersRefuseBadArguments() async {
        await #expect(processExitsWith: .failure) { _ = GroupNorm(numGroups: 3, numChannels: 4) }
        await #expect(processExitsWith: .failure) { _ = GroupNorm(numGroups: 2, numChannels: 4)(Tensor.zeros([2, 6, 3])) }
        await #expect(processExitsWith: .failure) { _ = InstanceNorm2d(3)(Tensor.zeros([2, 3, 4, 4, 1])) }
        await #expect(processExitsWith: .failure) { _ = InstanceNorm1d(3, affine: true)(Tensor.zeros([2, 5, 4])) }
    }

    @Test func instanceNormWithoutAffineWarnsAboutTheChannelCount() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            let y = InstanceNorm1d(3)(Tensor.randn([2, 5, 4]))
            #expect(y.shape == [2, 5, 4])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("warning: InstanceNorm1d") && message.contains("numFeatures"))
    }
}
