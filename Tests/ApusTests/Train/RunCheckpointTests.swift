import Foundation
import Testing
@testable import Apus

// RunCheckpoint: what a run's checkpoint records, and the MLP rebuilt from it.

@Test func aRunsCheckpointDescribesItsModelAndRebuildsTheMLP() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("apus-run-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)  // --checkpoint needs it
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var config = ClassificationRunConfig()
    (config.epochs, config.hidden, config.batchNorm, config.dropout, config.activation) = (1, [12, 8], true, 0.2, "gelu")
    config.checkpoint = folder + "/digits.safetensors"
    _ = try runClassification(config)
    let info = try RunCheckpoint(path: config.checkpoint!)
    #expect(info.model == "mlp-64-12-8-10" && info.isMLP && info.task == "classification")
    #expect(info.classes == (0..<10).map(String.init) && info.inputShape == [64])
    let mlp = try info.makeMLP()
    // The same layers (BatchNorm1d, GELU, Dropout) under the same names: the weights load strictly.
    try mlp.loadWeights(from: config.checkpoint!)
    #expect(mlp.layers.count == 9 && mlp.layers[1] is BatchNorm1d && mlp.layers[2] is GELU && mlp.layers[3] is Dropout)

    // A run from scratch is not one from pretrained weights; a fine-tuning run says it is (so that
    // its zoo model is rebuilt as it was built for the weights: GoogLeNet's input transform).
    #expect(!info.startedFromPretrainedWeights)
    #expect(config.trainingOptions["pretrained"] == nil)
    config.weights = "resnet18.pth"
    #expect(config.trainingOptions["pretrained"] == "true")
    let tuned = folder + "/tuned.safetensors"
    try mlp.saveWeights(to: tuned, metadata: ["model": "googlenet", "pretrained": "true"])
    #expect(try RunCheckpoint(path: tuned).startedFromPretrainedWeights)
    try mlp.saveWeights(to: tuned, metadata: ["model": "googlenet", "fine_tune_epochs": "0"])  // written before "pretrained"
    #expect(try RunCheckpoint(path: tuned).startedFromPretrainedWeights)

    // Files that are not a run's checkpoint say so.
    let weights = folder + "/weights.safetensors"
    try mlp.saveWeights(to: weights)
    #expect(throws: ApusError.self) { try RunCheckpoint(path: weights) }
    try mlp.saveWeights(to: weights, metadata: ["model": "mlp-64-x-10"])
    #expect(throws: ApusError.self) { try RunCheckpoint(path: weights).makeMLP() }
    try mlp.saveWeights(to: weights, metadata: ["model": "mlp-64-10", "input_shape": "[0]"])
    #expect(throws: ApusError.self) { try RunCheckpoint(path: weights) }
    try mlp.saveWeights(to: weights, metadata: ["model": "mlp-64-10", "classes": "not json"])
    #expect(throws: ApusError.self) { try RunCheckpoint(path: weights) }
    #expect(throws: ApusError.self) { try TablePredictor(checkpoint: config.checkpoint!) }   // not a table's
}
