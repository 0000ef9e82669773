import Testing
@testable import Apus

// Helpers shared by the optimizer tests: float64 parameters with hand-set gradients.

/// A float64 parameter whose gradient is set by hand.
func param(_ values: [Double], grad: [Double]? = nil) -> Parameter {
    let p = Parameter(Tensor(shape: [values.count], values: values, dtype: .float64))
    if let grad { setGrad(p, grad) }
    return p
}

func setGrad(_ p: Parameter, _ grad: [Double]) {
    p.value.grad = Tensor(shape: [grad.count], values: grad, dtype: .float64)
}

/// Expects `p`'s values to equal `expected` within `tol`.
func expectValues(_ p: Parameter, _ expected: [Double], tol: Double = 1e-13,
                  sourceLocation: SourceLocation = #_sourceLocation) {
    let got = p.value.toDoubles()
    #expect(got.count == expected.count, sourceLocation: sourceLocation)
    for (g, e) in zip(got, expected) {
        #expect(abs(g - e) <= tol, "got \(got), expected \(expected)", sourceLocation: sourceLocation)
    }
}
