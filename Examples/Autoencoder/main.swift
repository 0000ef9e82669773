// Unsupervised learning with autoencoders: a network trained to reproduce its input through a
// narrow code learns, without labels, what the images have in common.
//   - a dense and a convolutional autoencoder (ConvTranspose2d and Upsample in the decoder),
//     trained on Fashion-MNIST without one class;
//   - anomaly detection: images of the held-out class reconstruct worse, so the reconstruction
//     error scores them (ROC AUC);
//   - clustering: k-means on the codes, scored by cluster purity against the classes;
//   - a PNG of inputs and their reconstructions.
// With Debian's dataset-fashion-mnist installed (or $APUS_DATA/fashion-mnist) it uses 28×28
// Fashion-MNIST; without it (or with --digits), the bundled 8×8 digits, with the same steps and
// output lines.
//
//   swift run -c release Autoencoder [--digits] [output-directory]   (default: autoencoder)
import Apus
import ApusVision
import Foundation

let arguments = CommandLine.arguments.dropFirst()
let directory = arguments.first { !$0.hasPrefix("--") } ?? "autoencoder"
let digitsOnly = arguments.contains("--digits")
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
seed(0)
let generator = RandomGenerator(seed: 0)

// MARK: Data: normal training images (one class held out) and test images of every class

struct Images {
    var inputs: Tensor   // [N, 1, side, side] in [0, 1]
    var labels: [Int]
}

/// Int64 indices for `indexSelect`.
func indexTensor(_ indices: [Int]) -> Tensor { Tensor(shape: [indices.count], values: indices.map(Double.init), dtype: .int64) }

let name: String, classNames: [String], side: Int, heldOut: Int
let train: Images, test: Images
do {
    if digitsOnly { throw ApusError.datasetNotFound(name: "Fashion-MNIST", searched: [], instructions: "--digits") }
    let trainSet = try FashionMNIST.loadImages(train: true), testSet = try FashionMNIST.loadImages(train: false)
    (name, classNames, side, heldOut) = ("Fashion-MNIST", FashionMNIST.classes, 28, 5)  // Sandal
    // A random sample keeps the example short: 8,000 normal training images, 2,000 test images.
    let trainLabels = trainSet.batch(at: Array(0..<trainSet.count)).targets.toArray(as: Int64.self).map(Int.init)
    let normal = generator.permutation(trainSet.count).filter { trainLabels[$0] != heldOut }.prefix(8000)
    let testIndices = Array(generator.permutation(testSet.count).prefix(2000))
    func images(_ set: ImageDataset, _ indices: [Int]) -> Images {
        let (x, y) = set.batch(at: indices)
        return Images(inputs: x, labels: y.toArray(as: Int64.self).map(Int.init))
    }
    (train, test) = (images(trainSet, Array(normal)), images(testSet, testIndices))
} catch let error as ApusError {
    guard case .datasetNotFound = error else { throw error }
    let digits = try Digits.load()
    (name, classNames, side, heldOut) = ("the bundled digits", (0..<10).map(String.init), 8, 7)
    let parts = randomSplit(count: digits.count, fractions: [0.8, 0.2], generator: generator)
    let labels = digits.targets.toArray(as: Int64.self).map(Int.init)
    func images(_ indices: [Int]) -> Images {
        Images(inputs: digits.inputs.indexSelect(axis: 0, indices: indexTensor(indices))
                   .reshape([-1, 1, 8, 8]),  // already scaled to [0, 1]
               labels: indices.map { labels[$0] })
    }
    (train, test) = (images(parts[0].filter { labels[$0] != heldOut }), images(parts[1]))
}
let anomaly = test.labels.map { $0 == heldOut }
print("data: \(name) (\(side)×\(side)), \(train.labels.count) training images without class '\(classNames[heldOut])' "
      + "(held out as the anomaly), \(test.labels.count) test images of which \(anomaly.filter { $0 }.count) '\(classNames[heldOut])'")

// MARK: Models

/// `[N, F]` → `[N] + shape`: the inverse of `Flatten()`.
final class Unflatten: Module {
    let shape: [Int]
    init(_ shape: [Int]) { self.shape = shape }
    override func forward(_ x: Tensor) -> Tensor { x.reshape([x.shape[0]] + shape) }
}

/// An encoder to a code and a decoder back to the image.
final class Autoencoder: Module {
    let encoder: Sequential
    let decoder: Sequential
    init(encoder: Sequential, decoder: Sequential) { (self.encoder, self.decoder) = (encoder, decoder) }
    override func forward(_ x: Tensor) -> Tensor { decoder(encoder(x)) }
}

let pixels = side * side, hidden = side == 28 ? 128 : 32, code = side == 28 ? 32 : 10, quarter = side / 4
let dense = Autoencoder(
    encoder: Sequential(Flatten(), Linear(pixels, hidden), ReLU(), Linear(hidden, code)),
    decoder: Sequential(Linear(code, hidden), ReLU(), Linear(hidden, pixels), Sigmoid(), Unflatten([1, side, side])))
