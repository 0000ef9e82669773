/// Updates parameters from their gradients: `optimizer.step()` after `loss.backward()`.
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates.
    var parameters: [Parameter] { get }
    /// Learning rate.
    var lr: Double { get set }
    /// Applies one update from the current gradients.
    func step()
    /// The optimizer's state as named tensors, keyed as PyTorch's `state_dict()` flattened:
    /// `state.<i>.<name>` for the `i`-th parameter's state (`state.0.exp_avg`,
    /// `state.0.momentum_buffer`, `state.0.step`), `param_groups.<g>.lr` for hyper-parameters
    /// that change during training.
    func stateDict() -> [(name: String, tensor: Tensor)]
    /// Restores a state saved by ``stateDict()`` from an optimizer built on the same parameters.
    func loadStateDict(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// Clears the gradients of all parameters.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// Helpers for optimizers' ``Optimizer/stateDict()`` and ``Optimizer/loadStateDict(_:)``.
enum OptimizerState {
    /// A 0-d float64 tensor holding `value` (step counts and hyper-parameters in a state dict).
    static func scalar(_ value: Double) -> Tensor { Tensor(shape: [], values: [value], dtype: .float64) }

    /// Checks that every key of `state` is `param_groups.…` or `state.<i>.<name>` with `i` a
    /// parameter index and `name` one of `names`, and that tensors have their parameter's shape
    /// (except the scalar `step`); throws a ``StateMismatch`` listing every offending key.
    static func validate(_ state: [String: Tensor], parameters: [Parameter], names: Set<String>,
                         groupKeys: Set<String>) throws {
        var unexpected: [String] = []
        var wrongShape: [StateMismatch.WrongShape] = []
        for (key, tensor) in state {
            if groupKeys.contains(key) {
                if tensor.count != 1 { wrongShape.append(.init(name: key, expected: [], found: tensor.shape)) }
                continue
            }
            let parts = key.split(separator: ".")
            guard parts.count == 3, parts[0] == "state", let i = Int(parts[1]), parameters.indices.contains(i),
                  names.contains(String(parts[2])) else {
                unexpected.append(key)
                continue
            }
            let expected = parts[2] == "step" ? [] : parameters[i].shape
            if tensor.shape != expected { wrongShape.append(.init(name: key, expected: expected, found: tensor.shape)) }
        }
        let mismatch = StateMismatch(unexpected: unexpected.sorted(), wrongShape: wrongShape.sorted { $0.name < $1.name })
        if !mismatch.isEmpty { throw ApusError.stateMismatch(mismatch) }
    }
}
