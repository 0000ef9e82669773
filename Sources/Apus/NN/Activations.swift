/// `max(x, 0)` as a layer.
public final class ReLU: Module {
    public override init() {}
    public override func callAsFunction(_ x: Tensor) -> Tensor { relu(x) }
}

/// The logistic sigmoid as a layer.
public final class Sigmoid: Module {
    public override init() {}
    public override func callAsFunction(_ x: Tensor) -> Tensor { sigmoid(x) }
}

/// The hyperbolic tangent as a layer.
public final class Tanh: Module {
    public override init() {}
    public override func callAsFunction(_ x: Tensor) -> Tensor { tanh(x) }
}

/// Flattens all dimensions after the first (the batch).
public final class Flatten: Module {
    public override init() {}
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.flatten(startAxis: 1) }
}
