// Rosenblatt's perceptron learns AND and OR with its own rule and fails on XOR.
import Apus

let inputs = Tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
for (gate, truth) in [("AND", [0.0, 0, 0, 1]), ("OR", [0.0, 1, 1, 1]), ("XOR", [0.0, 1, 1, 0])] {
    let perceptron = Perceptron(features: 2)
    let fit = perceptron.fit(inputs, Tensor(shape: [4], values: truth, dtype: .float64), maxEpochs: 100)
    let predicted = perceptron(inputs).toDoubles()
    let w = perceptron.weight.value.toDoubles(), b = perceptron.bias.value.item()
    print("\(gate): \(fit.converged ? "converged after \(fit.mistakesPerEpoch.count) epochs" : "no convergence in 100 epochs")"
          + "  w = \(w)  b = \(b)  predictions \(predicted.map { Int($0) }) (truth \(truth.map { Int($0) }))")
}
print("XOR is not linearly separable: no single threshold unit can represent it (see the XOR example for an MLP).")
