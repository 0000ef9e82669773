import Testing
@testable import Apus


// MARK: - Plain gradient descent

@Test func plainSGDOneStep() {
    let p = param([1, -2], grad: [0.5, -1])
    let opt = SGD([p], lr: 0.1)
    opt.step()
    // w − lr·g = [1 − 0.05, −2 + 0.1]
    expectValues(p, [0.95, -1.9])
    // The gradient is left alone by step().
    #expect(p.grad!.toDoubles() == [0.5, -1])
    #expect(p.value.requiresGrad && p.value.isLeaf)
}

@Test func plainSGDSeveralSteps() {
    let p = param([1, -2], grad: [0.5, -1])
    let opt = SGD([p], lr: 0.1)
    for _ in 0..<3 { opt.step() }
    expectValues(p, [0.85, -1.7])
}

@Test func plainSGDFromAutogradGradient() {
    let p = param([1, 2])
    let opt = SGD([p], lr: 0.25)
    // loss = Σ w² → ∂w = 2w = [2, 4]; w − 0.25·[2, 4] = [0.5, 1].
    (p.value * p.value).sum().backward()
    opt.step()
    expectValues(p, [0.5, 1])
    // Second iteration from a fresh gradient 2·[0.5, 1] = [1, 2]: [0.25, 0.5].
    opt.zeroGrad()
    #expect(p.grad == nil)
    (p.value * p.value).sum().backward()
    opt.step()
    expectValues(p, [0.25, 0.5])
}

@Test func sgdKeepsFloat32Parameters() {
    let p = Parameter(Tensor([1.0, 2.0]))
    p.value.grad = Tensor([0.5, 0.5])
    SGD([p], lr: 1).step()
    #expect(p.value.dtype == .float32)
    #expect(p.value.toDoubles() == [0.5, 1.5])
}

@Test func zeroLearningRateLeavesParametersUnchanged() {
    let p = param([3, 4], grad: [1, 1])
    SGD([p], lr: 0, momentum: 0.9, weightDecay: 0.1).step()
    expectValues(p, [3, 4], tol: 0)
}

// MARK: - Momentum

@Test func momentumFirstStepUsesGradientAsVelocity() {
    let p = param([1], grad: [1])
    let opt = SGD([p], lr: 0.1, momentum: 0.9)
    opt.step()
    // v = g = 1 → w = 1 − 0.1
    expectValues(p, [0.9])
}

@Test func momentumSeveralStepsConstantGradient() {
    let p = param([1], grad: [1])
    let opt = SGD([p], lr: 0.1, momentum: 0.9)
    // v: 1, 1.9, 2.71 → w: 0.9, 0.71, 0.439
    opt.step(); expectValues(p, [0.9])
    opt.step(); expectValues(p, [0.71])
    opt.step(); expectValues(p, [0.439])
}

@Test func momentumWithChangingGradient() {
    let p = param([1, 0], grad: [1, 2])
    let opt = SGD([p], lr: 0.1, momentum: 0.9)
    opt.step()
    // v = [1, 2], w = [0.9, −0.2]
    expectValues(p, [0.9, -0.2])
    setGrad(p, [-2, 0])
    opt.step()
    // v = 0.9·[1, 2] + [−2, 0] = [−1.1, 1.8]; w = [0.9 + 0.11, −0.2 − 0.18]
    expectValues(p, [1.01, -0.38])
}

@Test func momentumBuffersArePerParameter() {
    let a = param([0], grad: [1])
    let b = param([0], grad: [10])
    let opt = SGD([a, b], lr: 1, momentum: 0.5)
    opt.step()
    opt.step()
    // a: v = 1, 1.5 → w = −1, −2.5.  b: v = 10, 15 → w = −10, −25.
    expectValues(a, [-2.5])
    expectValues(b, [-25])
}

@Test func dampening() {
    let p = param([1], grad: [1])
    let opt = SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.5)
    // First step: v = g (no dampening, as in PyTorch) → w = 0.9.
    opt.step(); expectValues(p, [0.9])
    // v = 0.9·1 + 0.5·1 = 1.4 → w = 0.76
    opt.step(); expectValues(p, [0.76])
    // v = 0.9·1.4 + 0.5 = 1.76 → w = 0.584
    opt.step(); expectValues(p, [0.584])
}

// MARK: - Weight decay

@Test func weightDecayWithoutMomentum() {
    let p = param([2], grad: [1])
    let opt = SGD([p], lr: 0.1, weightDecay: 0.1)
    // g = 1 + 0.1·2 = 1.2 → w = 1.88
    opt.step(); expectValues(p, [1.88])
    // g = 1 + 0.188 = 1.188 → w = 1.7612
    opt.step(); expectValues(p, [1.7612])
}

