import Testing
@testable import Apus

/// `n` examples: input row i is [i, i²] (float32), target i.
private func squaresDataset(_ n: Int) -> TensorDataset {
    let x = Tensor(shape: [n, 2], values: (0..<n).flatMap { [Double($0), Double($0 * $0)] })
    return TensorDataset(inputs: x, targets: Tensor(scalars: (0..<n).map(Int64.init)))
}

private func ids(_ d: TensorDataset) -> [Int] { d.targets.toArray(as: Int64.self).map(Int.init) }

/// Per-column mean and population standard deviation, computed by plain loops.
private func columnStats(_ x: Tensor) -> (mean: [Double], std: [Double]) {
    let n = x.shape[0], f = x.shape[1], v = x.toDoubles()
    let mean = (0..<f).map { c in (0..<n).reduce(0.0) { $0 + v[$1 * f + c] } / Double(n) }
    let std = (0..<f).map { c in ((0..<n).reduce(0.0) { $0 + (v[$1 * f + c] - mean[c]) * (v[$1 * f + c] - mean[c]) } / Double(n)).squareRoot() }
    return (mean, std)
}

// MARK: - split

@Test func splitDefaultsTo80_10_10AndPartitionsTheExamples() {
    let d = squaresDataset(50)
    let (train, validation, test) = d.split(generator: RandomGenerator(seed: 7))
    #expect(train.count == 40 && validation.count == 5 && test.count == 5)
    #expect((ids(train) + ids(validation) + ids(test)).sorted() == Array(0..<50))
    // Rows stay paired with their targets.
    for part in [train, validation, test] {
        #expect(part.inputs.toDoubles() == ids(part).flatMap { [Double($0), Double($0 * $0)] })
    }
    // It is randomSplit's partition, and the same seed gives the same split.
    let parts = randomSplit(count: 50, generator: RandomGenerator(seed: 7))
    #expect([ids(train), ids(validation), ids(test)] == parts)
    let again = d.split(generator: RandomGenerator(seed: 7))
    #expect(ids(again.train) == ids(train) && ids(again.test) == ids(test))
    #expect(ids(d.split(generator: RandomGenerator(seed: 8)).train) != ids(train))
}

@Test func splitWithCustomFractionsAndAnEmptyPart() {
    let (train, validation, test) = squaresDataset(10).split(fractions: [0.6, 0.4, 0], generator: RandomGenerator(seed: 1))
    #expect(train.count == 6 && validation.count == 4 && test.count == 0)
    #expect(test.inputs.shape == [0, 2])
    #expect((ids(train) + ids(validation)).sorted() == Array(0..<10))
}

@Test func splitNeedsThreeFractions() async {
    await #expect(processExitsWith: .failure) {
        _ = squaresDataset(4).split(fractions: [0.5, 0.5])
    }
}

// MARK: - Standardizer

