// Fine-tuning a pretrained ResNet-18 on a small folder of photos, then classifying a new image.
import Apus
import ApusVision
import Foundation

// snippet.hide
// Stand-ins so that the snippet runs offline: a two-class folder of small photos, and random
// ResNet-18 weights saved as a pretrained model would be downloaded (torchvision's .pth works the same).
let work = FileManager.default.temporaryDirectory.appendingPathComponent("apus-finetune-\(getpid())").path
for (label, brightness) in [("cats", UInt8(50)), ("dogs", UInt8(190))] {
    try FileManager.default.createDirectory(atPath: work + "/pets/" + label, withIntermediateDirectories: true)
    for i in 0..<12 {
        var image = Image(width: 40 + i, height: 36, channels: 3, filledWith: 0)
        for p in image.pixels.indices { image.pixels[p] = brightness &+ UInt8((p * (i + 3)) % 29) }
        try image.pngData().write(to: URL(fileURLWithPath: "\(work)/pets/\(label)/\(i).png"))
    }
}
let standIn = ResNet(.resnet18, generator: RandomGenerator(seed: 1))
let (calibration, _) = try ImageFolder(root: work + "/pets", transform: CenterCrop(32)).batch(at: Array(0..<24))
for _ in 0..<3 { _ = noGrad { standIn(calibration) } }         // batch-norm statistics of real activations
try standIn.saveWeights(to: work + "/resnet18.safetensors")
defer { try? FileManager.default.removeItem(atPath: work) }
// snippet.show

// snippet.load
seed(0)
let model = skippingInitialization { ResNet(.resnet18) }     // 1000 classes, as the file; no random init
try model.loadWeights(from: work + "/resnet18.safetensors")   // or torchvision's resnet18.pth
model.replaceHead(classes: 2)                                // fc: Linear(512, 2)

// snippet.train
let photos = try ImageFolder(root: work + "/pets", normalization: .imageNet)
let training = photos.withTransform(ImageCompose([RandomResizedCrop(32), RandomHorizontalFlip()]))
let loader = DataLoader(training, batchSize: 8, shuffle: true, generator: RandomGenerator(seed: 2))
let trainer = Trainer(model: model, optimizer: Adam(model.parameterGroups(body: 1e-3, head: 1e-2)),
                      metrics: [.accuracy])
try trainer.fineTune(loader, epochs: 3, freezeEpochs: 2, callbacks: [ProgressBar(style: .lines)])  // head, then all

// snippet.predict
let classifier = ImageClassifier(model: model, classes: photos.classes,
                                 preprocessing: ImagePreprocessing(channels: 3, resize: 36, crop: 32,
                                                                   mean: ImageNormalization.imageNet.mean,
                                                                   std: ImageNormalization.imageNet.std))
for file in ["cats/0.png", "dogs/0.png"] {
    let best = try classifier.classify(contentsOf: work + "/pets/" + file, top: 1)[0]
    print(file, "→", best.label, best.probability)
}
// snippet.end
