// Weight penalties added to a loss: L1 (lasso), L2 (ridge) and their mix (elastic net).
//
// Penalise weights, not biases: pick parameters by name.
//
//     let weights = model.parameters { $0.hasSuffix("weight") }
//     let loss = crossEntropy(model(x), y) + 1e-4 * l2Penalty(weights)
//     loss.backward()          // each weight's gradient gains 2·1e-4·w

/// `Σ |w|` over every element of `parameters`, a differentiable 0-d tensor (L1, lasso).
///
/// Gradient: `sign(w)` (0 at w = 0, the subgradient PyTorch's `abs` uses). Add `λ · l1Penalty(ps)`
/// to a loss for L1 regularisation. The result has the dtype of the first parameter (promoted
/// with the others'); for an empty list it is a float32 zero.
public func l1Penalty(_ parameters: [Parameter]) -> Tensor { l1Penalty(parameters.map(\.value)) }

/// `Σ |t|` over every element of `tensors` (any tensors, e.g. activations for a sparsity
/// penalty), with the same gradient as the parameter form.
public func l1Penalty(_ tensors: [Tensor]) -> Tensor {
    sumOfTerms(tensors) { abs($0).sum() }
}

/// `Σ w²` over every element of `parameters`, a differentiable 0-d tensor (L2, ridge).
///
/// Convention: the plain sum of squares, **without** a factor ½, so the gradient of
/// `λ · l2Penalty(ps)` is `2λw`. The course's `λ/2 · ‖w‖²` (gradient `λw`, the same as SGD's
/// `weightDecay: λ`) is `0.5 * λ * l2Penalty(ps)`.
public func l2Penalty(_ parameters: [Parameter]) -> Tensor { l2Penalty(parameters.map(\.value)) }

/// `Σ t²` over every element of `tensors` (no ½, as the parameter form).
public func l2Penalty(_ tensors: [Tensor]) -> Tensor {
    sumOfTerms(tensors) { ($0 * $0).sum() }
}

/// The elastic-net penalty `l1 · Σ|w| + l2 · Σw²` (same conventions as ``l1Penalty(_:)-([Tensor])`` and
/// ``l2Penalty(_:)-([Tensor])``: no ½ on the squares), a differentiable 0-d tensor; gradient
/// `l1 · sign(w) + 2 · l2 · w`.
public func penalty(_ parameters: [Parameter], l1: Double = 0, l2: Double = 0) -> Tensor {
    penalty(parameters.map(\.value), l1: l1, l2: l2)
}

/// The elastic-net penalty `l1 · Σ|t| + l2 · Σt²` over every element of `tensors`.
public func penalty(_ tensors: [Tensor], l1: Double = 0, l2: Double = 0) -> Tensor {
    require(l1 >= 0 && l2 >= 0, "penalty: coefficients must be non-negative, got l1 \(l1), l2 \(l2)")
    return sumOfTerms(tensors) { w in
        var term: Tensor? = nil
        if l1 != 0 { term = abs(w).sum() * l1 }
        if l2 != 0 { let s = (w * w).sum() * l2; term = term.map { $0 + s } ?? s }
        return term ?? (w.sum() * 0)
    }
}

/// Adds `term(t)` over the tensors (parameters' values are leaves, so the gradient reaches them).
private func sumOfTerms(_ tensors: [Tensor], _ term: (Tensor) -> Tensor) -> Tensor {
    var total: Tensor? = nil
    for x in tensors {
        let t = term(x)
        total = total.map { $0 + t } ?? t
    }
    return total ?? Tensor(scalar: 0)
}

extension Module {
    /// The parameters whose dotted name (as in ``namedParameters()``) satisfies `predicate`,
    /// each once, in declaration order: `model.parameters { $0.hasSuffix("weight") }` picks the
    /// weights for a penalty and leaves the biases (and norm layers' `bias`) out.
    public func parameters(where predicate: (String) -> Bool) -> [Parameter] {
        namedParameters().filter { predicate($0.name) }.map(\.parameter)
    }
}
