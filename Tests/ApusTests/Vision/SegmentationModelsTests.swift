import Foundation
import Testing
@testable import Apus
@testable import ApusVision

// The segmentation models: the dilated ResNet (output stride 8), FCN and DeepLabV3 under
// torchvision's names and counts, DeepLabV3's batch-of-one limit, U-Net at any size, the
// training loss with the auxiliary head, and replacing the per-pixel heads. The logits against
// torchvision's are in TorchvisionWeightsTests.

struct SegmentationModelsTests {
    @Test func dilatedResNetKeepsOutputStrideEightWithTheSameWeights() {
        let plain = skippingInitialization { ResNet(.resnet50) }
        let dilated = skippingInitialization { ResNet(.resnet50, replaceStrideWithDilation: [false, true, true]) }
        #expect(dilated.parameterCount == plain.parameterCount)
        #expect(dilated.namedParameters().map(\.name) == plain.namedParameters().map(\.name))
        // torchvision's rule: the first block of a dilated stage keeps the dilation before it.
        func conv2(_ stage: Sequential, _ i: Int) -> Conv2d { (stage[i] as! ResNet.Bottleneck).conv2 }
        #expect(conv2(dilated.layer2, 0).stride == 2 && conv2(dilated.layer2, 3).dilation == 1)
        #expect(conv2(dilated.layer3, 0).stride == 1 && conv2(dilated.layer3, 0).dilation == 1)
        #expect(conv2(dilated.layer3, 1).dilation == 2 && conv2(dilated.layer3, 1).padding == .explicit(2))
        #expect(conv2(dilated.layer4, 0).dilation == 2 && conv2(dilated.layer4, 2).dilation == 4)
        #expect(conv2(dilated.layer4, 2).padding == .explicit(4))
        #expect((dilated.layer4[0] as! ResNet.Bottleneck).downsample.map { ($0[0] as! Conv2d).stride } == 1)
        // Features at 1/8 of the input (rounded up by the strided layers); the classifier still works.
        let backbone = ResNetBackbone(ResNet(.resnet50, replaceStrideWithDilation: [false, true, true], generator: RandomGenerator(seed: 0)))
        backbone.eval()
        let features = noGrad { backbone.features(.randn([1, 3, 57, 71], generator: RandomGenerator(seed: 1))) }
        #expect(features.layer3.shape == [1, 1024, 8, 9] && features.layer4.shape == [1, 2048, 8, 9])
        #expect(backbone.namedParameters().map(\.name) == plain.namedParameters().map(\.name).filter { !$0.hasPrefix("fc.") })
        let onlyLast = ResNet(.resnet50, classes: 4, replaceStrideWithDilation: [false, false, true], generator: RandomGenerator(seed: 0))
        onlyLast.eval()
        #expect(noGrad { onlyLast(.zeros([1, 3, 64, 64])) }.shape == [1, 4])
    }

