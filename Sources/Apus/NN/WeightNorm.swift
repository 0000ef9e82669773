/// A layer whose forward pass can run with a weight other than its own ``weight`` parameter:
/// what ``WeightNorm`` needs to feed the recomputed weight `g · v / ‖v‖` into the layer.
///
/// A layer adopts it with one method that computes its output from `x` and a given weight
/// tensor (of the ``weight`` parameter's shape) and uses its other parameters (the bias) as usual.
public protocol WeightedLayer: Module {
    /// The layer's own weight, `[out, …]` (axis 0: output units).
    var weight: Parameter { get }
    /// The layer's output for input `x` computed with `weight` in place of ``weight``.
    func forward(_ x: Tensor, weight: Tensor) -> Tensor
}

extension Linear: WeightedLayer {
    /// `x · weightᵀ + bias` with the given weight `[outFeatures, inFeatures]`.
    public func forward(_ x: Tensor, weight: Tensor) -> Tensor {
        require(x.shape.last == inFeatures, "Linear(\(inFeatures)→\(outFeatures)): input of shape \(x.shape) does not end in \(inFeatures)")
        return linear(x, weight: weight, bias: bias?.value)
    }
}

/// Weight normalisation (Salimans & Kingma, 2016) of a layer, as `torch.nn.utils.weight_norm(layer)`
/// (`dim=0`): the layer's weight is reparameterised as `w = g · v / ‖v‖`, the norm taken per
/// output unit (over every axis but 0), so the direction `v` and the length `g` train separately.
///
/// Parameters, under PyTorch's names: `weight_g` `[out, 1, …]` and `weight_v` (the weight's shape),
/// then the wrapped layer's other parameters (`bias`) under their own names. The wrapped layer's
/// own `weight` is no longer a parameter (optimizers never see it): each forward pass computes
/// `w` from `weight_g` and `weight_v` and runs the layer with it through ``WeightedLayer``.
/// At creation `v = W` and `g = ‖W‖`, so the output is unchanged.
///
/// ```swift
/// let layer = WeightNorm(Linear(784, 100))
/// layer.namedParameters().map(\.name)    // ["weight_g", "weight_v", "bias"]
/// ```
public final class WeightNorm<Layer: WeightedLayer>: Module {
    /// The wrapped layer (its `bias` and other parameters are trained through this wrapper).
    public let layer: Layer
    /// Length `g` per output unit, `[out, 1, …, 1]`.
    public let weightG: Parameter
    /// Direction `v`, the shape of the layer's weight.
    public let weightV: Parameter

    /// Wraps `layer`, starting from `v = weight` and `g = ‖weight‖` per output unit.
    public init(_ layer: Layer) {
        self.layer = layer
        let w = layer.weight.value.detached()
        weightV = Parameter(w)
        let axes = Array(1..<Swift.max(w.rank, 1))
        let norm = noGrad { w.rank > 1 ? sqrt((w * w).sum(axes: axes, keepDims: true)) : abs(w) }
        weightG = Parameter(norm)
    }

    /// The effective weight `g · v / ‖v‖` (differentiable w.r.t. `weight_g` and `weight_v`).
    public var weight: Tensor { weightNorm(weightV.value, weightG.value) }

    /// `weight_g`, `weight_v`, then the wrapped layer's parameters other than `weight`.
    public override var namedOwnParameters: [(name: String, parameter: Parameter)] {
        [("weight_g", weightG), ("weight_v", weightV)]
            + layer.namedParameters().filter { $0.name != "weight" }
    }

    /// The wrapped layer's buffers under their own names.
    public override var namedOwnBuffers: [(name: String, buffer: Buffer)] { layer.namedBuffers() }

    /// No children: the wrapped layer's state appears directly under this module, as with
    /// PyTorch's `weight_norm`, which modifies the layer in place.
    public override var namedChildren: [(name: String, module: Module)] { [] }

    /// The wrapped layer's output computed with the weight `g · v / ‖v‖`.
    public override func forward(_ x: Tensor) -> Tensor {
        if layer.training != training { layer.train(training) }
        return layer.forward(x, weight: weight)
    }
}
