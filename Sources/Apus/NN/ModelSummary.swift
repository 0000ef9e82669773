import Foundation

/// A layer that can say how many multiply–accumulates (MACs) one call costs, for
/// ``summary(of:inputShape:dtype:)``. Convolutions and linear layers count their products
/// (biases and activations are not counted, as in the course's arithmetic).
public protocol MultiplyAccumulateCounting {
    /// The multiply–accumulates of one call that maps a batch of `inputShape` to `outputShape`
    /// (both with the batch dimension), e.g. `N · outFeatures · inFeatures` for a linear layer.
    func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int
}

/// A layer that slides a window over its input's spatial axes (convolution, pooling), for the
/// receptive field in ``ModelSummary``: per spatial axis, the window size, stride and dilation.
public protocol SlidingWindowLayer {
    /// Window size, stride and dilation per spatial axis, in axis order (height then width for 2-D layers);
    /// a receptive field grows by `dilation · (kernel − 1) · jump` at each such layer, where the jump is the
    /// product of the strides before it.
    var windowGeometry: [(kernel: Int, stride: Int, dilation: Int)] { get }
}

extension Linear: MultiplyAccumulateCounting {
    /// Each output element takes `inFeatures` products: `N · outFeatures · inFeatures` for a batch (bias not counted).
    public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
        outputShape.reduce(1, *) * inFeatures
    }
}

/// Each layer's output shape, parameters and multiply–accumulates for one input shape, as
/// `torchinfo.summary` / Keras's `model.summary()`.
public struct ModelSummary: Sendable, CustomStringConvertible, Codable {
    /// One row of the summary: a module that ran during the traced call.
    public struct Layer: Sendable, Codable {
        /// Dotted name in the model (`features.0`, `layer1.0.conv1`).
        public let name: String
        /// The module's type (`Conv2d`).
        public let type: String
        /// The shape of the layer's output for the summary's input, batch dimension included.
        public let outputShape: [Int]
        /// Parameters the layer holds itself (counted at its first call only).
        public let parameters: Int
        /// Multiply–accumulates of the layer's call on the summary's input (0 for layers that do not count them,
        /// such as activations and pooling).
        public let multiplyAccumulates: Int
        /// Receptive field of one output unit along each spatial axis, in input pixels; only for
        /// layers of a chain (a sequential CNN) that slide windows or follow ones that did.
        public let receptiveField: [Int]?

        enum CodingKeys: String, CodingKey {
            case name, type, outputShape = "output_shape", parameters = "params", multiplyAccumulates = "macs"
            case receptiveField = "receptive_field"
        }
    }

    /// The layers in the order they ran, the model itself first (empty name).
    public let layers: [Layer]
    /// The input shape the model was traced with, batch dimension included.
    public let inputShape: [Int]
    /// The model's output shape for that input.
    public let outputShape: [Int]
    /// All parameters of the model (each shared parameter once), whether or not the call used them.
    public let totalParameters: Int
    /// The sum of every layer's multiply–accumulates: the cost of one forward pass on the traced input.
    public let totalMultiplyAccumulates: Int

    enum CodingKeys: String, CodingKey {
        case layers, inputShape = "input_shape", outputShape = "output_shape", totalParameters = "total_params"
        case totalMultiplyAccumulates = "total_macs"
    }

    /// The summary as a table: one row per layer (name, type, output shape, parameters, MACs, receptive field),
    /// then the input and output shapes and the totals.
    public var description: String {
        let rows = layers.map { l in
            [l.name.isEmpty ? "(model)" : l.name, l.type, "\(l.outputShape)", grouped(l.parameters), grouped(l.multiplyAccumulates),
             l.receptiveField.map { Set($0).count == 1 ? "\($0[0])" : $0.map(String.init).joined(separator: "×") } ?? ""]
        }
        let header = ["layer", "type", "output shape", "params", "MACs", "receptive field"]
        let widths = (0..<header.count).map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c >= 3 ? pad + cell : cell + pad  // numbers right-aligned
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var out = [line(header), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        out += rows.map(line)
        out.append("input \(inputShape) → output \(outputShape)")
        out.append("total parameters \(grouped(totalParameters)), total multiply-accumulates \(grouped(totalMultiplyAccumulates))")
        return out.joined(separator: "\n")
    }

    /// One JSON object with `total_params`, `total_macs`, the shapes and every layer.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    private func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }
}

/// Runs `model` once on zeros of `inputShape` (in evaluation mode, without recording gradients)
/// and lists each layer that holds parameters or has no children: output shape, parameters and
/// multiply–accumulates, with totals.
///
/// The receptive field is given while the layers form a chain (each layer's input is the previous
/// layer's output), as in LeNet or VGG; after a branch (ResNet, Inception) it is left out.
public func summary(of model: Module, inputShape: [Int], dtype: DType = .float32) -> ModelSummary {
    require(!inputShape.isEmpty && inputShape.allSatisfy { $0 > 0 },
            "summary: input shape must have positive sizes, got \(inputShape)")
    let names = Dictionary(model.namedModules().map { (ObjectIdentifier($0.module), $0.name) }, uniquingKeysWith: { a, _ in a })
    let tracer = ModuleTracer()
    let wasTraining = model.training
    model.eval()
    defer { model.train(wasTraining) }
    let output = noGrad { tracer.tracing { model(.zeros(inputShape, dtype: dtype)) } }

    var counted = Set<ObjectIdentifier>()
    var layers: [ModelSummary.Layer] = []
    var field: [Int]? = nil, jump: [Int] = [], chain = true
    for call in tracer.calls {
        let m = call.module
        let isLeaf = m.namedChildren.isEmpty
        let own = m.namedOwnParameters
        guard isLeaf || !own.isEmpty else { continue }
        var receptive: [Int]? = nil
        if isLeaf {
            chain = chain && call.continuesChain
            if chain, let sliding = m as? SlidingWindowLayer {
                let geometry = sliding.windowGeometry
                if field == nil { field = Array(repeating: 1, count: geometry.count); jump = field! }
                if field!.count == geometry.count {
                    for (i, g) in geometry.enumerated() {
                        field![i] += (g.kernel - 1) * g.dilation * jump[i]
                        jump[i] *= g.stride
                    }
                } else { chain = false }
            }
            receptive = chain && call.outputShape.count >= 3 ? field : nil  // spatial layers only
        }
        let params = counted.insert(ObjectIdentifier(m)).inserted ? own.reduce(0) { $0 + $1.parameter.count } : 0
        let macs = (m as? MultiplyAccumulateCounting)?.multiplyAccumulates(inputShape: call.inputShape, outputShape: call.outputShape) ?? 0
        layers.append(.init(name: names[ObjectIdentifier(m)] ?? "?", type: String(describing: type(of: m)),
                            outputShape: call.outputShape, parameters: params, multiplyAccumulates: macs, receptiveField: receptive))
    }
    return ModelSummary(layers: layers, inputShape: inputShape, outputShape: output.shape,
                        totalParameters: model.parameterCount,
                        totalMultiplyAccumulates: layers.reduce(0) { $0 + $1.multiplyAccumulates })
}
