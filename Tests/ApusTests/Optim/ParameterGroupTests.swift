import Testing
@testable import Apus

// Parameter groups, learning-rate access, the course's momentum form, and the first steps of
// the new optimizers by hand. (Whole trajectories against torch.optim: OptimizerFixtureTests.)

@Suite struct ParameterGroupTests {
    @Test func groupsTakeTheDefaultsTheyDoNotOverride() {
        let trunk = [param([1]), param([2])], head = [param([3])]
        let opt = SGD([ParameterGroup(trunk, lr: 0.1), ParameterGroup(head) { $0.momentum = 0.5 }],
                      lr: 0.01, momentum: 0.9, weightDecay: 1e-4)
        #expect(opt.parameters.count == 3)
        #expect(opt.learningRates == [0.1, 0.01])
        #expect(opt.groups[0].options.momentum == 0.9 && opt.groups[1].options.momentum == 0.5)
        #expect(opt.groups.allSatisfy { $0.options.weightDecay == 1e-4 })
        #expect(opt.lr == 0.1)  // the first group's
    }

    @Test func eachGroupStepsWithItsOwnOptions() {
        let a = param([1], grad: [1]), b = param([1], grad: [1])
        let opt = SGD([ParameterGroup([a], lr: 0.1), ParameterGroup([b], weightDecay: 1) { $0.momentum = 0.5 }], lr: 0.2)
        opt.step(); opt.step()
        // a: plain, lr 0.1 → 0.9, 0.8.
        expectValues(a, [0.8])
        // b: lr 0.2, g = 1 + w: g₁ = 2, v₁ = 2 → w = 0.6; g₂ = 1.6, v₂ = 0.5·2 + 1.6 = 2.6 → w = 0.08.
        expectValues(b, [0.08])
    }

    @Test func settingLRSetsEveryGroupAndLearningRatesOneEach() {
        let a = param([0], grad: [1]), b = param([0], grad: [1])
        let opt: any Optimizer = Adagrad([ParameterGroup([a], lr: 0.1), ParameterGroup([b], lr: 0.3)])
        opt.lr = 0.05
        #expect(opt.learningRates == [0.05, 0.05])
        opt.learningRates = [1, 2]
        #expect(opt.lr == 1)
        opt.step()
        // Adagrad's first step: w − lr·g/√(g²) (ε = 1e−10 aside).
        expectValues(a, [-1], tol: 1e-9)
        expectValues(b, [-2], tol: 1e-9)
    }

    @Test func adamWGroupWithoutWeightDecayIsNotDecayed() {
        let w = param([2], grad: [0]), bias = param([2], grad: [0])
        let opt = AdamW([ParameterGroup([w]), ParameterGroup([bias], weightDecay: 0)], lr: 0.1, weightDecay: 0.5)
        #expect(opt.groups.allSatisfy { $0.options.decoupledWeightDecay })
        opt.step()
        // Zero gradient: the Adam step is 0, only the decay w·(1 − lr·λ) = 2·0.95 remains.
        expectValues(w, [1.9])
        expectValues(bias, [2], tol: 0)
    }

    /// The course writes momentum as μ ← 0.9μ + ∇J; W ← W − lr·μ (μ starting at 0): the same
    /// numbers as SGD(momentum: 0.9), whose trajectories match torch.optim.SGD in the fixture.
    @Test func courseMomentumFormEqualsSGDMomentum() {
        let grads: [[Double]] = [[1, -2], [0.5, 3], [-1, 0.25], [2, 2], [0, -1]]
        let p = param([1, -1])
        let opt = SGD([p], lr: 0.1, momentum: 0.9)
        var mu = [0.0, 0.0], w = [1.0, -1.0]
        for g in grads {
            mu = zip(mu, g).map { 0.9 * $0 + $1 }
            w = zip(w, mu).map { $0 - 0.1 * $1 }
            setGrad(p, g)
            opt.step()
            expectValues(p, w, tol: 1e-15)
        }
    }

    @Test func rmspropFirstStepByHand() {
        // s = 0.01·g² → √s = 0.1·|g|: w ← w − lr·g / (0.1·|g| + ε) ≈ w − 10·lr·sign(g).
        let p = param([1, 1], grad: [0.5, -2])
        RMSprop([p], lr: 0.01).step()
        expectValues(p, [1 - 0.01 * 0.5 / ((0.01 * 0.25).squareRoot() + 1e-8),
                         1 + 0.01 * 2 / ((0.01 * 4.0).squareRoot() + 1e-8)], tol: 1e-14)
    }

    @Test func adagradStateExistsFromTheStartAsInPyTorch() {
        let p = param([1, 2])
        let opt = Adagrad([p], initialAccumulatorValue: 0.5)
        let state = opt.stateDict()
        #expect(state.map(\.name) == ["param_groups.0.lr", "state.0.step", "state.0.sum"])
        #expect(state[1].tensor.item() == 0.0 && state[2].tensor.toDoubles() == [0.5, 0.5])
    }

