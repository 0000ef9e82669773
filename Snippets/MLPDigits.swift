// A multilayer perceptron on the bundled 8×8 digits: forward, cross-entropy, backpropagation, SGD;
// first the lecture's two-neuron network, drawn as its computational graph with values and gradients.
import Apus

// snippet.graph
// x ──w1, b1──▶ σ ──▶ h ──w2, b2──▶ σ ──▶ ŷ ──▶ L = ½(ŷ − y)², with y = 1
func scalar(_ v: Double) -> Tensor { Tensor(scalar: v, dtype: .float64).requiringGrad() }
let (x, w1, b1, w2, b2) = (scalar(0.5), scalar(0.8), scalar(0.1), scalar(-0.4), scalar(0.3))
let trace = GraphTrace()                                    // keeps every intermediate gradient
let (h, yHat, L) = trace.record {
    let h = sigmoid(w1 * x + b1)
    let yHat = sigmoid(w2 * h + b2)
    return (h, yHat, 0.5 * pow(yHat - 1, 2))
}
L.backward()
print("∂L/∂w1 =", w1.grad!.item(), " ∂L/∂w2 =", w2.grad!.item())
let dot = graph(of: L, names: ["x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "h": h, "ŷ": yHat, "L": L],
                trace: trace)
try writeGraph(dot, to: "backprop.dot")                    // Graphviz text; `dot -Tsvg backprop.dot`
if Graphviz.isAvailable { try writeGraph(dot, to: "backprop.svg") }   // rendered by Graphviz's dot

// snippet.oneStep
seed(0)
let data = try Digits.load()                                   // 1,797 images of 64 pixels, 10 classes
let parts = randomSplit(count: data.count)                     // seeded 80/10/10 index sets
let model = mlp(inputs: 64, hidden: [128, 64], outputs: 10)    // Linear → ReLU → Linear → ReLU → Linear
let (images, labels) = data.subset(parts[0]).batch(at: Array(0..<32))
let logits = model(images)                                     // [32, 10]
let loss = crossEntropy(logits, labels)                        // softmax + negative log-likelihood
loss.backward()                                                // ∂loss/∂θ for every parameter
for (name, parameter) in model.namedParameters().prefix(2) {
    print(name, parameter.shape, "gradient norm", parameter.grad!.pow(2).sum().sqrt().item())
}

// snippet.training
let optimizer = SGD(model.parameters(), lr: 0.05, momentum: 0.9)
let trainer = ClassifierTrainer(model: model, optimizer: optimizer)
trainer.fit(DataLoader(data.subset(parts[0]), batchSize: 32, shuffle: true),
            validation: data.subset(parts[1]), epochs: 10) { report in print(report) }
print("test accuracy", trainer.evaluate(on: data.subset(parts[2])).accuracy)
// snippet.end
