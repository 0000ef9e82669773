// Dropout1d/2d/3d: whole channels dropped, survivors scaled by 1/(1 − p), the kept fraction, the
// gradient's mask, seeding, evaluation mode and the unbatched forms. (PyTorch's random bits are
// not reproduced; the deterministic cases are in the op table's fixtures.)

import Foundation
import Testing
@testable import Apus

@Suite struct ChannelDropoutTests {
    /// Per (sample, channel) of `y` computed from all-ones input: the set of values in the channel.
    private func channelValues(_ y: Tensor, channels: Int) -> [Set<Double>] {
        let rows = y.reshape([y.shape[0] * channels, -1]).toDoubles()
        let width = y.count / (y.shape[0] * channels)
        return (0..<(y.shape[0] * channels)).map { Set(rows[($0 * width)..<(($0 + 1) * width)]) }
    }

    @Test(arguments: [(1, [40, 50, 7]), (2, [40, 50, 3, 4]), (3, [40, 50, 2, 2, 3])])
    func dropsWholeChannelsAndScalesTheRest(_ dims: Int, _ shape: [Int]) {
        let x = Tensor.ones(shape, dtype: .float64)
        let g = RandomGenerator(seed: UInt64(dims))
        let y = switch dims {
        case 1: dropout1d(x, p: 0.3, generator: g)
        case 2: dropout2d(x, p: 0.3, generator: g)
        default: dropout3d(x, p: 0.3, generator: g)
        }
        #expect(y.shape == shape)
        let channels = channelValues(y, channels: shape[1])
        #expect(channels.allSatisfy { $0 == [0] || $0 == [1 / (1 - 0.3)] }, "each map is all zeros or all 1/(1 − p)")
        // 2000 maps: kept fraction ~ Binomial(2000, 0.7)/2000, sd ≈ 0.0102; allow 5 sd.
        let kept = Double(channels.filter { $0 == [1 / (1 - 0.3)] }.count) / Double(channels.count)
        #expect(Swift.abs(kept - 0.7) < 0.052)
    }

    @Test func gradientIsTheSameMaskAndSeedsRepeat() {
        let x = Tensor.randn([3, 4, 5], dtype: .float64, generator: RandomGenerator(seed: 1)).requiringGrad()
        let y = dropout1d(x, p: 0.5, generator: RandomGenerator(seed: 9))
        y.sum().backward()
        let mask = dropout1d(Tensor.ones([3, 4, 5], dtype: .float64), p: 0.5, generator: RandomGenerator(seed: 9))
        #expect(x.grad! == mask)
        #expect(y.detached() == x.detached() * mask)
        #expect(Set(mask.toDoubles()) == [0, 2])
    }

    @Test func unbatchedInputsDropChannels() {
        let y1 = dropout1d(Tensor.ones([30, 6]), p: 0.5, generator: RandomGenerator(seed: 2))
        #expect(y1.shape == [30, 6])
        #expect(channelValues(y1.unsqueezed(axis: 0), channels: 30).allSatisfy { $0.count == 1 })
        let y3 = dropout3d(Tensor.ones([30, 2, 2, 2]), p: 0.5, generator: RandomGenerator(seed: 3))
        #expect(y3.shape == [30, 2, 2, 2])
        #expect(channelValues(y3.unsqueezed(axis: 0), channels: 30).allSatisfy { $0.count == 1 })
        // The same mask as the batched form of one sample.
        let batched = dropout1d(Tensor.ones([1, 30, 6]), p: 0.5, generator: RandomGenerator(seed: 2))
        #expect(batched.squeezed(axis: 0) == y1)
    }

    @Test func layersAreTheIdentityInEvaluation() {
        let x = Tensor.randn([2, 3, 4, 4], generator: RandomGenerator(seed: 4))
        for layer in [Dropout2d(p: 0.5), Dropout3d(p: 0.5)] as [Module] {
            let net = Sequential(layer)
            net.eval()
            #expect(net(x) == x)
            net.train()
            #expect(net(x) != x)
        }
        let d1 = Dropout1d(p: 0.9)
        d1.eval()
        #expect(d1(x[0]) == x[0])
        #expect(Dropout2d().p == 0.5 && Dropout1d().p == 0.5 && Dropout3d().p == 0.5)
        #expect(Dropout2d().stateDict().isEmpty)
    }

    @Test func layersRefuseBadProbabilities() async {
        await #expect(processExitsWith: .failure) { _ = Dropout1d(p: -0.1) }
        await #expect(processExitsWith: .failure) { _ = Dropout2d(p: 1.1) }
        await #expect(processExitsWith: .failure) { _ = Dropout3d(p: 2) }
    }

    @Test func dropout2dWarnsAboutA3DInput() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            _ = dropout2d(Tensor.ones([2, 3, 4]), p: 0.5)
            _ = dropout2d(Tensor.ones([2, 3, 4]), p: 0.5)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.components(separatedBy: "warning: dropout2d").count == 2, "one warning, printed once: \(message)")
    }
}
