/// The outcome of ``gradcheck(_:inputs:eps:atol:rtol:)``: whether analytic and numerical
/// Jacobians agree, the worst error, and a line per disagreeing entry.
public struct GradcheckResult: CustomStringConvertible, Sendable {
    /// Whether every checked entry agreed within `atol + rtol·|numerical|`.
    public let passed: Bool
    /// Largest |analytic − numerical| over all checked entries.
    public let maxAbsoluteError: Double
    /// Disagreeing entries, e.g. "input 0, element 3, output 1: analytic 0.5 vs numerical 0.25" (first 10).
    public let mismatches: [String]

    /// `gradcheck passed (max error …)`, or `gradcheck failed` followed by one line per mismatch.
    public var description: String {
        passed ? "gradcheck passed (max error \(maxAbsoluteError))"
            : "gradcheck failed (max error \(maxAbsoluteError)):\n" + mismatches.joined(separator: "\n")
    }
}

/// Compares the gradients autograd computes for `f` with central finite differences.
///
/// Every input that requires grad is checked, element by element: the numerical Jacobian
/// column is `(f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε`, and the analytic Jacobian row for output `j`
/// is the gradient `backward` produces from the one-hot upstream gradient `eⱼ`. Entries agree
/// when `|analytic − numerical| ≤ atol + rtol·|numerical|`.
///
/// Inputs must be float64 (finite differences in float32 are too coarse); they may be
/// non-contiguous (transposed, sliced), but not broadcast views with stride-0 dimensions.
public func gradcheck(_ f: ([Tensor]) -> Tensor, inputs: [Tensor],
                      eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3) -> GradcheckResult {
    for (i, x) in inputs.enumerated() where x.requiresGrad {
        require(x.dtype == .float64, "gradcheck: input \(i) is \(x.dtype); use float64 inputs")
        require(!x.strides.enumerated().contains { $0.element == 0 && x.shape[$0.offset] > 1 },
                     "gradcheck: input \(i) is a broadcast view (stride 0); pass a materialised tensor")
    }
    let checked = inputs.indices.filter { inputs[$0].requiresGrad }
    require(!checked.isEmpty, "gradcheck: no input requires grad")

    // Fresh leaves with the inputs' exact layouts, so each pass starts with empty gradients.
    func leaves(_ xs: [Tensor]) -> [Tensor] {
        xs.enumerated().map { i, x in inputs[i].requiresGrad ? x.requiringGrad() : x }
    }
    let output = noGrad { f(inputs.map { $0.detached() }) }
    require(output.dtype == .float64, "gradcheck: f returned \(output.dtype); expected float64")
    let outCount = output.count

    // Analytic Jacobian: analytic[input][element][output].
    var analytic = checked.map { [[Double]](repeating: [Double](repeating: 0, count: outCount), count: inputs[$0].count) }
    for j in 0..<outCount {
        let xs = leaves(inputs)
        let y = f(xs)
        require(y.requiresGrad, "gradcheck: f's output does not depend on any input that requires grad")
        var seed = [Double](repeating: 0, count: outCount)
        seed[j] = 1
        y.backward(Tensor(shape: y.shape, values: seed, dtype: .float64))
        for (c, i) in checked.enumerated() {
            guard let g = xs[i].grad else { continue }
            for (e, v) in g.toDoubles().enumerated() { analytic[c][e][j] = v }
        }
    }

    var maxError = 0.0
    var mismatches: [String] = []
    for (c, i) in checked.enumerated() {
        let x = inputs[i]
        for e in 0..<x.count {
            let index = multiIndex(e, shape: x.shape)
            func evaluate(_ delta: Double) -> [Double] {
                var xs = inputs.map { $0.detached() }
                var p = x.detached()  // setValue copies the shared storage, keeping strides
                p.setValue(x.value(at: index) + delta, at: index)
                xs[i] = p
                return noGrad { f(xs).toDoubles() }
            }
            let plus = evaluate(eps), minus = evaluate(-eps)
            for j in 0..<outCount {
                let numerical = (plus[j] - minus[j]) / (2 * eps)
                let err = Swift.abs(analytic[c][e][j] - numerical)
                maxError = Swift.max(maxError, err.isNaN ? .infinity : err)
                if !(err <= atol + rtol * Swift.abs(numerical)) && mismatches.count < 10 {
                    mismatches.append("input \(i), element \(index), output \(j): analytic \(analytic[c][e][j]) vs numerical \(numerical)")
                }
            }
        }
    }
    return GradcheckResult(passed: mismatches.isEmpty, maxAbsoluteError: maxError, mismatches: mismatches)
}

/// Row-major multi-index of linear position `i` in `shape`.
func multiIndex(_ i: Int, shape: [Int]) -> [Int] {
    var rest = i
    var index = [Int](repeating: 0, count: shape.count)
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
        index[d] = rest % shape[d]
        rest /= shape[d]
    }
    return index
}
