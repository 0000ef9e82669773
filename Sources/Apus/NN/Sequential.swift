/// Modules applied one after another; children are named `0`, `1`, … as in PyTorch.
public final class Sequential: Module {
    /// The layers in the order they run; `forward` feeds each one's output to the next.
    public private(set) var layers: [Module]

    /// Chains the given layers, `Sequential([Linear(4, 8), ReLU(), Linear(8, 1)])`.
    public init(_ layers: [Module]) { self.layers = layers }
    /// Chains the layers listed as arguments, `Sequential(Linear(4, 8), ReLU(), Linear(8, 1))`.
    public convenience init(_ layers: Module...) { self.init(layers) }

    /// The layer at `index` (named `"\(index)"`); setting it replaces the layer, as PyTorch's
    /// `model.classifier[6] = nn.Linear(4096, 2)`.
    public subscript(index: Int) -> Module {
        get {
            require(layers.indices.contains(index), "Sequential: index \(index) out of range for \(layers.count) layers")
            return layers[index]
        }
        set {
            require(layers.indices.contains(index), "Sequential: index \(index) out of range for \(layers.count) layers")
            layers[index] = newValue
        }
    }

    public override var namedChildren: [(name: String, module: Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    public override func forward(_ x: Tensor) -> Tensor {
        layers.reduce(x) { $1($0) }
    }
}

/// A multilayer perceptron: `Linear → ReLU` for each hidden size, then a final `Linear`.
public func mlp(inputs: Int, hidden: [Int], outputs: Int, generator: RandomGenerator = .default) -> Sequential {
    var layers: [Module] = []
    var width = inputs
    for h in hidden {
        layers.append(Linear(width, h, generator: generator))
        layers.append(ReLU())
        width = h
    }
    layers.append(Linear(width, outputs, generator: generator))
    return Sequential(layers)
}
