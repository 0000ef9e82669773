import Apus
import ApusVision
import ArgumentParser

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a zoo model's layers: output shapes, parameters, multiply-accumulates, receptive fields."
    )

    @Option(help: "Model (\(VisionModels.names.joined(separator: ", "))).")
    var model: String

    @Option(help: ArgumentHelp("Input shape N×C×H×W, e.g. 1x3x224x224 (default: 1x1x28x28 for lenet5, 1x3x224x224 otherwise).",
                               valueName: "shape"))
    var input: String?

    @Option(parsing: .unconditional, help: "Number of classes (default: 10 for lenet5, 21 for fcn_* and deeplabv3_*, 2 for unet, 1000 otherwise).")
    var classes: Int?

    @Flag(help: "End the output with one JSON object (total_params, total_macs, layers).")
    var json = false

    func run() throws {
        let shape = try VisionModels.parseInputShape(input ?? VisionModels.defaultInputShape(for: model))
        let network = try VisionModels.make(model, classes: classes ?? VisionModels.defaultClasses(for: model), inputChannels: shape[1])
        try VisionModels.checkInput(shape, for: model)
        let s = summary(of: network, inputShape: shape)
        print(s)
        if json { print(s.json()) }
    }
}
