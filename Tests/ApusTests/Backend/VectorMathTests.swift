import Foundation
import Testing
@testable import Apus

/// The vectorised float32 exp, tanh and sigmoid against float64 references.
///
/// Run with `APUS_ISA=avx2` or `APUS_ISA=generic` to check the other variants.
struct VectorMathTests {
    /// A sweep over the interesting range plus special values, longer than one vector so the
    /// masked tail runs too.
    static let inputs: [Float] = {
        var v = stride(from: -30.0, through: 30.0, by: 0.0173).map { Float($0) }
        v += [0, -0.0, 1e-8, -1e-8, 1e-3, 0.2999, 0.3, 0.3001, -0.3, 87, 88.5, 88.8, 100, -87.3, -88, -103, -104, -200]
        return v
    }()

    static func check(_ op: (Tensor) -> Tensor, _ reference: (Double) -> Double, name: String, tolerance: Double) {
        let got = op(Tensor(scalars: inputs)).toArray(as: Float.self)
        var worst = 0.0, worstAt: Float = 0
        for (x, y) in zip(inputs, got) {
            let want = reference(Double(x))
            let wantF = Float(want)
            if wantF.isInfinite {
                #expect(y == wantF, "\(name)(\(x)) = \(y), expected \(wantF)")
                continue
            }
            if Swift.abs(want) < Double(Float.leastNormalMagnitude) {
                // Subnormal results carry few significant bits (and may flush to 0): compare absolutely.
                #expect(Swift.abs(Double(y) - want) < Double(Float.leastNormalMagnitude), "\(name)(\(x)) = \(y), expected \(want)")
                continue
            }
            let err = Swift.abs(Double(y) - want) / Swift.abs(want)
            if err > worst { worst = err; worstAt = x }
        }
        #expect(worst < tolerance, "\(name): worst relative error \(worst) at x = \(worstAt)")
        // NaN propagates; infinities map to the limits.
        let special = op(Tensor(scalars: [Float.nan, .infinity, -.infinity])).toArray(as: Float.self)
        #expect(special[0].isNaN, "\(name)(nan) = \(special[0])")
        #expect(special[1] == Float(reference(.infinity)), "\(name)(inf) = \(special[1])")
        #expect(special[2] == Float(reference(-.infinity)), "\(name)(-inf) = \(special[2])")
    }

    @Test func exp() { Self.check(Apus.exp, Foundation.exp, name: "exp", tolerance: 3e-7) }
    @Test func tanh() { Self.check(Apus.tanh, Foundation.tanh, name: "tanh", tolerance: 1e-6) }
    @Test func sigmoid() { Self.check(Apus.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }, name: "sigmoid", tolerance: 1e-6) }

    /// The vector sum against a float64 one, at lengths around each variant's vector and
    /// unrolled-loop widths (the tails take other paths).
    @Test(arguments: [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000, 32768 + 5])
    func sum(_ n: Int) {
        let x = (0..<n).map { Float(sin(Double($0) * 0.37) * 3 + 0.1) }
        let want = x.reduce(0.0) { $0 + Double($1) }, scale = x.reduce(0.0) { $0 + Swift.abs(Double($1)) }
        let got = x.withUnsafeBufferPointer { Kernels.sum($0.baseAddress!, n) }
        #expect(Swift.abs(Double(got) - want) <= 1e-6 * Swift.max(scale, 1), "sum of \(n): \(got), expected \(want)")
        if n > 0 {
            // A fixed order: the same bits every time.
            #expect(x.withUnsafeBufferPointer { Kernels.sum($0.baseAddress!, n) } == got)
        }
    }

    @Test func nonContiguousInputsTakeTheGenericPath() {
        let x = Tensor(scalars: [Float](stride(from: -2, to: 2, by: 0.25)), shape: [4, 4]).T
        #expect(!x.isContiguous)
        let want = x.toArray(as: Float.self).map { Foundation.exp($0) }
        for (a, b) in zip(Apus.exp(x).toArray(as: Float.self), want) { #expect(Swift.abs(a - b) <= 1e-6 * b) }
    }
}
