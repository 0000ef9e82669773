// The README's quick start: fit y = 3x − 1 with a Linear layer, then a tiny classifier.
import Apus

seed(0)

// Autograd on plain tensors.
let x = Tensor([[1.0, 2.0], [3.0, 4.0]]).requiringGrad()
let y = (x * x).sum()
y.backward()
print(x.grad!)  // 2·x

// Linear regression by minibatch gradient descent.
let inputs = Tensor.linspace(-1, 1, count: 64).reshape([64, 1])
let targets = 3 * inputs - 1
let model = Linear(1, 1)
let optimizer = SGD(model.parameters(), lr: 0.1, momentum: 0.9)
for _ in 0..<200 {
    optimizer.zeroGrad()
    let loss = mseLoss(model(inputs), targets)
    loss.backward()
    optimizer.step()
}
print("w =", model.weight.value.item(), "b =", model.bias!.value.item())

// A classifier on the bundled digits.
let data = try Digits.load()                                  // 1,797 images, 10 classes
let parts = randomSplit(count: data.count)                    // 80/10/10 index sets
let classifier = mlp(inputs: 64, hidden: [128, 64], outputs: 10)   // Linear → ReLU → … → Linear
let trainer = ClassifierTrainer(model: classifier, optimizer: SGD(classifier.parameters(), lr: 0.05, momentum: 0.9))
trainer.fit(DataLoader(data.subset(parts[0]), batchSize: 32, shuffle: true),
            validation: data.subset(parts[1]), epochs: 30) { print($0) }
print(trainer.evaluate(on: data.subset(parts[2])).accuracy)