@Test func standardizerHandComputed() {
    // Column 0: 1…4, mean 2.5, population σ = √1.25; column 1 is ten times column 0.
    let x = Tensor([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    let s = Standardizer(fitting: x)
    let sigma = 1.25.squareRoot()
    #expect(Approx.equal(s.mean, [2.5, 25]))
    #expect(Approx.equal(s.std, [sigma, 10 * sigma]))
    #expect(s.mean.dtype == .float32 && s.mean.shape == [2])
    let z = s.transform(Tensor([[2.5, 0.0], [5.0, 40.0]]))
    #expect(Approx.equal(z, [0, -2.5 / sigma, 2.5 / sigma, 1.5 / sigma]))
    #expect(Approx.equal(s.inverseTransform(z), [2.5, 0, 5, 40], absolute: 1e-5))
}

@Test func standardizerFitsOnTheTrainingPartOnly() {
    let (train, validation, test) = squaresDataset(40).split(generator: RandomGenerator(seed: 3))
    let scaler = Standardizer(fitting: train.inputs)
    let trainStats = columnStats(train.inputs)
    let allStats = columnStats(squaresDataset(40).inputs)
    #expect(Approx.equal(scaler.mean, trainStats.mean, relative: 1e-6))
    #expect(Approx.equal(scaler.std, trainStats.std, relative: 1e-6))
    #expect(!Approx.equal(scaler.mean, allStats.mean, relative: 1e-3))  // the split's parts differ

    // Transformed training features: mean 0, standard deviation 1 per feature.
    let z = scaler.transform(train).inputs
    let zStats = columnStats(z)
    #expect(Approx.equal(zStats.mean, [0, 0], absolute: 1e-5))
    #expect(Approx.equal(zStats.std, [1, 1], absolute: 1e-5))
    // Validation and test use the training statistics: (x − μ_train) / σ_train.
    for part in [validation, test] {
        let expected = part.inputs.toDoubles().enumerated().map { i, v in (v - trainStats.mean[i % 2]) / trainStats.std[i % 2] }
        #expect(Approx.equal(scaler.transform(part).inputs, expected, absolute: 1e-5))
        #expect(scaler.transform(part).targets == part.targets)
    }
}

@Test func standardizerLeavesConstantFeaturesAtZero() {
    let x = Tensor([[0.1, 1.0, 0.0], [0.1, 3.0, 0.0], [0.1, 5.0, 0.0]])
    let s = Standardizer(fitting: x)
    #expect(Approx.equal(s.std, [1, (8.0 / 3).squareRoot(), 1]))
    let z = s.transform(x).toDoubles()
    #expect(z.allSatisfy { $0.isFinite })
    #expect(Approx.equal([z[0], z[3], z[6], z[2], z[5], z[8]], [0, 0, 0, 0, 0, 0]))
}

@Test func standardizerWorksPerPixelOnImagesAndInFloat64() {
    let x = Tensor(shape: [2, 1, 2, 2], values: [0, 2, 4, 6, 2, 2, 8, 10], dtype: .float64)
    let s = Standardizer(fitting: x)
    #expect(s.mean.shape == [1, 2, 2] && s.mean.dtype == .float64)
    #expect(s.mean.toDoubles() == [1, 2, 6, 8])
    #expect(s.std.toDoubles() == [1, 1, 2, 2])  // pixel (0,1) is constant: σ = 1
    #expect(s.transform(x).toDoubles() == [-1, 0, -1, -1, 1, 0, 1, 1])
}

@Test func standardizerRejectsAWrongFeatureShape() async {
    await #expect(processExitsWith: .failure) {
        let s = Standardizer(fitting: Tensor([[1.0, 2.0], [3.0, 4.0]]))
        _ = s.transform(Tensor([[1.0, 2.0, 3.0]]))
    }
}

// MARK: - MinMaxScaler

@Test func minMaxScalerToUnitIntervalAndToARange() {
    let train = Tensor([[1.0, 10.0, 7.0], [3.0, 30.0, 7.0], [2.0, -10.0, 7.0]])
    let s = MinMaxScaler(fitting: train)
    #expect(s.dataMin.toDoubles() == [1, -10, 7] && s.dataMax.toDoubles() == [3, 30, 7])
    // Training data maps onto [0, 1]; the constant column maps to 0.
    #expect(Approx.equal(s.transform(train), [0, 0.5, 0, 1, 1, 0, 0.5, 0, 0]))
    // New data uses the training range, without clipping.
    #expect(Approx.equal(s.transform(Tensor([[5.0, 0.0, 8.0]])), [2, 0.25, 1]))
    #expect(Approx.equal(s.inverseTransform(Tensor([[2.0, 0.25, 1.0]])), [5, 0, 8]))

    let r = MinMaxScaler(fitting: train, range: (-1, 1))
    #expect(Approx.equal(r.transform(train), [-1, 0, -1, 1, 1, -1, 0, -1, -1]))
    #expect(Approx.equal(r.inverseTransform(r.transform(train)), train.toDoubles()))
    let d = r.transform(TensorDataset(inputs: train, targets: Tensor([0, 1, 2])))
    #expect(d.targets.toArray(as: Int64.self) == [0, 1, 2])
}

@Test func minMaxScalerNeedsAnIncreasingRange() async {
    await #expect(processExitsWith: .failure) {
        _ = MinMaxScaler(fitting: Tensor([[1.0], [2.0]]), range: (1, 0))
    }
}
