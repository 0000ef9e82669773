import Apus
import ArgumentParser
import Foundation

/// `apus convert IN OUT`: a PyTorch checkpoint (or a safetensors file) to safetensors, read
/// without Python and without running any code from the file.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a PyTorch checkpoint (.pth/.pt written by torch.save) or a safetensors file to safetensors.",
        discussion: """
            Every tensor is written under its name (nested dicts joined with dots); float32, float64, int64 \
            and bool keep their dtype, float16 and bfloat16 become float32 and int32/int16/int8/uint8 become \
            int64, exactly. Values that are not tensors (an epoch number) are left out and named in the \
            summary. The output is written atomically. The input's format is recognised by content.
            """
    )

    @Argument(help: "The file to read: a torch.save checkpoint or a safetensors file.")
    var input: String

    @Argument(help: "The safetensors file to write.")
    var output: String

    @Option(help: ArgumentHelp("Convert every floating-point tensor to this dtype (float32 or float64); integer and bool tensors are kept.",
                               valueName: "dtype"))
    var dtype: String?

    @Flag(help: ArgumentHelp("From a checkpoint dict, keep only the model's state dict (its 'state_dict', 'model_state_dict' "
                             + "or 'model' entry), so that the output loads with loadWeights(from:)."))
    var modelOnly = false

    func run() throws {
        let target: DType?
        switch dtype {
        case nil: target = nil
        case "float32": target = .float32
        case "float64": target = .float64
        case let other?: throw ApusError.invalidArgument("--dtype must be float32 or float64, got '\(other)'")
        }
        var tensors: [(name: String, tensor: Tensor)]
        var skipped: [String] = []
        switch try WeightsFile.format(of: input) {
        case .pytorch:
            let contents = try TorchCheckpoint.read(input)
            if modelOnly {
                guard contents.modelStateKey != nil else {
                    throw ApusError.invalidArgument("--model-only: '\(input)' is a state dict already, with no "
                                                    + TorchCheckpoint.modelStateKeys.map { "'\($0)'" }.joined(separator: ", ") + " entry")
                }
                tensors = contents.modelState
            } else {
                tensors = contents.tensors
                skipped = contents.otherEntries
            }
        case .safetensors:
            guard !modelOnly else { throw ApusError.invalidArgument("--model-only applies to PyTorch checkpoints only") }
            tensors = try Safetensors.read(input).tensors
        }
        guard !tensors.isEmpty else { throw ApusError.corruptFile(path: input, reason: "it holds no tensors") }
        if let target {
            tensors = tensors.map { ($0.name, $0.tensor.dtype.isFloatingPoint ? $0.tensor.cast(to: target) : $0.tensor) }
        }
        try Safetensors.write(tensors, to: output)

        let elements = tensors.reduce(0) { $0 + $1.tensor.count }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        var counts: [DType: Int] = [:]
        for (_, t) in tensors { counts[t.dtype, default: 0] += 1 }
        let types = [DType.float32, .float64, .int64, .bool].compactMap { d in counts[d].map { "\(d) \($0)" } }.joined(separator: ", ")
        var line = "wrote \(output): \(tensors.count) tensors (\(types)), \(elements) elements, \(bytes) bytes"
        if !skipped.isEmpty { line += "; left out \(skipped.count) non-tensor values (\(skipped.prefix(5).joined(separator: ", "))\(skipped.count > 5 ? ", …" : ""))" }
        print(line)
    }
}