    @Test func basicBlocksRefuseDilationAsTorchvision() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ResNet(.resnet18, replaceStrideWithDilation: [false, true, true])
        }
        #expect(stderrText(result).contains("ResNet: dilation > 1 is not supported by the basic blocks of resnet18"))
    }

    @Test(arguments: [("fcn_resnet50", 35_322_218), ("fcn_resnet101", 54_314_346),
                      ("deeplabv3_resnet50", 42_004_074), ("deeplabv3_resnet101", 60_996_202)])
    func parameterCountsAndNamesAreTorchvisions(_ name: String, _ count: Int) throws {
        let model = try skippingInitialization { try VisionModels.make(name) }
        #expect(model.parameterCount == count)
        let names = Set(model.stateDict().map(\.name))
        var expected = ["backbone.conv1.weight", "backbone.bn1.running_mean", "backbone.layer4.2.bn3.running_var",
                        "backbone.layer3.5.conv2.weight", "classifier.4.weight", "classifier.4.bias",
                        "aux_classifier.0.weight", "aux_classifier.1.num_batches_tracked", "aux_classifier.4.bias"]
        if name.hasPrefix("deeplabv3") {
            expected += ["classifier.0.convs.0.0.weight", "classifier.0.convs.3.0.weight", "classifier.0.convs.4.1.weight",
                         "classifier.0.convs.4.2.running_mean", "classifier.0.project.0.weight", "classifier.0.project.1.bias",
                         "classifier.1.weight", "classifier.2.running_var"]
        } else {
            expected += ["classifier.0.weight", "classifier.1.running_var"]
        }
        #expect(expected.allSatisfy(names.contains), "\(expected.filter { !names.contains($0) })")
        #expect(!names.contains { $0.hasPrefix("backbone.fc") || $0.contains("avgpool") })
        // Without the auxiliary classifier: its 1024 → 256 → classes head is all that goes.
        let plain = skippingInitialization { name.hasPrefix("fcn") ? FCN(classes: 21, auxClassifier: false) as ResNetSegmentationModel
                                                                 : DeepLabV3(classes: 21, auxClassifier: false) }
        if name.hasSuffix("50") {
            #expect(plain.parameterCount == count - (1024 * 256 * 9 + 2 * 256 + 256 * 21 + 21))
            #expect(!plain.stateDict().contains { $0.name.hasPrefix("aux_classifier") })
            #expect(plain.segmentationOutputs(.zeros([2, 3, 16, 16])).aux == nil)
        }
    }

    @Test func logitsHaveTheInputsSizeAndModelCallIsTheMainOutput() {
        let model = FCN(classes: 5, generator: RandomGenerator(seed: 2))
        model.eval()
        let x = Tensor.randn([1, 3, 33, 47], generator: RandomGenerator(seed: 3))
        let outputs = noGrad { model.segmentationOutputs(x) }
        #expect(outputs.out.shape == [1, 5, 33, 47] && outputs.aux?.shape == [1, 5, 33, 47])
        #expect(noGrad { model(x) }.toDoubles() == outputs.out.toDoubles())
    }

    @Test func deepLabV3NeedsTwoImagesPerBatchWhenTraining() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = skippingInitialization { DeepLabV3() }
            _ = model.segmentationOutputs(.zeros([1, 3, 32, 32]))
        }
        let message = stderrText(result)
        #expect(message.contains("DeepLabV3: the ASPP image-pooling branch's batch norm sees one value per channel per image"))
        #expect(message.contains("batch size of 2 or more") && message.contains("eval()") && message.contains("freeze()"))
    }

    @Test func asppPoolingTrainsOnTwoImagesAndEvaluatesOrFreezesOnOne() {
        let aspp = ASPP(8, atrousRates: [1, 2, 3], outChannels: 4, generator: RandomGenerator(seed: 0))
        #expect(aspp.namedParameters().map(\.name).prefix(4) == ["convs.0.0.weight", "convs.0.1.weight", "convs.0.1.bias", "convs.1.0.weight"])
        #expect(aspp.namedParameters().map(\.name).contains("convs.4.1.weight"))
        let x = Tensor.randn([2, 8, 5, 6], generator: RandomGenerator(seed: 1))
        #expect(aspp(x).shape == [2, 4, 5, 6])
        aspp.eval()
        let one = x[0..<1]
        // The pooled branch is constant over the image and the same as in a batch of two.
        #expect(aspp(one).shape == [1, 4, 5, 6])
        let pooled = (aspp.convs[4] as! ASPPPooling)(one)
        #expect(pooled.toDoubles().count == 4 * 30 && Set(pooled[0, 0].toDoubles()).count == 1)
        aspp.train()
        aspp.freeze()
        #expect(aspp(one).shape == [1, 4, 5, 6])
    }

    @Test func segmentationLossIsOutPlusHalfAuxIgnoringVoid() {
        let model = FCN(classes: 3, generator: RandomGenerator(seed: 4))
        model.eval()  // no dropout: the same outputs twice
        let x = Tensor.randn([2, 3, 16, 16], generator: RandomGenerator(seed: 5))
        var labels = (0..<(2 * 16 * 16)).map { Int64($0 % 3) }
        for i in stride(from: 0, to: labels.count, by: 7) { labels[i] = 255 }
        let masks = Tensor(shape: [2, 16, 16], values: labels.map { Double($0) }, dtype: .int64)
        let outputs = noGrad { model.segmentationOutputs(x) }
        let expected = crossEntropy(outputs.out, masks, ignoreIndex: 255) + 0.5 * crossEntropy(outputs.aux!, masks, ignoreIndex: 255)
        let loss = noGrad { model.segmentationLoss(x, masks: masks) }
        #expect(abs(loss.item() - expected.item()) < 1e-6)
        #expect(model.auxiliaryLossWeight == 0.5)
        // A void pixel's logits change nothing.
        let unet = UNet(inputChannels: 3, classes: 3, depth: 2, width: 4, generator: RandomGenerator(seed: 6))
        #expect(noGrad { unet.segmentationOutputs(x) }.aux == nil)
        #expect(abs(noGrad { unet.segmentationLoss(x, masks: masks) }.item()
                    - noGrad { crossEntropy(unet(x), masks, ignoreIndex: 255) }.item()) < 1e-6)
    }

    @Test(arguments: UNet.Upsampling.allCases)
    func uNetGivesLogitsAtTheInputsSizeForOddSizes(_ mode: UNet.Upsampling) {
        let model = UNet(inputChannels: 2, classes: 3, depth: 3, width: 4, upsampling: mode, generator: RandomGenerator(seed: 0))
        for (h, w) in [(16, 16), (17, 23), (9, 30), (31, 8)] {
            let y = model(.randn([2, 2, h, w], generator: RandomGenerator(seed: 1)))
            #expect(y.shape == [2, 3, h, w], "\(mode) \(h)×\(w)")
        }
    }

    @Test func uNetStateDictNamesAreStable() {
        let bilinear = UNet(inputChannels: 3, classes: 4, depth: 2, width: 8, generator: RandomGenerator(seed: 0))
        let names = bilinear.namedParameters().map(\.name)
        #expect(names == ["inc.0.weight", "inc.1.weight", "inc.1.bias", "inc.3.weight", "inc.4.weight", "inc.4.bias",
                          "down.0.1.0.weight", "down.0.1.1.weight", "down.0.1.1.bias", "down.0.1.3.weight", "down.0.1.4.weight", "down.0.1.4.bias",
                          "down.1.1.0.weight", "down.1.1.1.weight", "down.1.1.1.bias", "down.1.1.3.weight", "down.1.1.4.weight", "down.1.1.4.bias",
                          "up.0.conv.0.weight", "up.0.conv.1.weight", "up.0.conv.1.bias", "up.0.conv.3.weight", "up.0.conv.4.weight", "up.0.conv.4.bias",
                          "up.1.conv.0.weight", "up.1.conv.1.weight", "up.1.conv.1.bias", "up.1.conv.3.weight", "up.1.conv.4.weight", "up.1.conv.4.bias",
                          "outc.weight", "outc.bias"])
        // Channels 8, 16, 32: the deepest decoder level reads 32 + 16 channels.
        #expect(bilinear.up[0].conv.layers.compactMap { $0 as? Conv2d }.map(\.inChannels) == [48, 16])
        let transposed = UNet(inputChannels: 3, classes: 4, depth: 2, width: 8, upsampling: .transposed, generator: RandomGenerator(seed: 0))
        let tnames = transposed.namedParameters().map(\.name)
        #expect(tnames.contains("up.0.up.weight") && tnames.contains("up.1.up.bias"))
        #expect(transposed.up[0].conv.layers.compactMap { $0 as? Conv2d }.map(\.inChannels) == [32, 16])
        // The default: depth 4, width 16.
        let standard = skippingInitialization { UNet() }
        #expect(standard.down.count == 4 && standard.up.count == 4 && standard.outc.inChannels == 16)
        #expect(standard.parameterCount == Self.uNetParameters(inputChannels: 3, classes: 2, depth: 4, width: 16))
    }

    /// U-Net's parameters counted from its definition: double convolutions (no bias, batch norm
    /// weight and bias per channel) and the 1×1 head.
    static func uNetParameters(inputChannels: Int, classes: Int, depth: Int, width: Int) -> Int {
        func double(_ i: Int, _ o: Int) -> Int { i * o * 9 + o * o * 9 + 4 * o }
        let c = (0...depth).map { width << $0 }
        return double(inputChannels, width) + (1...depth).map { double(c[$0 - 1], c[$0]) }.reduce(0, +)
            + (1...depth).map { double(c[$0] + c[$0 - 1], c[$0 - 1]) }.reduce(0, +) + width * classes + classes
    }

    @Test func uNetLearnsATinySyntheticSet() {
        // Masks: class 1 where the single channel is bright (a square at a random place), 0 elsewhere.
        let g = RandomGenerator(seed: 7)
        var pixels = [Double](repeating: 0, count: 8 * 16 * 16), labels = [Double](repeating: 0, count: 8 * 16 * 16)
        for n in 0..<8 {
            let (top, left) = (Int(Tensor.randint(0, 10, shape: [1], generator: g).item()), Int(Tensor.randint(0, 10, shape: [1], generator: g).item()))
            for y in top..<(top + 6) { for x in left..<(left + 6) { pixels[n * 256 + y * 16 + x] = 1; labels[n * 256 + y * 16 + x] = 1 } }
        }
        let images = Tensor(shape: [8, 1, 16, 16], values: pixels) + 0.1 * Tensor.randn([8, 1, 16, 16], generator: g)
        let masks = Tensor(shape: [8, 16, 16], values: labels, dtype: .int64)
        let model = UNet(inputChannels: 1, classes: 2, depth: 2, width: 4, generator: RandomGenerator(seed: 8))
        let optimizer = Adam(model.parameters(), lr: 0.01)
        var losses: [Double] = []
        for _ in 0..<30 {
            optimizer.zeroGrad()
            let loss = model.segmentationLoss(images, masks: masks)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        }
        #expect(losses.last! < 0.5 * losses.first!, "\(losses)")
        model.eval()
        let predicted = noGrad { model(images) }.argmax(axis: 1)
        let accuracy = (predicted.cast(to: .int64) .== masks).cast(to: .float64).mean().item()
        #expect(accuracy > 0.9, "pixel accuracy \(accuracy)")
    }

    @Test func replaceHeadSwapsThePerPixelConvolutions() throws {
        let unet = UNet(inputChannels: 1, classes: 4, depth: 2, width: 4, generator: RandomGenerator(seed: 0))
        let body = unet.bodyParameters.map(ObjectIdentifier.init)
        #expect(unet.headParameterNames == ["outc.weight", "outc.bias"] && unet.classCount == 4)
        unet.freeze()
        unet.replaceHead(classes: 7, generator: RandomGenerator(seed: 1))
        #expect(unet.classCount == 7 && unet.outc.kernelSize == 1 && !unet.outc.isFrozen)
        #expect(unet.bodyParameters.map(ObjectIdentifier.init) == body)
        #expect(unet.outc.weight.value.toArray(as: Float.self)
                == Conv2d(4, 7, kernelSize: 1, generator: RandomGenerator(seed: 1)).weight.value.toArray(as: Float.self))
        #expect(noGrad { unet(.zeros([1, 1, 12, 12])) }.shape == [1, 7, 12, 12])

        let fcn = try #require(try skippingInitialization { try VisionModels.make("fcn_resnet50") } as? FCN)
        #expect(fcn.classCount == 21 && fcn.headParameterNames.count == 4)
        fcn.replaceHead(classes: 2)
        #expect(fcn.classifierHeads.map { $0.weight.value.shape } == [[2, 512, 1, 1], [2, 256, 1, 1]])
        #expect(fcn.parameterCount == 35_322_218 - 19 * (512 + 256 + 2))
    }

    @Test func zooKnowsTheSegmentationModelsAndTheirDefaultClasses() throws {
        for name in VisionModels.segmentationNames {
            #expect(VisionModels.names.contains(name))
            let model = try skippingInitialization { try VisionModels.make(name) }
            #expect(model is any SegmentationModel && (model as! any HasClassifierHead).classCount == VisionModels.defaultClasses(for: name))
        }
        #expect(VisionModels.defaultClasses(for: "fcn_resnet50") == 21 && VisionModels.defaultClasses(for: "resnet50") == 1000)
        let unet = try #require(try VisionModels.make("unet", classes: 4, inputChannels: 1) as? UNet)
        #expect(unet.inputChannels == 1 && unet.classCount == 4)
        #expect(throws: ApusError.self) { try VisionModels.make("deeplabv3_resnet50", inputChannels: 1) }
        #expect(throws: ApusError.self) { try VisionModels.checkInput([1, 3, 8, 8], for: "unet") }
    }
}
