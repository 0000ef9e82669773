import Testing
@testable import Apus

// Expected columns follow scikit-learn's PolynomialFeatures: for each degree k = 0…d, the index
// tuples of itertools.combinations_with_replacement(range(F), k) in order (the products below
// were printed by that loop in Python for x = [2, 3, 5]).

@Test func polynomialFeaturesOfTwoFeaturesDegreeTwo() {
    let x = Tensor([[2.0, 3.0], [-1.0, 0.5]])
    let p = polynomialFeatures(x, degree: 2)
    #expect(p.shape == [2, 6])
    #expect(p.dtype == .float32)
    // [1, x0, x1, x0², x0·x1, x1²]
    #expect(p.toDoubles() == [1, 2, 3, 4, 6, 9, 1, -1, 0.5, 1, -0.5, 0.25])
    #expect(polynomialFeatureNames(["x0", "x1"], degree: 2) == ["1", "x0", "x1", "x0^2", "x0 x1", "x1^2"])
}

@Test func polynomialFeaturesOfThreeFeaturesDegreeThreeWithoutBias() {
    let x = Tensor(shape: [1, 3], values: [2, 3, 5], dtype: .float64)
    let p = polynomialFeatures(x, degree: 3, includeBias: false)
    #expect(p.shape == [1, 19])  // binom(3 + 3, 3) − 1
    #expect(p.dtype == .float64)
    #expect(p.toDoubles() == [2, 3, 5, 4, 6, 10, 9, 15, 25, 8, 12, 20, 18, 30, 50, 27, 45, 75, 125])
    #expect(polynomialFeatureNames(["a", "b", "c"], degree: 3, includeBias: false) == [
        "a", "b", "c", "a^2", "a b", "a c", "b^2", "b c", "c^2",
        "a^3", "a^2 b", "a^2 c", "a b^2", "a b c", "a c^2", "b^3", "b^2 c", "b c^2", "c^3",
    ])
}

@Test func polynomialFeaturesDegreeOneAndZero() {
    let x = Tensor([[2.0, 3.0]])
    #expect(polynomialFeatures(x, degree: 1).toDoubles() == [1, 2, 3])
    #expect(polynomialFeatures(x, degree: 1, includeBias: false).toDoubles() == [2, 3])
    #expect(polynomialFeatures(x, degree: 0).toDoubles() == [1])
}

@Test func polynomialFeaturesNeedsAMatrix() async {
    await #expect(processExitsWith: .failure) {
        _ = polynomialFeatures(Tensor([1.0, 2.0]), degree: 2)
    }
}

/// Points uniform in [−1, 1]², labelled 1 inside the circle x₁² + x₂² < 0.5 (39 % of them), else 0.
private func circleData(_ n: Int, seed: UInt64) -> TensorDataset {
    let x = Tensor.uniform([n, 2], low: -1, high: 1, generator: RandomGenerator(seed: seed))
    let v = x.toDoubles()
    let y: [Int64] = (0..<n).map { i in
        let (a, b) = (v[2 * i], v[2 * i + 1])
        return a * a + b * b < 0.5 ? 1 : 0
    }
    return TensorDataset(inputs: x, targets: Tensor(scalars: y))
}

/// Test accuracy of logistic regression (a linear layer with two logits and cross-entropy, i.e.
/// softmax regression, equivalent to a sigmoid on the logit difference) on polynomial features
/// of the given degree, standardized with training statistics, trained full-batch with Adam.
private func circleAccuracy(degree: Int) -> Double {
    let train = circleData(400, seed: 1), test = circleData(300, seed: 2)
    let scaler = Standardizer(fitting: polynomialFeatures(train.inputs, degree: degree, includeBias: false))
    func features(_ d: TensorDataset) -> Tensor {
        scaler.transform(polynomialFeatures(d.inputs, degree: degree, includeBias: false))
    }
    let xTrain = features(train), xTest = features(test)
    let model = Linear(xTrain.shape[1], 2, generator: RandomGenerator(seed: 3))
    let optimizer = Adam(model.parameters(), lr: 0.1)
    for _ in 0..<300 {
        optimizer.zeroGrad()
        crossEntropy(model(xTrain), train.targets).backward()
        optimizer.step()
    }
    return noGrad { accuracy(model(xTest), test.targets) }
}

@Test func squaredFeaturesLetLogisticRegressionSeparateACircle() {
    // The course's example: with x₁², x₂² among the features the boundary
    // w₃x₁² + w₅x₂² + … = 0 can be the circle; on (x₁, x₂) alone it must be a line.
    let quadratic = circleAccuracy(degree: 2)
    let linear = circleAccuracy(degree: 1)
    #expect(quadratic >= 0.97, "degree-2 accuracy \(quadratic)")
    #expect(linear < 0.75, "degree-1 accuracy \(linear)")
}