    @Test func stateNamesFollowPyTorch() {
        func names(_ opt: any Optimizer, _ p: Parameter) -> [String] {
            setGrad(p, [1]); opt.step()
            return opt.stateDict().map(\.name)
        }
        var p = param([1])
        #expect(names(SGD([p], lr: 0.1, momentum: 0.9), p) == ["param_groups.0.lr", "state.0.momentum_buffer"])
        p = param([1])
        #expect(names(SGD([p], lr: 0.1), p) == ["param_groups.0.lr"])
        p = param([1])
        #expect(names(AdamW([p], amsgrad: true), p)
                == ["param_groups.0.lr", "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq"])
        p = param([1])
        #expect(names(RMSprop([p], momentum: 0.9, centered: true), p)
                == ["param_groups.0.lr", "state.0.step", "state.0.square_avg", "state.0.momentum_buffer", "state.0.grad_avg"])
    }

    /// The float32 Adam paths (AdamW's decay before the C kernel; AMSGrad's vector loop) agree
    /// with the float64 loop.
    @Test(arguments: [(false, true), (true, false), (true, true)])
    func float32AdamVariantsMatchFloat64(_ decoupled: Bool, _ amsgrad: Bool) {
        let g = RandomGenerator(seed: 5)
        let values = g.normals(37), grads = g.normals(37)
        let p32 = Parameter(Tensor(shape: [37], values: values, dtype: .float32))
        let p64 = Parameter(Tensor(shape: [37], values: values, dtype: .float64))
        func make(_ p: Parameter) -> Adam {
            decoupled ? AdamW([p], lr: 0.01, weightDecay: 0.1, amsgrad: amsgrad)
                      : Adam([p], lr: 0.01, weightDecay: 0.1, amsgrad: amsgrad)
        }
        let o32 = make(p32), o64 = make(p64)
        for step in 0..<6 {
            let factor: Double = step % 3 == 2 ? -0.1 : Double(step + 1)
            let scaled = grads.map { $0 * factor }
            p32.value.grad = Tensor(shape: [37], values: scaled, dtype: .float32)
            p64.value.grad = Tensor(shape: [37], values: scaled, dtype: .float64)
            o32.step(); o64.step()
        }
        #expect(p32.value.dtype == .float32)
        for (a, b) in zip(p32.value.toDoubles(), p64.value.toDoubles()) {
            #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "float32 \(a) vs float64 \(b)")
        }
    }
}

@Suite struct OptimizerStateErrorTests {
    private func trainedAdam() -> (Adam, Parameter, Parameter) {
        let a = param([1, 2], grad: [1, 1]), b = param([3], grad: [1])
        let opt = Adam([ParameterGroup([a]), ParameterGroup([b], lr: 0.1)])
        opt.step()
        return (opt, a, b)
    }

    @Test func badKeysAreListedAndNothingChanges() {
        let (opt, _, _) = trainedAdam()
        let before = opt.stateDict()
        var state = Dictionary(uniqueKeysWithValues: before.map { ($0.name, $0.tensor) })
        state["state.5.exp_avg"] = .zeros([1])           // no parameter 5
        state["state.0.sum"] = .zeros([2])               // not an Adam state name
        state["state.1.exp_avg"] = .zeros([4])           // b has shape [1]
        state["state.0.exp_avg_sq"] = nil                // a's state incomplete
        state["param_groups.1.lr"] = nil
        #expect {
            try opt.loadStateDict(state)
        } throws: { error in
            let text = "\(error)"
            return text.contains("missing: param_groups.1.lr, state.0.exp_avg_sq")
                && text.contains("unexpected: state.0.sum, state.5.exp_avg")
                && text.contains("state.1.exp_avg (expected [1], found [4])")
        }
        #expect(zip(before, opt.stateDict()).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor })
    }

    @Test func amsgradStateIsRequiredOnlyWithAMSGrad() throws {
        let (opt, a, b) = trainedAdam()
        let state = Dictionary(uniqueKeysWithValues: opt.stateDict().map { ($0.name, $0.tensor) })
        let ams = Adam([ParameterGroup([a]), ParameterGroup([b], lr: 0.1)], amsgrad: true)
        #expect {
            try ams.loadStateDict(state)
        } throws: { "\($0)".contains("missing: state.0.max_exp_avg_sq, state.1.max_exp_avg_sq") }
        var withMax = state
        withMax["state.0.max_exp_avg_sq"] = .zeros([2])
        #expect { try opt.loadStateDict(withMax) } throws: { "\($0)".contains("unexpected: state.0.max_exp_avg_sq") }
    }

    @Test func negativeSavedLearningRateIsRejected() {
        let (opt, _, _) = trainedAdam()
        var state = Dictionary(uniqueKeysWithValues: opt.stateDict().map { ($0.name, $0.tensor) })
        state["param_groups.0.lr"] = OptimizerState.scalar(-1)
        #expect(throws: ApusError.self) { try opt.loadStateDict(state) }
    }

    @Test func schedulerStateMismatchIsListed() {
        let opt = SGD([param([1])], lr: 0.1)
        let scheduler = StepLR(opt, stepSize: 2)
        #expect {
            try scheduler.loadStateDict(["last_epoch": OptimizerState.scalar(3), "base_lrs": .zeros([2]), "best": .zeros([])])
        } throws: { error in
            "\(error)".contains("unexpected: best") && "\(error)".contains("base_lrs (expected [1], found [2])")
        }
        #expect { try ReduceLROnPlateau(opt).loadStateDict(["best": .zeros([])]) } throws: { error in
            "\(error)".contains("missing: cooldown_counter, last_epoch, num_bad_epochs")
        }
    }
}
