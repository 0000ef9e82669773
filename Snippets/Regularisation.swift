// Initialisation, dropout, batch normalisation and an L2 penalty on one MLP.
import Apus

// snippet.model
seed(0)
let model = Sequential(
    Linear(64, 128, weightInitializer: .kaimingNormal(nonlinearity: .relu), biasInitializer: .zeros),  // He
    BatchNorm1d(128), ReLU(), Dropout(p: 0.2),
    Linear(128, 10, weightInitializer: .xavierUniform(), biasInitializer: .zeros))                     // Glorot

// snippet.step
let data = try Digits.load()
let (x, y) = data.batch(at: Array(0..<64))
let weights = model.parameters(where: { $0.hasSuffix("weight") && !$0.hasPrefix("1.") })   // no biases, no BN scale
let optimizer = SGD(model.parameters(), lr: 0.05, momentum: 0.9)
for _ in 0..<20 {
    optimizer.zeroGrad()
    let loss = crossEntropy(model(x), y) + penalty(weights, l2: 1e-4)   // λ·Σw²
    loss.backward()
    _ = clipGradNorm(model.parameters(), maxNorm: 1)                  // the course's ∇W·β/max(‖∇W‖, β)
    optimizer.step()
}
model.eval()                          // dropout off, batch norm uses its running statistics
let accuracy = noGrad { (model(x).argmax(axis: 1) .== y).cast(to: .float64).mean().item() }
print("training-batch accuracy after 20 steps:", accuracy)
// snippet.end
