// A multilayer perceptron on the bundled 8×8 digits: forward, cross-entropy, backpropagation, SGD.
import Apus

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
