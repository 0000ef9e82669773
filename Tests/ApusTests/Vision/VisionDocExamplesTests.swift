import Foundation
import Testing
@testable import Apus
@testable import ApusVision

/// The code of Docs/Vision.md, run as written (small sizes where the page's would be slow in a debug build).
struct VisionDocExamplesTests {
    @Test func convolutionExample() {
        let conv = Conv2d(1, 6, kernelSize: 5, padding: 2)
        let x = Tensor.randn([4, 1, 28, 28])
        let y = relu(conv(x))
        #expect(y.shape == [4, 6, 28, 28])
        let depthwise = Conv2d(6, 6, kernelSize: 3, padding: .same, groups: 6)
        let up = ConvTranspose2d(6, 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1)
        #expect(up(depthwise(y)).shape == [4, 3, 56, 56])
        let z = conv2d(x, weight: conv.weight.value, stride: 2, dilation: 2)
        #expect(z.shape == [4, 6, 10, 10])  // ⌊(28 − 2·(5 − 1) − 1)/2⌋ + 1
    }

    @Test func poolingExample() {
        let images = Tensor.randn([8, 3, 32, 32]).requiringGrad()
        let features = Sequential(
            MaxPool2d(3, stride: 2, padding: 1),
            LocalResponseNorm(size: 3),
            AvgPool2d(2, ceilMode: true, countIncludePad: false),
            Upsample(scaleFactor: 2, mode: .bilinear),
            AdaptiveAvgPool2d([4, 4]),
            GlobalAvgPool2d()
        )
        let out = features(images)
        #expect(out.shape == [8, 3])
        out.sum().backward()
        #expect(images.grad?.shape == [8, 3, 32, 32])
        #expect(maxPool2d(images, kernelSize: [2, 3], stride: [2, 1]).shape == [8, 3, 16, 30])
        #expect(upsample(images, size: [48, 40], mode: .bilinear, alignCorners: true).shape == [8, 3, 48, 40])
    }

    @Test func googlenetAuxiliaryLossExample() {
        let googlenet = GoogLeNet(classes: 10)
        let y = Tensor.randint(0, 10, shape: [2])
        let (logits, aux1, aux2) = googlenet.outputs(Tensor.randn([2, 3, 64, 64]))
        let loss = crossEntropy(logits, y) + 0.3 * (crossEntropy(aux1!, y) + crossEntropy(aux2!, y))
        #expect(loss.item().isFinite)
    }

    @Test func pretrainedWeightsWithANewHeadExample() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("resnet18.safetensors").path
        let saved = skippingInitialization { ResNet(.resnet18) }  // stands in for torchvision's resnet18.pth
        saved.conv1.weight.assign(.full([64, 3, 7, 7], value: 0.5))
        try saved.saveWeights(to: path)
        let model = skippingInitialization { ResNet(.resnet18) }
        #expect(try model.loadWeights(from: path).isEmpty)
        #expect(model.conv1.weight.value == .full([64, 3, 7, 7], value: 0.5))
        let pets = skippingInitialization { ResNet(.resnet18, classes: 2) }
        pets.fc.weight.assign(.ones([2, 512]))
        let skipped = try pets.loadWeights(from: path, strict: false)
        #expect("\(skipped)" == "wrong shape: fc.bias (expected [2], found [1000]), fc.weight (expected [2, 512], found [1000, 512])")
        #expect(pets.fc.weight.value == .ones([2, 512]))  // the new head is kept
        #expect(pets.conv1.weight.value == .full([64, 3, 7, 7], value: 0.5))  // the body came from the file
    }

    /// The fine-tuning example, with LeNet-5 for ResNet-18 and a few random images for the photos.
    @Test func fineTuningExample() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("apus-doc-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try LeNet5(classes: 10, generator: RandomGenerator(seed: 0)).saveWeights(to: path)
        let g = RandomGenerator(seed: 1)
        let images = TensorDataset(inputs: Tensor.randn([16, 1, 28, 28], generator: g), targets: Tensor.randint(0, 2, shape: [16], generator: g))
        let (loader, validation) = (DataLoader(images, batchSize: 8), images)

        let model = LeNet5(classes: 10)                                 // as the file
        try model.loadWeights(from: path)
        model.replaceHead(classes: 2)
        let trainer = Trainer(model: model, optimizer: Adam(model.parameterGroups(body: 1e-4, head: 1e-3)),
                              metrics: [.accuracy])
        let history = try trainer.fineTune(loader, validation: validation, epochs: 3, freezeEpochs: 1)
        #expect(history.epochs == [1, 2, 3, 4] && history["lr"] == [1e-3, 5e-4, 5e-4, 5e-4])
        #expect(model.classCount == 2 && model.trainableParameters().count == 10)
    }
}
