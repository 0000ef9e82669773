import Foundation
import Testing
@testable import Apus
@testable import ApusVision

// Fine-tuning the zoo: one replaceHead call for every family, whatever torchvision names the head,
// discriminative parameter groups, and loading weights whose head has another number of classes.

struct ClassifierHeadTests {
    /// (model, its head's parameter names under torchvision's names, a small input it takes).
    /// AlexNet and VGG replace `classifier.6` with LeNet-5's code (the classifier's last layer);
    /// their 60–140 million random weights take too long to draw in a debug build.
    static func families() -> [(any HasClassifierHead, [String], [Int])] {
        let g = RandomGenerator(seed: 0)
        return [
            (LeNet5(generator: g), ["classifier.4.weight", "classifier.4.bias"], [1, 1, 28, 28]),
            (ResNet(.resnet18, generator: g), ["fc.weight", "fc.bias"], [1, 3, 32, 32]),
            (GoogLeNet(generator: g), ["fc.weight", "fc.bias", "aux1.fc2.weight", "aux1.fc2.bias", "aux2.fc2.weight", "aux2.fc2.bias"],
             [1, 3, 64, 64]),
        ]
    }

    @Test func replaceHeadWorksForEveryFamilyUnderTorchvisionsNames() throws {
        for (model, names, input) in Self.families() {
            let before = model.parameterCount
            let oldClasses = model.classCount
            #expect(Set(model.headParameterNames) == Set(names), "\(type(of: model))")
            let body = model.bodyParameters.map(ObjectIdentifier.init)
            model.replaceHead(classes: 2, generator: RandomGenerator(seed: 1))
            #expect(model.classCount == 2 && model.classifierHeads.allSatisfy { $0.headClasses == 2 })
            #expect(Set(model.headParameterNames) == Set(names))  // same names: the state dict keeps torchvision's keys
            #expect(model.bodyParameters.map(ObjectIdentifier.init) == body)
            let inFeatures = model.classifierHeads.map(\.headInputs).reduce(0, +)
            #expect(model.parameterCount == before - (oldClasses - 2) * (inFeatures + model.classifierHeads.count))
            model.eval()
            #expect(noGrad { model(.zeros(input)) }.shape == [1, 2])
            // Freezing the body leaves exactly the heads trainable, and every batch norm of the body frozen.
            model.freezeBody()
            #expect(Set(model.trainableParameters().map(ObjectIdentifier.init)) == Set(model.headParameters.map(ObjectIdentifier.init)))
            let norms = model.namedModules().compactMap { $0.module as? BatchNorm }
            #expect(norms.allSatisfy { $0.isFrozen })
            #expect(model.classifierHeads.allSatisfy { !$0.isFrozen })
        }
    }

    @Test func aNewHeadStartsAsPyTorchsDefaultLinear() {
        let resnet = ResNet(.resnet18, generator: RandomGenerator(seed: 0))
        resnet.freeze()
        resnet.replaceHead(classes: 3, generator: RandomGenerator(seed: 9))
        let reference = Linear(512, 3, generator: RandomGenerator(seed: 9))
        #expect(resnet.fc.weight.value.toArray(as: Float.self) == reference.weight.value.toArray(as: Float.self))
        #expect(resnet.fc.bias!.value.toArray(as: Float.self) == reference.bias!.value.toArray(as: Float.self))
        let bound = 1 / Double(512).squareRoot()
        #expect(resnet.fc.weight.value.toDoubles().allSatisfy { abs($0) <= bound })
        #expect(resnet.fc.weight.requiresGrad)  // a new head trains even in a frozen model
    }

    @Test func parameterGroupsGiveTheHeadAndTheBodyTheirOwnRates() {
        let lenet = LeNet5(generator: RandomGenerator(seed: 0))
        let sgd = SGD(lenet.parameterGroups(body: 0.001, head: 0.01), momentum: 0.9)
        #expect(sgd.learningRates == [0.01, 0.001] && sgd.lr == 0.01)
        #expect(sgd.groups[0].parameters.count == 2 && sgd.groups[1].parameters.count == 8)
        #expect(sgd.groups[1].options.momentum == 0.9)
        let adam = Adam(lenet.parameterGroups(body: 1e-4, head: 1e-3))
        #expect(adam.learningRates == [1e-3, 1e-4])
        #expect(Set(adam.parameters.map(ObjectIdentifier.init)) == Set(lenet.parameters().map(ObjectIdentifier.init)))
    }

