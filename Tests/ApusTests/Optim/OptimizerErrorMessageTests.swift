import Testing
@testable import Apus

// Bad hyper-parameters stop the process with a message naming the optimizer or scheduler, the
// option and the value (exit tests: each case runs in a child process).

@Suite struct OptimizerErrorMessageTests {
    @Test func adagradNegativeLearningRate() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adagrad([Parameter(.zeros([2]))], lr: -0.5)
        }
        #expect(stderrText(result).contains("Adagrad: lr must be a finite non-negative number, got -0.5"))
    }

    @Test func rmspropAlphaOutOfRangeInAGroupNamesTheGroup() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = RMSprop([ParameterGroup([Parameter(.zeros([2]))]), ParameterGroup([Parameter(.zeros([1]))]) { $0.alpha = 1.5 }])
        }
        #expect(stderrText(result).contains("RMSprop (parameter group 1): alpha must be in [0, 1], got 1.5"))
    }

    @Test func nesterovWithoutMomentum() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD([Parameter(.zeros([2]))], lr: 0.1, nesterov: true)
        }
        #expect(stderrText(result).contains("SGD: Nesterov momentum needs momentum > 0 and dampening 0"))
    }

    @Test func adamWBetaOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = AdamW([Parameter(.zeros([2]))], betas: (0.9, 1.0))
        }
        #expect(stderrText(result).contains("AdamW: betas.1 must be in [0, 1), got 1.0"))
    }

    @Test func parameterInTwoGroups() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let p = Parameter(.zeros([2]))
            _ = Adam([ParameterGroup([p]), ParameterGroup([p])])
        }
        #expect(stderrText(result).contains("Adam: some parameters appear more than once"))
    }

    @Test func reduceLROnPlateauWithoutMetric() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            ReduceLROnPlateau(SGD([Parameter(.zeros([2]))], lr: 0.1)).step()
        }
        #expect(stderrText(result).contains("ReduceLROnPlateau: step needs the monitored metric"))
    }

    @Test func sequentialLRWithWrongMilestoneCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let opt = SGD([Parameter(.zeros([2]))], lr: 0.1)
            _ = SequentialLR(opt, schedulers: [LinearLR(opt), CosineAnnealingLR(opt, tMax: 5)], milestones: [])
        }
        #expect(stderrText(result).contains("SequentialLR: needs one milestone fewer than schedules, got 2 schedules and milestones []"))
    }
}
