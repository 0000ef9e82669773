// Linear regression by batch gradient descent, written out by hand:
//   J(w, b) = mean((X·w + b − y)²);   w ← w − α·∂J/∂w;   b ← b − α·∂J/∂b
// 1. one feature, three learning rates: too small (slow), right, too large (diverges);
// 2. several features on very different scales, without and with standardisation;
// 3. the same table through the library's path for tables (`apus train --csv FILE --target price`
//    takes it too): a seeded 80/10/10 split, features standardised on the training rows, minibatch
//    SGD, here with no hidden layer.
import Apus
import Foundation

let generator = RandomGenerator(seed: 0)

/// Runs `steps` of gradient descent from zero weights; returns the loss after every step.
func gradientDescent(_ x: Tensor, _ y: Tensor, lr: Double, steps: Int) -> (losses: [Double], w: Tensor, b: Tensor) {
    var w = Tensor.zeros([x.shape[1], 1], dtype: .float64).requiringGrad()
    var b = Tensor.zeros([1], dtype: .float64).requiringGrad()
    var losses: [Double] = []
    for _ in 0..<steps {
        let loss = mseLoss(matmul(x, w) + b, y)
        loss.backward()
        losses.append(loss.item())
        noGrad {
            w = (w - lr * w.grad!).requiringGrad()
            b = (b - lr * b.grad!).requiringGrad()
        }
    }
    return (losses, w, b)
}

func describe(_ losses: [Double]) -> String {
    let marks = [0, 9, 99, losses.count - 1].filter { $0 < losses.count }
    let trend = marks.map { "J[\($0 + 1)] = \(format(losses[$0]))" }.joined(separator: "  ")
    let verdict = !(losses.last!.isFinite) || losses.last! > losses.first! ? "diverged" : "decreasing"
    return trend + "  → \(verdict)"
}

func format(_ v: Double) -> String { String(format: "%.4g", v) }

// 1. y = 3x + 2 + noise, x ∈ [0, 10].
let n = 100
let x1 = Tensor.uniform([n, 1], low: 0, high: 10, dtype: .float64, generator: generator)
let y1 = 3 * x1 + 2 + Tensor.normal([n, 1], std: 1, dtype: .float64, generator: generator)
print("1-D: y = 3x + 2 + noise, 300 steps of full-batch gradient descent")
for (label, lr) in [("too small", 1e-4), ("good", 0.02), ("too large", 0.05)] {
    let run = gradientDescent(x1, y1, lr: lr, steps: 300)
    print("  α = \(lr) (\(label)): \(describe(run.losses))")
    if label == "good" { print("    w = \(format(run.w.item())), b = \(format(run.b.item())) (true 3 and 2; b is slow: the loss surface is a long valley)") }
}

// 2. Price of a flat from its area (m², 20–200), rooms (1–6) and age (0–60 years).
let area = Tensor.uniform([n, 1], low: 20, high: 200, dtype: .float64, generator: generator)
let rooms = Tensor.randint(1, 7, shape: [n, 1], generator: generator).cast(to: .float64)
let age = Tensor.uniform([n, 1], low: 0, high: 60, dtype: .float64, generator: generator)
let features = concat([area, rooms, age], axis: 1)
let price = 3 * area + 10 * rooms - 0.5 * age + 50 + Tensor.normal([n, 1], std: 5, dtype: .float64, generator: generator)

print("\nMultivariate: price from area, rooms and age, 300 steps")
let raw = gradientDescent(features, price, lr: 5e-5, steps: 300)
print("  raw features, α = 5e-5 (larger diverges): \(describe(raw.losses))")
// Standardise with statistics of these (training) inputs: every feature gets mean 0 and std 1,
// the valley becomes round and a large step is safe.
let mean = features.mean(axis: 0), std = features.std(axis: 0)
let standardized = gradientDescent((features - mean) / std, price, lr: 0.1, steps: 300)
print("  standardised features, α = 0.1: \(describe(standardized.losses))")

// 3. The library's path for a table of your own: a CSV file, a target column, no hidden layer
//    (one Linear layer is linear regression). TableData splits the rows and standardises features
//    and target with the training rows' statistics; runRegression reports R² on the test rows.
let csv = FileManager.default.temporaryDirectory.appendingPathComponent("apus-flats.csv").path
let rows = concat([features, price], axis: 1).toDoubles()
let text = (["area,rooms,age,price"] + (0..<n).map { i in rows[(4 * i)..<(4 * i + 4)].map { String($0) }.joined(separator: ",") })
try (text.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
let table = try TableData(try loadCSV(path: csv, target: .name("price")), task: .regression, seed: 0)
var config = ClassificationRunConfig()
(config.dataset, config.hidden, config.epochs, config.batchSize, config.lr) = ("csv", [], 100, 16, 0.05)
config.checkpoint = csv + ".safetensors"
let result = try runRegression(config, data: table)
print(String(format: "\nThe library (80 training rows, 100 epochs of minibatch SGD): test R² = %.4f, test RMSE = %.2f",
             result.test.r2, result.test.meanSquaredError.squareRoot()))
// Back to the original units: price = b + Σ w_i·x_i, from the weights on standardised values.
let fitted = try TablePredictor(checkpoint: config.checkpoint!)
let p = fitted.preprocessing, linear = (fitted.model as! Sequential).layers[0] as! Linear
let scaled = linear.weight.value.toDoubles(), intercept = linear.bias!.value.toDoubles()[0]
let w = scaled.indices.map { scaled[$0] * p.targetStd! / p.std[$0] }
let b = p.targetMean! + intercept * p.targetStd! - w.indices.map { w[$0] * p.mean[$0] }.reduce(0, +)
func signed(_ v: Double) -> String { (v < 0 ? "− " : "+ ") + format(abs(v)) }
print("  price ≈ \(format(b)) \(signed(w[0]))·area \(signed(w[1]))·rooms \(signed(w[2]))·age   (true: 50 + 3·area + 10·rooms − 0.5·age)")