    @Test func pretrainedWeightsLoadWithTheFilesClassCountAndGetANewHead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apus-pretrained-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = LeNet5(classes: 10, generator: RandomGenerator(seed: 4))
        let path = directory + "/lenet.safetensors"
        try source.saveWeights(to: path)

        // Ten classes in the file, two wanted: the body is the file's, the head new.
        let model = try loadPretrainedClassifier(weights: path, classes: 2, generator: RandomGenerator(seed: 5)) {
            LeNet5(classes: $0, generator: RandomGenerator(seed: 6))
        }
        #expect(model.classCount == 2)
        let saved = Dictionary(uniqueKeysWithValues: source.stateDict().map { ($0.name, $0.tensor) })
        for (name, tensor) in model.stateDict() where !name.hasPrefix("classifier.4") {
            #expect(tensor.toArray(as: Float.self) == saved[name]!.toArray(as: Float.self), "\(name)")
        }
        #expect(model.classifierHeads[0].weight.value.toArray(as: Float.self)
                == Linear(84, 2, generator: RandomGenerator(seed: 5)).weight.value.toArray(as: Float.self))
        // No class count asked for: the file's head, as saved.
        let asSaved = try loadPretrainedClassifier(weights: path) { LeNet5(classes: $0) }
        #expect(asSaved.classCount == 10)
        #expect(asSaved.classifierHeads[0].weight.value.toArray(as: Float.self) == source.classifierHeads[0].weight.value.toArray(as: Float.self))

        // Weights of another architecture, and a file that is not there.
        #expect(throws: ApusError.self) {
            try loadPretrainedClassifier(weights: path, classes: 2) { TinyClassifier(classes: $0) }
        }
        do {
            _ = try loadPretrainedClassifier(weights: path, classes: 2) { LeNet5(classes: $0, inputChannels: 3) }
            Issue.record("weights for one input channel loaded into three")
        } catch let error as ApusError {
            #expect("\(error)".contains("features.0.weight") && "\(error)".contains("do not fit LeNet5"), "\(error)")
        }
        // A backbone without a head: a new head when classes are asked for, an error otherwise.
        let headless = directory + "/headless.safetensors"
        try Safetensors.write(source.stateDict().filter { !$0.name.hasPrefix("classifier.4") }, to: headless)
        let fresh = try loadPretrainedClassifier(weights: headless, classes: 3, generator: RandomGenerator(seed: 5)) { LeNet5(classes: $0) }
        #expect(fresh.classCount == 3 && fresh.classifierHeads[0].weight.value.toDoubles().contains { $0 != 0 })
        #expect(throws: ApusError.self) { try loadPretrainedClassifier(weights: headless) { LeNet5(classes: $0) } }
        #expect(throws: ApusError.fileNotReadable(path: directory + "/nope.safetensors")) {
            try loadPretrainedClassifier(weights: directory + "/nope.safetensors") { LeNet5(classes: $0) }
        }
    }

    @Test func weightsWithoutNumBatchesTrackedLoad() throws {
        // Older torchvision checkpoints have no `num_batches_tracked`.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("apus-old-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = TinyClassifier(classes: 5, generator: RandomGenerator(seed: 1))
        (source.body.layers[1] as! BatchNorm2d).runningVar!.value = Tensor([1.5, 2, 2.5, 3])
        try Safetensors.write(source.stateDict().filter { !$0.name.hasSuffix("num_batches_tracked") }, to: path)
        let model = try loadPretrainedClassifier(weights: path, classes: 2) { TinyClassifier(classes: $0) }
        #expect(model.classCount == 2)
        let loaded = model as! TinyClassifier
        #expect(loaded.body.stateDict().map { $0.tensor.toDoubles() } == source.body.stateDict().map { $0.tensor.toDoubles() })
    }
}