@Test func weightDecayWithMomentum() {
    let p = param([2, -1], grad: [1, 0])
    let opt = SGD([p], lr: 0.1, momentum: 0.9, weightDecay: 0.1)
    // g = [1.2, −0.1], v = g → w = [1.88, −0.99]
    opt.step(); expectValues(p, [1.88, -0.99])
    // g = [1.188, −0.099], v = 0.9·[1.2, −0.1] + g = [2.268, −0.189] → w = [1.6532, −0.9711]
    opt.step(); expectValues(p, [1.6532, -0.9711])
}

@Test func weightDecayAloneShrinksTowardZero() {
    let p = param([4, -4], grad: [0, 0])
    let opt = SGD([p], lr: 0.5, weightDecay: 0.5)
    // w ← w − 0.5·0.5·w = 0.75·w
    opt.step(); expectValues(p, [3, -3])
    opt.step(); expectValues(p, [2.25, -2.25])
}

// MARK: - Nesterov

@Test func nesterov() {
    let p = param([1], grad: [1])
    let opt = SGD([p], lr: 0.1, momentum: 0.9, nesterov: true)
    // v = 1, update g + μv = 1.9 → w = 0.81
    opt.step(); expectValues(p, [0.81])
    // v = 0.9 + 1 = 1.9, update 1 + 0.9·1.9 = 2.71 → w = 0.539
    opt.step(); expectValues(p, [0.539])
}

@Test func nesterovWithChangingGradientAndWeightDecay() {
    let p = param([1], grad: [2])
    let opt = SGD([p], lr: 0.1, momentum: 0.5, weightDecay: 1, nesterov: true)
    // g = 2 + 1 = 3, v = 3, update 3 + 1.5 = 4.5 → w = 0.55
    opt.step(); expectValues(p, [0.55])
    setGrad(p, [0])
    // g = 0 + 0.55 = 0.55, v = 1.5 + 0.55 = 2.05, update 0.55 + 1.025 = 1.575 → w = 0.3925
    opt.step(); expectValues(p, [0.3925])
}

// MARK: - Bookkeeping

@Test func parametersWithoutGradientAreSkipped() {
    let a = param([1, 1], grad: [1, 1])
    let b = param([5])
    let opt = SGD([a, b], lr: 0.1, momentum: 0.9, weightDecay: 0.5)
    opt.step()
    // b had no gradient: untouched, even with weight decay, and no velocity is started.
    expectValues(b, [5], tol: 0)
    #expect(b.grad == nil)
    // a: g = 1 + 0.5 = 1.5 → w = 0.85
    expectValues(a, [0.85, 0.85])

    // Now b gets a gradient: its first step uses v = g (no stale velocity).
    setGrad(b, [2])
    opt.step()
    // g = 2 + 0.5·5 = 4.5 → w = 5 − 0.45
    expectValues(b, [4.55])
}

@Test func learningRateCanChangeBetweenSteps() {
    let p = param([1], grad: [1])
    let opt = SGD([p], lr: 0.1)
    opt.step(); expectValues(p, [0.9])
    opt.lr = 0.01
    #expect(opt.lr == 0.01)
    opt.step(); expectValues(p, [0.89])
    opt.lr = 1
    opt.step(); expectValues(p, [-0.11])
}

@Test func learningRateChangeWithMomentumScalesOnlyTheUpdate() {
    let p = param([1], grad: [1])
    let opt = SGD([p], lr: 0.1, momentum: 0.9)
    opt.step()             // v = 1 → w = 0.9
    opt.lr = 0.5
    opt.step()             // v = 1.9 → w = 0.9 − 0.95
    expectValues(p, [-0.05])
}

@Test func optimizerZeroGradClearsAllParameters() {
    let a = param([1], grad: [1]), b = param([2], grad: [3])
    let opt: any Optimizer = SGD([a, b], lr: 0.1)
    #expect(opt.parameters.count == 2)
    opt.zeroGrad()
    #expect(a.grad == nil && b.grad == nil)
    // Stepping with no gradients changes nothing.
    opt.step()
    expectValues(a, [1], tol: 0)
    expectValues(b, [2], tol: 0)
}

@Test func sgdMinimisesAQuadratic() {
    // f(w) = Σ (w − c)², minimum at c; with lr 0.1 the error shrinks by 0.8 per step.
    let p = param([0, 0])
    let c = Tensor([3.0, -1.0], dtype: .float64)
    let opt = SGD([p], lr: 0.1)
    for _ in 0..<100 {
        opt.zeroGrad()
        mseLoss(p.value, c, reduction: .sum).backward()
        opt.step()
    }
    // error = 0.8¹⁰⁰·|c| ≈ 2e−10·3
    expectValues(p, [3, -1], tol: 1e-8)
}
