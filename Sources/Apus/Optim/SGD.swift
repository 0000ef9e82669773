/// Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay,
/// with PyTorch's update rule:
///
///     g ← ∇ + λ·w;   v ← μ·v + (1 − dampening)·g;   w ← w − lr·(nesterov ? g + μ·v : v)
///
/// The first step sets `v ← g`. With μ = 0 this is plain gradient descent; full-batch,
/// stochastic and minibatch descent differ only in what the loss was computed on.
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var lr: Double
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let nesterov: Bool
    private var velocity: [ObjectIdentifier: Tensor] = [:]

    public init(_ parameters: [Parameter], lr: Double, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) {
        require(lr >= 0 && lr.isFinite, "SGD: learning rate must be a finite non-negative number, got \(lr)")
        require(momentum >= 0, "SGD: momentum must be non-negative, got \(momentum)")
        require(weightDecay >= 0, "SGD: weight decay must be non-negative, got \(weightDecay)")
        require(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and no dampening")
        self.parameters = parameters
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public func step() {
        noGrad {
            for p in parameters {
                guard var g = p.grad else { continue }
                if weightDecay != 0 { g = g + weightDecay * p.value }
                if momentum != 0 {
                    let key = ObjectIdentifier(p)
                    let v = velocity[key].map { momentum * $0 + (1 - dampening) * g } ?? g
                    velocity[key] = v
                    g = nesterov ? g + momentum * v : v
                }
                p.assign(p.value - lr * g)
            }
        }
    }

    public func stateDict() -> [(name: String, tensor: Tensor)] {
        var result: [(name: String, tensor: Tensor)] = [("param_groups.0.lr", OptimizerState.scalar(lr))]
        for (i, p) in parameters.enumerated() {
            if let v = velocity[ObjectIdentifier(p)] { result.append(("state.\(i).momentum_buffer", v)) }
        }
        return result
    }

    public func loadStateDict(_ state: [String: Tensor]) throws {
        try OptimizerState.validate(state, parameters: parameters, names: ["momentum_buffer"], groupKeys: ["param_groups.0.lr"])
        velocity = [:]
        for (i, p) in parameters.enumerated() {
            if let v = state["state.\(i).momentum_buffer"] { velocity[ObjectIdentifier(p)] = v.cast(to: p.value.dtype).contiguous() }
        }
        if let lr = state["param_groups.0.lr"] { self.lr = lr.item() }
    }
}
