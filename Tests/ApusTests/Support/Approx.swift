import Apus

/// Tolerant comparison of tensor values with expected numbers (NaN matches NaN).
enum Approx {
    /// Whether `actual` and `expected` have the same length and agree within
    /// `absolute + relative·|expected|` element by element.
    static func equal(_ actual: [Double], _ expected: [Double],
                      absolute: Double = 1e-6, relative: Double = 1e-5) -> Bool {
        guard actual.count == expected.count else { return false }
        for (a, e) in zip(actual, expected) {
            if a.isNaN || e.isNaN {
                if !(a.isNaN && e.isNaN) { return false }
                continue
            }
            if a == e { continue }  // equal infinities
            if !(Swift.abs(a - e) <= absolute + relative * Swift.abs(e)) { return false }
        }
        return true
    }

    /// Whether the tensor's elements (row-major) agree with `expected`.
    static func equal(_ tensor: Tensor, _ expected: [Double],
                      absolute: Double = 1e-6, relative: Double = 1e-5) -> Bool {
        equal(tensor.toDoubles(), expected, absolute: absolute, relative: relative)
    }
}
