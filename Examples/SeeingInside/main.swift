// Seeing inside a CNN: train LeNet-5 briefly, then write as PNG images
//   - the six 5×5 filters of its first convolution,
//   - the feature maps one input produces after the first and the second convolution.
// The bundled 8×8 digits are upsampled to LeNet's 28×28 so that this runs without downloads
// (with Debian's dataset-fashion-mnist, FashionMNIST.load(train:) works the same way).
//
//   swift run -c release SeeingInside [output-directory]   (default: seeing-inside)
import Apus
import ApusVision
import Foundation

let directory = CommandLine.arguments.dropFirst().first ?? "seeing-inside"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

let digits = try Digits.load()
let images = upsample(digits.inputs.reshape([-1, 1, 8, 8]), size: 28, mode: .bilinear)  // [1797, 1, 28, 28], in [0, 1]
let data = TensorDataset(inputs: images, targets: digits.targets)
let parts = randomSplit(count: data.count, generator: RandomGenerator(seed: 0))
let model = LeNet5(generator: RandomGenerator(seed: 0))
let trainer = Trainer(model: model, optimizer: Adam(model.parameters()), loss: { crossEntropy($0, $1) }, metrics: [.accuracy])
try trainer.fit(DataLoader(data.subset(parts[0]), batchSize: 32, shuffle: true, generator: RandomGenerator(seed: 1)),
                validation: data.subset(parts[1]), epochs: 15)
print("test accuracy \(trainer.evaluate(data.subset(parts[2]))["accuracy"]!)")

// First-layer filters [6, 1, 5, 5], each scaled to its own range and enlarged 8× to be visible.
let conv1 = model.features.layers[0] as! Conv2d
let filters = conv1.weight.value.detached()
let low = filters.min(axes: [1, 2, 3], keepDims: true), high = filters.max(axes: [1, 2, 3], keepDims: true)
let scaled = upsample((filters - low) / (high - low), scaleFactor: 8)
try imageGrid(scaled, columns: 6, padding: 4, padValue: 1).writePNG(to: "\(directory)/conv1-filters.png")

// Feature maps of the first test image: 6 after conv1 + ReLU, 16 after conv2 + ReLU.
let (input, label) = data.subset(parts[2]).batch(at: [0])
model.eval()
let maps1 = noGrad { model.features.layers[1](conv1(input)) }                       // [1, 6, 28, 28]
let maps2 = noGrad { Sequential(Array(model.features.layers[2...4]))(maps1) }      // [1, 16, 10, 10]
try imageGrid(upsample(input, scaleFactor: 4), columns: 1, normalize: true).writePNG(to: "\(directory)/input.png")
try imageGrid(upsample(maps1.reshape([6, 1, 28, 28]), scaleFactor: 4), columns: 6, normalize: true)
    .writePNG(to: "\(directory)/conv1-feature-maps.png")
try imageGrid(upsample(maps2.reshape([16, 1, 10, 10]), scaleFactor: 8), columns: 8, normalize: true)
    .writePNG(to: "\(directory)/conv2-feature-maps.png")
print("digit \(Int(label.item())): filters and feature maps written to \(directory)/")
