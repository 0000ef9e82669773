// Rosenblatt's perceptron learns AND but not XOR; a 2-4-1 network with tanh units learns XOR.
import Apus

// snippet.perceptron
let inputs = Tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
for (gate, truth) in [("AND", [0.0, 0, 0, 1]), ("XOR", [0.0, 1, 1, 0])] {
    let perceptron = Perceptron(features: 2)                  // a threshold unit: step(w·x + b)
    let fit = perceptron.fit(inputs, Tensor(shape: [4], values: truth, dtype: .float64), maxEpochs: 100)
    print(gate, fit.converged ? "learned" : "not learnable by one threshold unit",
          perceptron(inputs).toDoubles())
}

// snippet.xor
seed(0)
let x = inputs.cast(to: .float32)
let targets = Tensor([[0.0], [1.0], [1.0], [0.0]], dtype: .float32)
let network = Sequential(Linear(2, 4), Tanh(), Linear(4, 1), Sigmoid())
let optimizer = SGD(network.parameters(), lr: 0.5, momentum: 0.9)
for _ in 0..<500 {
    optimizer.zeroGrad()
    let loss = mseLoss(network(x), targets)
    loss.backward()
    optimizer.step()
}
print("XOR:", noGrad { network(x) }.toDoubles().map { $0 > 0.5 ? 1 : 0 })   // [0, 1, 1, 0]
// snippet.end
