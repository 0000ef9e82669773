import Apus
import ApusVision
import ArgumentParser
import Foundation

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw the autograd graph of one training step of a model (forward, cross-entropy against label 0, backward).",
        discussion: """
            Each op and each parameter is a node showing its shape and dtype, with the parameters' \
            gradients (values when small, else the norm); .svg, .png and .pdf are rendered by Graphviz's \
            dot (apt-get install graphviz), .dot is written as text.
            """
    )

    @Option(help: "Model: mlp (64 inputs, see --hidden) or a zoo model (\(VisionModels.names.joined(separator: ", "))).")
    var model: String

    @Option(help: ArgumentHelp("Input shape: N×C×H×W for zoo models (default: 1x1x28x28 for lenet5, 1x3x224x224 otherwise), "
                               + "N×F for mlp (default: 1x64).", valueName: "shape"))
    var input: String?

    @Option(parsing: .unconditional, help: "Number of classes (default: 10 for lenet5 and mlp, 21 for fcn_* and deeplabv3_*, 2 for unet, 1000 otherwise).")
    var classes: Int?

    @Option(parsing: .upToNextOption, help: "mlp: hidden layer sizes, e.g. --hidden 128 64.")
    var hidden = [128, 64]

    @Option(help: ArgumentHelp("File to write: .dot (Graphviz text) or .svg, .png, .pdf.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("What a node stands for: ops (default), layers (modules without sub-modules), or a depth N "
                               + "(one node per module N levels down, e.g. 1 for ResNet's layer1…layer4).", valueName: "grouping"))
    var group = "ops"

    @Option(parsing: .unconditional, help: "Seed of the initial weights.")
    var seed: UInt64 = 0

    func run() throws {
        let format = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard ["dot", "gv"].contains(format) || Graphviz.formats.contains(format) else {
            throw ApusError.invalidArgument("--output must name a .dot, .gv, .svg, .png or .pdf file, got '\(output)'")
        }
        if !["dot", "gv"].contains(format) && !Graphviz.isAvailable {
            throw ApusError.libraryUnavailable(
                library: "Graphviz's `dot` program", purpose: "--output \(output)",
                install: "install it with `apt-get install graphviz`, or write a .dot file")
        }
        let grouping: GraphGrouping
        switch group {
        case "ops": grouping = .ops
        case "layers": grouping = .layers
        default:
            guard let depth = Int(group), depth >= 1 else {
                throw ApusError.invalidArgument("--group must be ops, layers or a module depth ≥ 1, got '\(group)'")
            }
            grouping = .modules(depth: depth)
        }
        let classes = classes ?? (model == "mlp" ? 10 : VisionModels.defaultClasses(for: model))
        guard classes > 0 else { throw ApusError.invalidArgument("--classes must be positive, got \(classes)") }
        let generator = RandomGenerator(seed: seed)
        let network: Module
        let shape: [Int]
        if model == "mlp" {
            shape = try Self.parseShape(input ?? "1x64", rank: 2, example: "1x64")
            guard hidden.allSatisfy({ $0 > 0 }) else {
                throw ApusError.invalidArgument("--hidden sizes must be positive, got \(hidden.map(String.init).joined(separator: " "))")
            }
            network = mlp(inputs: shape[1], hidden: hidden, outputs: classes, generator: generator)
        } else {
            guard VisionModels.names.contains(model) else {
                throw ApusError.invalidArgument("unknown --model '\(model)'; available: mlp, \(VisionModels.names.joined(separator: ", "))")
            }
            shape = try VisionModels.parseInputShape(input ?? VisionModels.defaultInputShape(for: model))
            try VisionModels.checkInput(shape, for: model)
            network = try VisionModels.make(model, classes: classes, inputChannels: shape[1], generator: generator)
        }

        // One training step: forward (recorded for the drawing), cross-entropy against label 0
        // (of every pixel, for a segmentation model's [N, classes, H, W] logits), backward.
        let x = Tensor.randn(shape, generator: generator)
        let trace = GraphTrace()
        let loss = trace.record { () -> Tensor in
            let output = network(x)
            if network is any SegmentationModel {
                return crossEntropy(output, Tensor.zeros([output.shape[0]] + Array(output.shape.dropFirst(2)), dtype: .int64))
            }
            return crossEntropy(output.rank == 2 ? output : output.flatten(startAxis: 1), Tensor.zeros([shape[0]], dtype: .int64))
        }
        loss.backward()
        let dot = graph(of: loss, model: network, trace: trace, options: GraphOptions(grouping: grouping))
        try writeGraph(dot, to: output)
        let lines = dot.split(separator: "\n")
        let edges = lines.filter { $0.contains(" -> ") }.count, nodes = lines.filter { $0.contains(" [fillcolor=") }.count
        print(String(format: "%@: one training step, loss %.4f; %d nodes, %d edges written to %@",
                     model, loss.item(), nodes, edges, output))
    }

    /// `N×F` (or any `rank` positive sizes) written with `x`.
    static func parseShape(_ text: String, rank: Int, example: String) throws -> [Int] {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == rank, let shape = parts as? [Int], shape.allSatisfy({ $0 > 0 }) else {
            throw ApusError.invalidArgument("--input must be \(rank) positive sizes such as \(example), got '\(text)'")
        }
        return shape
    }
}
