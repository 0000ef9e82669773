// Your own photos, dogs-vs-cats style: a folder with one subfolder per class, JPEG and PNG files
// of any size, read in parallel while a small CNN trains on them.
//
// The folder is made here so that the example runs anywhere: 400 pictures of two classes,
// warm circles and cool squares of random sizes and places on noisy backgrounds, each 40–96 px,
// every other one a JPEG. Point `root` at a folder of your own (root/<class>/<image>) instead.
import Apus
import ApusVision
import Foundation

seed(0)
let root = FileManager.default.temporaryDirectory.appendingPathComponent("apus-shapes").path
try? FileManager.default.removeItem(atPath: root)
let draw = RandomGenerator(seed: 1)
for i in 0..<400 {
    let shape = i % 2 == 0 ? "circles" : "squares"
    let (width, height) = (40 + draw.integer(below: 57), 40 + draw.integer(below: 57))
    var image = Image(width: width, height: height, channels: 3)
    let background = (0..<3).map { _ in 60 + draw.integer(below: 100) }
    // Circles are warm-coloured, squares cool-coloured, as a cat's fur differs from a dog's.
    let warm = shape == "circles" ? 0.6 + 0.4 * draw.uniforms(1)[0] : 0.4 * draw.uniforms(1)[0]
    let colour = [Int(255 * warm), 40 + draw.integer(below: 160), Int(255 * (1 - warm))]
    let radius = Double(min(width, height)) * (0.3 + 0.15 * draw.uniforms(1)[0])
    let cx = radius + draw.uniforms(1)[0] * (Double(width) - 2 * radius)
    let cy = radius + draw.uniforms(1)[0] * (Double(height) - 2 * radius)
    for y in 0..<height {
        for x in 0..<width {
            let (dx, dy) = (Double(x) - cx, Double(y) - cy)
            let inside = shape == "circles" ? dx * dx + dy * dy <= radius * radius : abs(dx) <= radius && abs(dy) <= radius
            for c in 0..<3 {
                let noise = draw.integer(below: 41) - 20
                image[x, y, c] = UInt8(max(0, min(255, (inside ? colour[c] : background[c]) + noise)))
            }
        }
    }
    try FileManager.default.createDirectory(atPath: "\(root)/\(shape)", withIntermediateDirectories: true)
    try image.write(to: "\(root)/\(shape)/\(i).\(i % 4 < 2 ? "jpg" : "png")")
}

// Classes are the sorted subfolder names. 80% trains on random crops and flips, the rest is
// resized and centre-cropped to 32×32 and split into validation and test images.
let photos = try ImageFolder(root: root, normalization: .imageNet)
let parts = randomSplit(count: photos.count, fractions: [0.8, 0.1, 0.1], generator: RandomGenerator(seed: 0))
let train = photos.subset(parts[0]).withTransform(ImageCompose([RandomResizedCrop(32, scale: 0.5...1), RandomHorizontalFlip()]))
let evaluation = ImageCompose([Resize(32), CenterCrop(32)])
let validation = photos.subset(parts[1]).withTransform(evaluation), test = photos.subset(parts[2]).withTransform(evaluation)
print("classes \(photos.classes), \(train.count) training images")

let model = Sequential(
    Conv2d(3, 16, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(2),     // 16×16
    Conv2d(16, 32, kernelSize: 3, padding: 1), ReLU(), MaxPool2d(2),    // 8×8
    Flatten(), Linear(32 * 8 * 8, 2))
let trainer = Trainer(model: model, optimizer: Adam(model.parameters(), lr: 3e-3),
                      loss: { crossEntropy($0, $1) }, metrics: [.accuracy])
// Two threads decode and augment the next batches while the model trains on this one.
let loader = DataLoader(train, batchSize: 32, shuffle: true, workers: 2)
try trainer.fit(loader, validation: validation, epochs: 8, callbacks: [ProgressBar()])
print(String(format: "test accuracy %.4f", try trainer.evaluate(test)["accuracy"]!))
