import Testing
@testable import Apus

// Reference values: torch.optim.Adam on float64 parameters (torch 2.15.0), printed by
// `python3 Scripts/adam_reference.py`; each first step is also checked by hand below.


/// Sets each gradient in turn, steps, and compares the parameter with the expected values.
private func expectTrajectory(_ opt: Adam, _ p: Parameter, grads: [[Double]], expected: [[Double]],
                              sourceLocation: SourceLocation = #_sourceLocation) {
    for (g, e) in zip(grads, expected) {
        setGrad(p, g)
        opt.step()
        expectValues(p, e, sourceLocation: sourceLocation)
    }
}

private let changingGrads: [[Double]] = [[0.5, -1], [-2, 0.1], [0.3, 3]]

// MARK: - Update rule

@Test func adamFirstStepMovesEachWeightByAboutLR() {
    // First step: m̂ = g, v̂ = g², so w ← w − lr·g / (|g| + ε) = w − lr·sign(g) (almost).
    let p = param([1, -2], grad: [0.5, -1])
    let opt = Adam([p], lr: 0.1)
    opt.step()
    expectValues(p, [1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1 / (1 + 1e-8)])
    // The gradient is left alone by step().
    #expect(p.grad!.toDoubles() == [0.5, -1])
    #expect(p.value.requiresGrad && p.value.isLeaf)
}

@Test func adamChangingGradientsMatchPyTorch() {
    let p = param([1, -2])
    expectTrajectory(Adam([p], lr: 0.1), p, grads: changingGrads, expected: [
        [0.900000002, -1.900000001],
        [0.9559503510200555, -1.8407351504087726],
        [0.9895448880817945, -1.8867751747545363],
    ])
}

@Test func adamDefaultsMatchPyTorch() {
    let p = param([1, -2])
    let opt = Adam([p])
    let o = opt.options
    #expect(opt.lr == 1e-3 && o.betas == (0.9, 0.999) && o.eps == 1e-8 && o.weightDecay == 0 && !o.amsgrad)
    expectTrajectory(opt, p, grads: Array(changingGrads.prefix(2)), expected: [
        [0.99900000002, -1.9990000000099999],
        [0.9995595035102005, -1.9984073515040877],
    ])
}

@Test func adamOtherBetasAndEpsMatchPyTorch() {
    // First step by hand: w ← 1 − 0.05·0.5 / (0.5 + 0.1) = 0.958333…
    let p = param([1, -2])
    expectTrajectory(Adam([p], lr: 0.05, betas: (0.5, 0.9), eps: 0.1), p, grads: changingGrads, expected: [
        [0.9583333333333334, -1.9545454545454546],
        [0.9949932441613372, -1.9377117179815022],
        [1.007645430361148, -1.9776421806478812],
    ])
}

// MARK: - Weight decay

@Test func adamWeightDecayIsAddedToTheGradient() {
    // First step by hand: g = 1 + 0.1·2 = 1.2 → w ← 2 − 0.1·1.2 / (1.2 + 1e−8); the second
    // weight has g = 0 + 0.1·(−1) = −0.1 → w ← −1 + 0.1·0.1 / (0.1 + 1e−8).
    let p = param([2, -1])
    expectTrajectory(Adam([p], lr: 0.1, weightDecay: 0.1), p, grads: [[1, 0], [1, 0], [1, 0]], expected: [
        [1.9000000008333333, -0.900000009999999],
        [1.8000226891227293, -0.8004122480821506],
        [1.700083391480767, -0.7015863025553359],
    ])
}

// MARK: - Bookkeeping

@Test func adamSkipsParametersWithoutGradient() {
    let a = param([1, 1], grad: [1, 1])
    let b = param([5])
    let opt = Adam([a, b], lr: 0.1, weightDecay: 0.5)
    opt.step()
    // b had no gradient: untouched, even with weight decay, and its step count stays at zero.
    expectValues(b, [5], tol: 0)
    #expect(b.grad == nil)
    expectValues(a, [0.9000000006666666, 0.9000000006666666])

    // Now b gets a gradient: this is its first step (bias corrections for t = 1), a's second.
    setGrad(b, [2])
    opt.step()
    expectValues(a, [0.8001027084220775, 0.8001027084220775])
    expectValues(b, [4.900000000222223])
}

@Test func adamKeepsFloat32Parameters() {
    let p = Parameter(Tensor([1.0, 2.0]))
    p.value.grad = Tensor([0.5, -0.5])
    Adam([p], lr: 0.5).step()
    #expect(p.value.dtype == .float32)
    let got = p.value.toDoubles()
    #expect(abs(got[0] - 0.5) < 1e-6 && abs(got[1] - 2.5) < 1e-6, "got \(got)")
}

@Test func adamZeroLearningRateLeavesParametersUnchanged() {
    let p = param([3, 4], grad: [1, 1])
    Adam([p], lr: 0, weightDecay: 0.1).step()
    expectValues(p, [3, 4], tol: 0)
}

@Test func adamMinimisesAQuadratic() {
    let p = param([0, 0])
    let c = Tensor([3.0, -1.0], dtype: .float64)
    let opt = Adam([p], lr: 0.05)
    for _ in 0..<2000 {
        opt.zeroGrad()
        mseLoss(p.value, c, reduction: .sum).backward()
        opt.step()
    }
    expectValues(p, [3, -1], tol: 1e-3)
}

/// The vectorised float32 update (16 lanes and a tail) agrees with the float64 loop.
@Test func adamFloat32VectorPathMatchesFloat64() {
    let g = RandomGenerator(seed: 3)
    let values = g.normals(37), grads = g.normals(37)
    let p32 = Parameter(Tensor(shape: [37], values: values, dtype: .float32))
    let p64 = Parameter(Tensor(shape: [37], values: values, dtype: .float64))
    let o32 = Adam([p32], lr: 0.01, weightDecay: 0.1), o64 = Adam([p64], lr: 0.01, weightDecay: 0.1)
    for step in 0..<5 {
        let scaled = grads.map { $0 * Double(step + 1) }
        p32.value.grad = Tensor(shape: [37], values: scaled, dtype: .float32)
        p64.value.grad = Tensor(shape: [37], values: scaled, dtype: .float64)
        o32.step(); o64.step()
    }
    for (a, b) in zip(p32.value.toDoubles(), p64.value.toDoubles()) {
        #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "float32 \(a) vs float64 \(b)")
    }
}
