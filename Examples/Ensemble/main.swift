// An ensemble: five MLPs trained from different random initialisations and data orders; the
// ensemble predicts the class with the highest average probability. Averaging cancels part of
// each model's own errors, so the ensemble is usually at least as good as its average member.
import Apus

let data = try Digits.load()
let parts = randomSplit(count: data.count, generator: RandomGenerator(seed: 0))
let train = data.subset(parts[0]), test = data.subset(parts[2])

var members: [Module] = []
for member in 0..<5 {
    let generator = RandomGenerator(seed: UInt64(100 + member))
    let model = mlp(inputs: 64, hidden: [32], outputs: 10, generator: generator)
    let trainer = ClassifierTrainer(model: model, optimizer: SGD(model.parameters(), lr: 0.05, momentum: 0.9))
    trainer.fit(DataLoader(train, batchSize: 32, shuffle: true, generator: generator), epochs: 5)
    print("member \(member): test accuracy \(trainer.evaluate(on: test).accuracy)")
    members.append(model)
}

let averaged = noGrad {
    members.map { softmax($0(test.inputs), axis: 1) }.reduce(Tensor.zeros([test.count, 10])) { $0 + $1 } / Double(members.count)
}
print("ensemble of \(members.count): test accuracy \(accuracy(averaged, test.targets))")
