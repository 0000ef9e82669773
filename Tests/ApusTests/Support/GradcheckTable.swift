// The row type and input makers of the gradcheck table (GradcheckTests.swift and the
// Gradcheck+*.swift files that add families of ops to it).

import Testing
@testable import Apus

// MARK: - Row type

/// One row of the table: an op, a variant, how the inputs are laid out, how to make them,
/// and the function whose gradients are checked.
struct GradcheckCase: Sendable, CustomTestStringConvertible {
    enum Layout: Sendable, Equatable {
        /// Contiguous inputs of the same shape (or a single contiguous input).
        case plain
        /// Inputs of different shapes that the op broadcasts together.
        case broadcast
        /// The inputs at these positions are non-contiguous views (asserted by the test).
        case strided([Int])
    }

    /// The op under test, as listed in ``GradcheckTests/differentiableOps``.
    let op: String
    /// What this row exercises: shapes, axes, options.
    let variant: String
    let layout: Layout
    /// Which inputs require grad; nil means every floating-point input.
    let grad: [Bool]?
    /// Finite-difference step: gradcheck's default everywhere but the float32 round trip of `cast`.
    let eps: Double
    let make: @Sendable (RandomGenerator) -> [Tensor]
    let f: @Sendable ([Tensor]) -> Tensor

    var name: String { "\(op) — \(variant)" }
    var testDescription: String { name }

    /// The inputs, drawn from a generator seeded by the row's name (adding a row changes no other row).
    func inputs() -> [Tensor] {
        var seed: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in name.utf8 { seed = (seed ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return make(RandomGenerator(seed: seed)).enumerated().map { i, t in
            (grad.map { $0[i] } ?? t.dtype.isFloatingPoint) ? t.requiringGrad() : t
        }
    }
}

typealias Make = @Sendable (RandomGenerator) -> [Tensor]
typealias Fn = @Sendable ([Tensor]) -> Tensor

func plain(_ op: String, _ variant: String, grad: [Bool]? = nil, eps: Double = 1e-6,
                   _ make: @escaping Make, f: @escaping Fn) -> GradcheckCase {
    GradcheckCase(op: op, variant: variant, layout: .plain, grad: grad, eps: eps, make: make, f: f)
}

func broadcast(_ op: String, _ variant: String, grad: [Bool]? = nil, eps: Double = 1e-6,
                       _ make: @escaping Make, f: @escaping Fn) -> GradcheckCase {
    GradcheckCase(op: op, variant: variant, layout: .broadcast, grad: grad, eps: eps, make: make, f: f)
}

/// A row whose inputs at `nonContiguous` are transposed/permuted/sliced views.
func strided(_ op: String, _ variant: String, _ nonContiguous: [Int], grad: [Bool]? = nil, eps: Double = 1e-6,
                     _ make: @escaping Make, f: @escaping Fn) -> GradcheckCase {
    GradcheckCase(op: op, variant: variant, layout: .strided(nonContiguous), grad: grad, eps: eps, make: make, f: f)
}

// MARK: - Inputs

func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

/// Standard-normal float64 values, each pushed at least 0.15 away from the points in `kinks`.
func randn(_ g: RandomGenerator, _ shape: [Int], avoiding kinks: [Double] = []) -> Tensor {
    let values = g.normals(count(shape)).map { v -> Double in
        var v = v
        for k in kinks where Swift.abs(v - k) < 0.15 { v = v < k ? k - 0.15 : k + 0.15 }
        return v
    }
    return Tensor(shape: shape, values: values, dtype: .float64)
}

/// Uniform float64 values in `[low, high)`; the default range suits log, sqrt, pow bases and divisors.
func positive(_ g: RandomGenerator, _ shape: [Int], _ low: Double = 0.5, _ high: Double = 2) -> Tensor {
    Tensor(shape: shape, values: g.uniforms(count(shape)).map { low + (high - low) * $0 }, dtype: .float64)
}

/// Pairwise distinct values (at least 0.15 apart): no ties for max/min.
func distinct(_ g: RandomGenerator, _ shape: [Int]) -> Tensor {
    let n = count(shape)
    let jitter = g.uniforms(n)
    let values = g.permutation(n).enumerated().map { i, p in (Double(p) - Double(n) / 2) * 0.2 + 0.05 * jitter[i] }
    return Tensor(shape: shape, values: values, dtype: .float64)
}

/// Values `k/2 + offset + small jitter`: two lattices with offsets 0 and 0.25 are never closer than 0.15.
func lattice(_ g: RandomGenerator, _ shape: [Int], offset: Double) -> Tensor {
    let values = (0..<count(shape)).map { _ in Double(g.integer(below: 9) - 4) * 0.5 + offset + 0.1 * g.uniforms(1)[0] }
    return Tensor(shape: shape, values: values, dtype: .float64)
}

/// Multiples of 1/256 in [-1, 1): exact in float32, and so are `x ± 1/1024`.
func dyadic(_ g: RandomGenerator, _ shape: [Int]) -> Tensor {
    Tensor(shape: shape, values: (0..<count(shape)).map { _ in Double(g.integer(below: 512) - 256) / 256 }, dtype: .float64)
}

/// Int64 indices.
func indices(_ values: [Int], _ shape: [Int]? = nil) -> Tensor {
    Tensor(shape: shape ?? [values.count], values: values.map(Double.init), dtype: .int64)
}

/// A bool mask.
func mask(_ values: [Bool], _ shape: [Int]) -> Tensor {
    Tensor(shape: shape, values: values.map { $0 ? 1 : 0 }, dtype: .bool)
}

/// Columns 1, 3, 5, … of a `[rows, 2·cols]` matrix: a `[rows, cols]` view with column stride 2
/// (of normal values, or of values in [0.5, 2) when `positive`).
func strideSlice(_ g: RandomGenerator, _ rows: Int, _ cols: Int, positive isPositive: Bool = false) -> Tensor {
    let base = isPositive ? positive(g, [rows, 2 * cols]) : randn(g, [rows, 2 * cols])
    return base.slice(axis: 1, start: 1, step: 2)
}

/// A scalar that depends on every piece, each with its own weight: a wrong piece order or a
/// piece that does not reach its input shows up in the gradient.
func weightedPieces(_ pieces: [Tensor]) -> Tensor {
    let terms = pieces.enumerated().map { i, p in (p * p * Double(i + 1)).sum() + p.sum() * Double(10 * i) }
    return terms.dropFirst().reduce(terms[0]) { $0 + $1 }
}
