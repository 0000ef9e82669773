import Testing
@testable import Apus
@testable import ApusVision

struct ModelZooTests {
    // torchvision's parameter counts (`sum(p.numel() for p in model.parameters())`, default
    // constructors, 1000 classes) are checked for all sixteen models by CI with the release
    // build (`apus summary --json`, see .ci/run): building VGG's 140 million random weights takes
    // too long in a debug build. Here: LeNet-5, ResNet-18 and GoogLeNet.

    @Test func resnet18NamesCountAndLogits() throws {
        let resnet = try VisionModels.make("resnet18")
        #expect(resnet.parameterCount == 11_689_512)
        let names = resnet.stateDict().map(\.name)
        #expect(names.prefix(7) == ["conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight", "layer1.0.bn1.weight",
                                    "layer1.0.bn1.bias", "layer1.0.conv2.weight"])
        #expect(names.contains("layer2.0.downsample.0.weight") && names.contains("layer2.0.downsample.1.running_var"))
        #expect(names.contains("layer1.0.bn1.num_batches_tracked") && names.last == "layer4.1.bn2.num_batches_tracked")
        #expect(names.contains("fc.weight") && !names.contains("layer1.0.downsample.0.weight"))
        resnet.eval()
        #expect(noGrad { resnet(.zeros([2, 3, 32, 32])) }.shape == [2, 1000])
    }

    @Test func googlenetNamesCountAndAuxiliaryHeadsInTrainingOnly() throws {
        let googlenet = GoogLeNet()
        #expect(googlenet.parameterCount == 13_004_888)
        let g = googlenet.stateDict().map(\.name)
        #expect(g.contains("inception3a.branch2.1.conv.weight") && g.contains("aux1.fc2.bias") && g.contains("inception5b.branch4.1.bn.running_mean"))
        let (logits, aux1, aux2) = noGrad { googlenet.outputs(.zeros([2, 3, 64, 64])) }
        #expect(logits.shape == [2, 1000] && aux1?.shape == [2, 1000] && aux2?.shape == [2, 1000])
        googlenet.eval()
        let evaluation = noGrad { googlenet.outputs(.zeros([1, 3, 64, 64])) }
        #expect(evaluation.aux1 == nil && evaluation.aux2 == nil)
        #expect(GoogLeNet(auxiliaryClassifiers: false).parameterCount == 6_624_904)
    }

    @Test func googlenetTransformInputUndoesImageNetNormalisation() {
        // Pixels p in [0, 1], normalised with ImageNet's mean and std, come back as (p − 0.5)/0.5.
        let p = Tensor.uniform([2, 3, 5, 4], low: 0, high: 1, dtype: .float64, generator: RandomGenerator(seed: 3))
        let mean = Tensor(shape: [1, 3, 1, 1], values: [0.485, 0.456, 0.406], dtype: .float64)
        let std = Tensor(shape: [1, 3, 1, 1], values: [0.229, 0.224, 0.225], dtype: .float64)
        let model = skippingInitialization { GoogLeNet(auxiliaryClassifiers: false, transformInput: true) }
        let back = model.transformedInput((p - mean) / std).toDoubles()
        let expected = ((p - 0.5) / 0.5).toDoubles()
        #expect(zip(back, expected).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(!GoogLeNet(auxiliaryClassifiers: false).transformInput)
    }

    @Test func lenetNamesAndCount() {
        let lenet = LeNet5()
        #expect(lenet.parameterCount == 61_706)
        #expect(lenet.namedParameters().map(\.name) == ["features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
                                                        "classifier.0.weight", "classifier.0.bias", "classifier.2.weight",
                                                        "classifier.2.bias", "classifier.4.weight", "classifier.4.bias"])
    }

    @Test func everyNameBuildsAndUnknownNamesThrow() throws {
        // 16 classifiers, then the 5 segmentation models.
        #expect(VisionModels.names.count == 21)
        #expect(Array(VisionModels.names.suffix(5)) == VisionModels.segmentationNames)
        #expect(throws: ApusError.self) { try VisionModels.make("resnet19") }
        #expect(throws: ApusError.self) { try VisionModels.make("vgg16_bnx") }
        #expect(throws: ApusError.self) { try VisionModels.make("lenet5", classes: 0) }
        #expect(throws: ApusError.self) { try VisionModels.parseInputShape("1x3x224") }
        #expect(throws: ApusError.self) { try VisionModels.checkInput([1, 1, 32, 32], for: "lenet5") }
        #expect(try VisionModels.parseInputShape("2X3x64x48") == [2, 3, 64, 48])
    }

    @Test func lenetSummaryShapesMACsAndReceptiveFields() {
        let s = summary(of: LeNet5(), inputShape: [1, 1, 28, 28])
        #expect(s.totalParameters == 61_706 && s.outputShape == [1, 10])
        // conv1: 28·28·6 outputs × 25; conv2: 10·10·16 × 6·25; then 400·120 + 120·84 + 84·10.
        #expect(s.totalMultiplyAccumulates == 28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 400 * 120 + 120 * 84 + 84 * 10)
        #expect(s.layers.map(\.receptiveField).compactMap { $0?.first } == [5, 5, 6, 14, 14, 16])
        #expect(s.layers.first { $0.name == "classifier.0" }?.receptiveField == nil)
    }
}

/// The course's Inception-3a comparison on a 28×28×256 input (all convolutions "same").
struct InceptionArithmeticTests {
    final class Naive: Module {
        let conv1 = Conv2d(256, 128, kernelSize: 1, bias: false)
        let conv3 = Conv2d(256, 192, kernelSize: 3, padding: 1, bias: false)
        let conv5 = Conv2d(256, 96, kernelSize: 5, padding: 2, bias: false)
        let pool = MaxPool2d(3, stride: 1, padding: 1)
        override func forward(_ x: Tensor) -> Tensor { concat([conv1(x), conv3(x), conv5(x), pool(x)], axis: 1) }
    }

    final class Reduced: Module {
        let conv1 = Conv2d(256, 128, kernelSize: 1, bias: false)
        let reduce3 = Conv2d(256, 64, kernelSize: 1, bias: false)
        let conv3 = Conv2d(64, 192, kernelSize: 3, padding: 1, bias: false)
        let reduce5 = Conv2d(256, 64, kernelSize: 1, bias: false)
        let conv5 = Conv2d(64, 96, kernelSize: 5, padding: 2, bias: false)
        let pool = MaxPool2d(3, stride: 1, padding: 1)
        let poolProjection = Conv2d(256, 64, kernelSize: 1, bias: false)
        override func forward(_ x: Tensor) -> Tensor {
            concat([conv1(x), conv3(reduce3(x)), conv5(reduce5(x)), poolProjection(pool(x))], axis: 1)
        }
    }

    @Test func naiveModuleCosts854MillionMACs() {
        let s = summary(of: Naive(), inputShape: [1, 256, 28, 28])
        // 28·28·(256·128·1 + 256·192·9 + 256·96·25)
        #expect(s.totalMultiplyAccumulates == 854_196_224)
        #expect(s.outputShape == [1, 128 + 192 + 96 + 256, 28, 28])
    }

    @Test func reductionsCutItTo271MillionMACs() {
        let s = summary(of: Reduced(), inputShape: [1, 256, 28, 28])
        // 28·28·(256·128 + 256·64 + 64·192·9 + 256·64 + 64·96·25 + 256·64): the course's slide prints
        // "358M", but its own six terms add up to this.
        #expect(s.totalMultiplyAccumulates == 271_351_808)
        #expect(s.outputShape == [1, 480, 28, 28])
    }
}