// Two strided convolutions halve the image twice; the decoder doubles it back with a transposed
// convolution, then with nearest-neighbour upsampling followed by a convolution.
let conv = Autoencoder(
    encoder: Sequential(Conv2d(1, 16, kernelSize: 3, stride: 2, padding: 1), ReLU(),
                        Conv2d(16, 32, kernelSize: 3, stride: 2, padding: 1), ReLU(),
                        Flatten(), Linear(32 * quarter * quarter, code)),
    decoder: Sequential(Linear(code, 32 * quarter * quarter), ReLU(), Unflatten([32, quarter, quarter]),
                        ConvTranspose2d(32, 16, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1), ReLU(),
                        Upsample(scaleFactor: 2), Conv2d(16, 1, kernelSize: 3, padding: .same), Sigmoid()))

/// Trains to reproduce the training images (mean squared error, Adam); prints the first and last epoch's loss.
func fit(_ model: Autoencoder, _ label: String, on train: Images, epochs: Int, generator: RandomGenerator) {
    let optimizer = Adam(model.parameters(), lr: 2e-3)
    let data = TensorDataset(inputs: train.inputs, targets: train.inputs)
    let start = Date()
    var losses: [Double] = []
    for _ in 1...epochs {
        var total = 0.0
        for (x, _) in DataLoader(data, batchSize: 64, shuffle: true, generator: generator) {
            optimizer.zeroGrad()
            let loss = mseLoss(model(x), x)
            loss.backward()
            optimizer.step()
            total += loss.item() * Double(x.shape[0])
        }
        losses.append(total / Double(train.labels.count))
    }
    print(String(format: "%@, %d epochs: loss %.4f → %.4f (%.1f s)", label, epochs, losses.first!, losses.last!,
                 Date().timeIntervalSince(start)))
}

let epochs = side == 28 ? 6 : 40
fit(dense, "dense autoencoder \(pixels)-\(hidden)-\(code)-\(hidden)-\(pixels)", on: train, epochs: epochs, generator: generator)
fit(conv, "conv autoencoder (2 strided Conv2d → \(code)-d code → ConvTranspose2d, Upsample, Conv2d)", on: train, epochs: epochs,
    generator: generator)

// MARK: Anomaly detection by reconstruction error

dense.eval()
conv.eval()
let (denseOut, convOut) = noGrad { (dense(test.inputs), conv(test.inputs)) }
print("anomaly detection by reconstruction error (mean squared error per image), held-out class '\(classNames[heldOut])':")
for (label, output) in [("dense", denseOut), ("conv", convOut)] {
    let errors = ((output - test.inputs) * (output - test.inputs)).mean(axes: [1, 2, 3]).toDoubles()
    let mean = { (wanted: Bool) in zip(errors, anomaly).filter { $0.1 == wanted }.map(\.0).reduce(0, +) / Double(anomaly.filter { $0 == wanted }.count) }
    print(String(format: "  %@ error %.4f on normal images, %.4f on '%@'; ROC AUC %.3f", label.padding(toLength: 5, withPad: " ", startingAt: 0),
                 mean(false), mean(true), classNames[heldOut], rocAUC(scores: errors, labels: anomaly)))
}

// MARK: k-means on the codes

print("k-means (k = 10, k-means++) on the \(test.labels.count) test images, cluster purity against the 10 classes:")
for (label, features) in [("raw pixels (\(pixels)-d)", test.inputs.reshape([-1, pixels])),
                          ("dense codes (\(code)-d)", noGrad { dense.encoder(test.inputs) }),
                          ("conv codes (\(code)-d)", noGrad { conv.encoder(test.inputs) })] {
    let kmeans = KMeans(clusters: 10, restarts: 3, generator: RandomGenerator(seed: 1)).fit(features)
    let purity = clusterPurity(clusters: kmeans.predict(features).toArray(as: Int64.self).map(Int.init), labels: test.labels)
    print(String(format: "  %@ purity %.3f", label.padding(toLength: 22, withPad: " ", startingAt: 0), purity))
}

// MARK: Reconstructions

// Six normal test images, then four of the held-out class: inputs, dense and conv reconstructions.
let shown = Array(anomaly.indices.filter { !anomaly[$0] }.prefix(6) + anomaly.indices.filter { anomaly[$0] }.prefix(4))
let index = indexTensor(shown)
let rows = concat([test.inputs, denseOut, convOut].map { $0.indexSelect(axis: 0, indices: index) })
let path = "\(directory)/reconstructions.png"
try imageGrid(upsample(rows, scaleFactor: ScaleFactor(Double(112 / side))), columns: shown.count, padding: 4, padValue: 1)
    .writePNG(to: path)
print("reconstructions written to \(path) (rows: input, dense, conv; the last 4 columns are '\(classNames[heldOut])')")
