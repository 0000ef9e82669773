// Transfer learning: a network pretrained on a large dataset beats one trained from scratch on a
// small one.
//
// 1. Pretrain LeNet-5 on eight of Fashion-MNIST's ten classes (Debian's dataset-fashion-mnist, or
//    $APUS_DATA/fashion-mnist; without it, the bundled 8×8 digits enlarged to 28×28, digits 0–7).
// 2. Save it, as a pretrained model is downloaded: a safetensors file.
// 3. The new task: the two held-out classes (sandals against sneakers; digits 8 and 9) from only
//    a few hundred images. Load the weights, give the network a new two-class head and train
//      a. with the pretrained convolutional backbone frozen (the classifier layers learn);
//      b. fastai's fine_tune: one epoch of the new head alone, then every layer, the body at a
//         tenth of the head's learning rate;
//      c. the same LeNet-5 from random weights, for comparison;
//    then compare their accuracies on the held-out classes' test images.
import Apus
import ApusVision
import Foundation

seed(0)

/// The examples of `data` whose label is in `classes`, relabelled 0, 1, … in that order, at most
/// `perClass` of each class.
func select(_ data: ImageDataset, classes: [Int64], perClass: Int = .max) -> ImageDataset {
    var pixels: [UInt8] = [], labels: [Int64] = [], taken = [Int64: Int]()
    let size = data.exampleShape.reduce(1, *)
    for (i, label) in data.labels.enumerated() {
        guard let index = classes.firstIndex(of: label), taken[label, default: 0] < perClass else { continue }
        taken[label, default: 0] += 1
        pixels += data.pixels[(i * size)..<((i + 1) * size)]
        labels.append(Int64(index))
    }
    return ImageDataset(pixels: pixels, exampleShape: data.exampleShape, labels: labels, mean: data.mean, std: data.std)
}

/// The bundled digits as 28×28 grey images (each pixel a 3–4 pixel square), the first 80% for
/// training: what this example uses when Fashion-MNIST is not installed.
func enlargedDigits() throws -> (train: ImageDataset, test: ImageDataset) {
    let digits = try Digits.load()
    let values = digits.inputs.toDoubles(), labels = digits.targets.toArray(as: Int64.self)
    var pixels: [UInt8] = []
    for n in 0..<digits.count {
        for y in 0..<28 { for x in 0..<28 { pixels.append(UInt8(255 * values[n * 64 + (y * 8 / 28) * 8 + x * 8 / 28])) } }
    }
    let cut = digits.count * 8 / 10
    func part(_ range: Range<Int>) -> ImageDataset {
        ImageDataset(pixels: Array(pixels[(range.lowerBound * 784)..<(range.upperBound * 784)]), exampleShape: [1, 28, 28],
                     labels: Array(labels[range]), mean: [0.3], std: [0.4])
    }
    return (part(0..<cut), part(cut..<digits.count))
}

let train: ImageDataset, test: ImageDataset, names: [String], heldOut: [Int64], perClass: Int, pretrainEpochs: Int
if let fashion = try? FashionMNIST.loadImages(train: true, normalized: true) {
    (train, test, names) = (fashion, try FashionMNIST.loadImages(train: false, normalized: true), FashionMNIST.classes)
    (heldOut, perClass, pretrainEpochs) = ([5, 7], 100, 2)   // Sandal and Sneaker; Ankle boot stays in the pretraining
} else {
    // Small: 70 test images, so a difference of one or two images is noise.
    print("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist): using the bundled digits")
    (train, test) = try enlargedDigits()
    (names, heldOut, perClass, pretrainEpochs) = ((0..<10).map(String.init), [8, 9], 40, 10)
}
let pretrainClasses = (0..<10).map(Int64.init).filter { !heldOut.contains($0) }

// 1. Pretraining on the eight other classes.
let pretrain = select(train, classes: pretrainClasses)
let pretrained = LeNet5(classes: 8, generator: RandomGenerator(seed: 1))
let pretrainer = Trainer(model: pretrained, optimizer: Adam(pretrained.parameters(), lr: 2e-3), metrics: [.accuracy])
print("pretraining LeNet-5 on \(pretrain.count) images of \(pretrainClasses.map { names[Int($0)] }.joined(separator: ", "))")
try pretrainer.fit(DataLoader(pretrain, batchSize: 64, shuffle: true, generator: RandomGenerator(seed: 2)), epochs: pretrainEpochs,
                   callbacks: [ProgressBar(style: .lines)])
let weights = FileManager.default.temporaryDirectory.appendingPathComponent("apus-lenet5-pretrained.safetensors").path
try pretrained.saveWeights(to: weights)

// 2. The new, small task.
let small = select(train, classes: heldOut, perClass: perClass)
let newTest = select(test, classes: heldOut)
print("new task: \(heldOut.map { names[Int($0)] }.joined(separator: " vs ")), \(small.count) training images, "
      + "\(newTest.count) test images")

/// Trains `model` on the small set for `epochs` epochs (after `freezeEpochs` head-only epochs
/// with `fineTune` when given) and returns its test accuracy.
func train(_ model: LeNet5, optimizer: any Optimizer, epochs: Int, freezeEpochs: Int? = nil) throws -> Double {
    let trainer = Trainer(model: model, optimizer: optimizer, metrics: [.accuracy])
    let loader = DataLoader(small, batchSize: 32, shuffle: true, generator: RandomGenerator(seed: 3))
    if let freezeEpochs {
        try trainer.fineTune(loader, epochs: epochs, freezeEpochs: freezeEpochs)
    } else {
        try trainer.fit(loader, epochs: epochs)
    }
    return try trainer.evaluate(newTest)["accuracy"]!
}

/// The pretrained LeNet-5 with a new two-class head (`classifier.4`, 84 → 2).
func loadPretrained() throws -> LeNet5 {
    let model = skippingInitialization { LeNet5(classes: 8) }   // no random draws: every value is loaded next
    try model.loadWeights(from: weights)
    model.replaceHead(classes: 2, generator: RandomGenerator(seed: 4))
    return model
}

// a. The convolutional backbone frozen (weights bit-identical); the three classifier layers learn.
//    (Freezing all but the last layer, `freezeBody()`, does worse here: LeNet-5's 120- and 84-unit
//    layers were shaped for the eight other classes.)
let frozen = try loadPretrained()
frozen.features.freeze()
let frozenAccuracy = try train(frozen, optimizer: Adam(frozen.parameters(), lr: 2e-3), epochs: 20)

// b. fine_tune: the new head alone for one epoch, then every layer at half these rates.
let tuned = try loadPretrained()
let tunedAccuracy = try train(tuned, optimizer: Adam(tuned.parameterGroups(body: 1e-3, head: 1e-2)), epochs: 19, freezeEpochs: 1)

// c. From scratch: the same network and training as a., from random weights.
let scratch = LeNet5(classes: 2, generator: RandomGenerator(seed: 4))
let scratchAccuracy = try train(scratch, optimizer: Adam(scratch.parameters(), lr: 2e-3), epochs: 20)

print(String(format: "pretrained, frozen backbone: test accuracy %.4f", frozenAccuracy))
print(String(format: "pretrained, fine_tune:       test accuracy %.4f", tunedAccuracy))
print(String(format: "from scratch:                test accuracy %.4f", scratchAccuracy))
print(frozenAccuracy > scratchAccuracy ? "on \(small.count) images the pretrained features win"
                                       : "training from scratch won this time")
