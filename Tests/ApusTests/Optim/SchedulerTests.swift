import Foundation
import Testing
@testable import Apus

// Schedules by hand (whole sequences against torch: SchedulerFixtureTests).

@Suite struct SchedulerTests {
    /// The course's per-batch decay lr ← lr·0.99998: ExponentialLR stepped after every batch.
    @Test func exponentialPerBatchIsTheCoursesDecay() {
        let opt = Adam([param([1])], lr: 1e-3)
        let scheduler = ExponentialLR(opt, gamma: 0.99998)
        var lr = 1e-3
        for _ in 0..<5000 {
            scheduler.step()
            lr *= 0.99998
        }
        #expect(abs(opt.lr - lr) <= 1e-15)
        #expect(abs(opt.lr - 1e-3 * Foundation.pow(0.99998, 5000.0)) <= 1e-18)
        #expect(scheduler.lastEpoch == 5000)
    }

    @Test func cosineReachesEtaMinAtTMaxAndHalfwayIsTheMean() {
        let opt = RMSprop([ParameterGroup([param([1])], lr: 0.1), ParameterGroup([param([1])], lr: 0.3)])
        let scheduler = CosineAnnealingLR(opt, tMax: 10, etaMin: 0.01)
        #expect(opt.learningRates == [0.1, 0.3])
        for _ in 0..<5 { scheduler.step() }
        #expect(abs(opt.learningRates[0] - 0.055) < 1e-15 && abs(opt.learningRates[1] - 0.155) < 1e-15)
        for _ in 0..<5 { scheduler.step() }
        #expect(opt.learningRates.allSatisfy { abs($0 - 0.01) < 1e-15 })
    }

    @Test func warmUpThenCosine() {
        let opt = SGD([param([1])], lr: 1, momentum: 0.9)
        let scheduler = SequentialLR(opt, schedulers: [
            LinearLR(opt, startFactor: 0.25, totalIters: 3),
            CosineAnnealingLR(opt, tMax: 4),
        ], milestones: [3])
        var lrs = [opt.lr]
        for _ in 0..<7 { scheduler.step(); lrs.append(opt.lr) }
        // Warm-up 0.25, 0.5, 0.75; then cosine from the base 1 over 4 steps: 1, (1 + cos(π/4))/2, 0.5, …, 0.
        let expected: [Double] = [0.25, 0.5, 0.75, 1, (1 + 0.5.squareRoot()) / 2, 0.5, (1 - 0.5.squareRoot()) / 2, 0]
        for (got, want) in zip(lrs, expected) { #expect(abs(got - want) < 1e-15, "\(lrs)") }
    }

    @Test func stepAndMultiStepByHand() {
        let opt = SGD([param([1])], lr: 1)
        let step = StepLR(opt, stepSize: 2, gamma: 0.5)
        var lrs = [opt.lr]
        for _ in 0..<5 { step.step(); lrs.append(opt.lr) }
        #expect(lrs == [1, 1, 0.5, 0.5, 0.25, 0.25])
        let opt2 = SGD([param([1])], lr: 1)
        let multi = MultiStepLR(opt2, milestones: [3, 1], gamma: 0.1)
        lrs = [opt2.lr]
        for _ in 0..<4 { multi.step(); lrs.append(opt2.lr) }
        for (got, want) in zip(lrs, [1, 0.1, 0.1, 0.01, 0.01]) { #expect(abs(got - want) < 1e-16) }
    }

    @Test func plateauReducesAfterPatienceAndWaitsOutTheCooldown() {
        let opt = SGD([param([1])], lr: 1)
        let scheduler = ReduceLROnPlateau(opt, factor: 0.5, patience: 1, cooldown: 1, minLR: 0.2)
        var lrs: [Double] = []
        // 5 improves; then 5, 5 are bad (2 > patience 1) → 0.5, cooldown; 5 ignored; 5, 5 → 0.25;
        // then 0.125 would undercut minLR 0.2 → 0.2.
        for metric in [5.0, 5, 5, 5, 5, 5, 5, 5, 5] {
            scheduler.step(metric: metric)
            lrs.append(opt.lr)
        }
        #expect(lrs == [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2])
        #expect(scheduler.best == 5)
    }

    @Test func plateauInMaxModeFollowsAccuracy() {
        let opt = Adam([param([1])], lr: 0.1)
        let scheduler = ReduceLROnPlateau(opt, mode: .max, patience: 0)
        scheduler.step(metric: 0.5)
        scheduler.step(metric: 0.6)  // better: kept
        #expect(opt.lr == 0.1)
        scheduler.step(metric: 0.55)  // worse: reduced at once (patience 0)
        #expect(abs(opt.lr - 0.01) < 1e-17)
    }

    /// A scheduler created after another one on the same optimizer reads the lowered rate, but
    /// SequentialLR gives every schedule the first one's base rates (PyTorch's `initial_lr`).
    @Test func sequentialSharesTheFirstSchedulesBaseRates() {
        let opt = SGD([ParameterGroup([param([1])], lr: 0.2), ParameterGroup([param([1])], lr: 0.4)])
        let warmUp = LinearLR(opt, startFactor: 0.5, totalIters: 2)
        let decay = ExponentialLR(opt, gamma: 0.5)
        #expect(decay.baseLRs == [0.1, 0.2])
        let scheduler = SequentialLR(opt, schedulers: [warmUp, decay], milestones: [2])
        #expect(decay.baseLRs == [0.2, 0.4])
        for _ in 0..<3 { scheduler.step() }
        #expect(opt.learningRates == [0.1, 0.2])  // one decay step after the milestone
        #expect(decay.lastEpoch == 1)
    }
}
