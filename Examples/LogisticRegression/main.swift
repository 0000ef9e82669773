// Logistic regression: p(y = 1 | x) = σ(w·x + b), trained on binary cross-entropy.
// 1. Two Gaussian clouds: a straight boundary w·x + b = 0 separates them.
// 2. Points inside versus outside a circle: no straight line works on (x₁, x₂), but the same
//    model on polynomial features (1, x₁, x₂, x₁², x₁x₂, x₂²) learns the circle.
import Apus

func train(_ features: Tensor, _ labels: Tensor, steps: Int = 500) -> Linear {
    let model = Linear(features.shape[1], 1, generator: RandomGenerator(seed: 0))
    let optimizer = Adam(model.parameters(), lr: 0.05)
    for _ in 0..<steps {  // full-batch
        optimizer.zeroGrad()
        binaryCrossEntropyWithLogits(model(features), labels).backward()  // σ is inside the loss
        optimizer.step()
    }
    return model
}

func accuracy(_ model: Linear, _ features: Tensor, _ labels: Tensor) -> Double {
    noGrad { ((model(features) .> 0).cast(to: .float32) .== labels).cast(to: .float32).mean().item() }
}

// 1. Two clouds around (−2, −1) and (2, 1).
let clouds = ToyDatasets.blobs(countPerClass: 100, centers: [(-2, -1), (2, 1)], std: 1, generator: RandomGenerator(seed: 1))
let cloudLabels = clouds.targets.cast(to: .float32).reshape([-1, 1])
let line = train(clouds.inputs, cloudLabels)
let w = line.weight.value.toDoubles(), b = line.bias!.value.item()
print("clouds: accuracy \(accuracy(line, clouds.inputs, cloudLabels)), boundary \(w[0])·x₁ + \(w[1])·x₂ + \(b) = 0")
let probability = noGrad { sigmoid(line(Tensor([[0.0, 0.0], [2.0, 1.0]]))) }.toDoubles()
print("        p(class 1) at (0, 0) = \(probability[0]), at (2, 1) = \(probability[1])")

// 2. Inside (class 1) or outside (class 0) a circle.
let rings = ToyDatasets.circles(count: 400, noise: 0.1, factor: 0.5, generator: RandomGenerator(seed: 2))
let ringLabels = rings.targets.cast(to: .float32).reshape([-1, 1])
let linear = train(rings.inputs, ringLabels)
print("circle, features (x₁, x₂): accuracy \(accuracy(linear, rings.inputs, ringLabels))  (a line cannot do it)")
let poly = polynomialFeatures(rings.inputs, degree: 2, includeBias: false)  // x₁, x₂, x₁², x₁x₂, x₂²
let quadratic = train(poly, ringLabels)
let q = quadratic.weight.value.toDoubles().map { ($0 * 100).rounded() / 100 }
print("circle, polynomial features: accuracy \(accuracy(quadratic, poly, ringLabels)), weights on (x₁, x₂, x₁², x₁x₂, x₂²) = \(q)")
