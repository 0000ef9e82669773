// Softmax regression (multinomial logistic regression) on the bundled 8×8 digits:
//   p(y = k | x) = softmax(W·x + b)_k,   J = cross-entropy,   minibatch SGD.
// One linear layer, no hidden units: already over 90% test accuracy on this easy dataset.
import Apus

seed(0)
let data = try Digits.load()
let parts = randomSplit(count: data.count)                 // 80/10/10 train/validation/test
let model = Linear(64, 10)                                  // logits; softmax is inside the loss
let optimizer = SGD(model.parameters(), lr: 0.05)
let trainer = ClassifierTrainer(model: model, optimizer: optimizer)
trainer.fit(DataLoader(data.subset(parts[0]), batchSize: 32, shuffle: true),
            validation: data.subset(parts[1]), epochs: 20) { report in
    if report.epoch % 5 == 0 { print(report) }
}
let test = trainer.evaluate(on: data.subset(parts[2]))
print("test accuracy \(test.accuracy), test loss \(test.loss)")

// The class probabilities of the first test image: a distribution over the ten digits.
let (image, label) = data.subset(parts[2]).batch(at: [0])
let probabilities = noGrad { softmax(model(image), axis: 1) }.toDoubles()
print("first test image: label \(Int(label.item())), p =", probabilities.map { ($0 * 100).rounded() / 100 })
