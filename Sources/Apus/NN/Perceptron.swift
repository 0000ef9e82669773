/// Rosenblatt's perceptron (1958): a single threshold unit `ŷ = step(w·x + b)` trained by its own
/// error-correction rule, not by gradient descent:
///
///     for each example (x, y):   ŷ = step(w·x + b);   w ← w + η·(y − ŷ)·x;   b ← b + η·(y − ŷ)
///
/// Weights change only on mistakes. If the two classes are linearly separable the rule stops
/// making mistakes after finitely many updates (the perceptron convergence theorem); on XOR it
/// never does. Labels are 0 and 1; `step` outputs 1 where `w·x + b > 0`.
public final class Perceptron: Module {
    /// The weights `w`, `[1, features]`, as a `Linear(features, 1)` weight; each mistake adds `η·(y − ŷ)·x`.
    public let weight: Parameter
    /// The bias `b`, `[1]`: the threshold is `−b`.
    public let bias: Parameter
    /// The learning rate η of the update rule.
    public let learningRate: Double

    /// A perceptron on `features` inputs starting from zero weights (the classic choice; the rule
    /// needs no symmetry breaking).
    public init(features: Int, learningRate: Double = 1, dtype: DType = .float64) {
        require(features > 0, "Perceptron: features must be positive, got \(features)")
        require(learningRate > 0 && learningRate.isFinite, "Perceptron: learning rate must be positive, got \(learningRate)")
        weight = Parameter(.zeros([1, features], dtype: dtype))
        bias = Parameter(.zeros([1], dtype: dtype))
        self.learningRate = learningRate
    }

    /// Predicted classes `[N]` (0 or 1) for inputs `[N, features]`.
    public override func forward(_ x: Tensor) -> Tensor {
        require(x.rank == 2 && x.shape[1] == weight.shape[1],
                "Perceptron: input of shape \(x.shape) is not [N, \(weight.shape[1])]")
        return noGrad { (linear(x, weight: weight.value, bias: bias.value) .> 0).cast(to: weight.value.dtype).reshape([-1]) }
    }

    /// What one call of ``fit(_:_:maxEpochs:)`` did.
    public struct Fit: Sendable, Equatable {
        /// Mistakes (updates) in each epoch.
        public let mistakesPerEpoch: [Int]
        /// Whether the last epoch made no mistake: every training example is classified correctly.
        public var converged: Bool { mistakesPerEpoch.last == 0 }
    }

    /// Applies the perceptron rule example by example, in order, for up to `maxEpochs` passes,
    /// stopping after the first pass without a mistake.
    @discardableResult
    public func fit(_ inputs: Tensor, _ labels: Tensor, maxEpochs: Int = 100) -> Fit {
        require(inputs.rank == 2 && inputs.shape[1] == weight.shape[1] && labels.shape == [inputs.shape[0]],
                "Perceptron.fit: inputs \(inputs.shape) and labels \(labels.shape) do not match [N, \(weight.shape[1])] and [N]")
        let n = inputs.shape[0], f = inputs.shape[1]
        let x = inputs.contiguous().toDoubles(), y = labels.contiguous().toDoubles()
        require(y.allSatisfy { $0 == 0 || $0 == 1 }, "Perceptron.fit: labels must be 0 or 1")
        var w = weight.value.toDoubles(), b = bias.value.item()
        var mistakes: [Int] = []
        for _ in 0..<maxEpochs {
            var count = 0
            for i in 0..<n {
                let row = x[(i * f)..<((i + 1) * f)]
                let activation = zip(w, row).reduce(b) { $0 + $1.0 * $1.1 }
                let error = y[i] - (activation > 0 ? 1 : 0)
                guard error != 0 else { continue }
                count += 1
                for j in 0..<f { w[j] += learningRate * error * row[row.startIndex + j] }
                b += learningRate * error
            }
            mistakes.append(count)
            if count == 0 { break }
        }
        weight.assign(Tensor(shape: [1, f], values: w, dtype: weight.value.dtype))
        bias.assign(Tensor(shape: [1], values: [b], dtype: bias.value.dtype))
        return Fit(mistakesPerEpoch: mistakes)
    }
}
