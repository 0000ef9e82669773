// Runs the op table against PyTorch's fixtures: outputs (dtype, shape, values) and gradients, with
// the inputs as given (contiguous) and laid out again as strided and column-major views; and every
// call PyTorch refuses must stop Apus too. gradcheck runs on the same rows through the gradcheck
// table (Autograd/Gradcheck+OpInfo.swift).

import Foundation
import Testing
@testable import Apus

/// Ways of laying out a case's inputs: the values stay, the strides change.
enum InputLayout: String, CaseIterable, Sendable {
    case contiguous
    /// Every second element of a buffer twice as long (a strided slice).
    case strided
    /// Column-major: the axes' strides reversed (a transposed tensor transposed back).
    case columnMajor

    /// `t` in this layout; tensors it cannot change (one element, rank below 2 for column-major) stay.
    func apply(_ t: Tensor) -> Tensor {
        switch self {
        case .contiguous: return t
        case .strided:
            guard t.count >= 2 else { return t }
            return stack([t, t], axis: -1).select(axis: -1, index: 0)
        case .columnMajor:
            guard t.rank >= 2, t.shape.filter({ $0 > 1 }).count >= 2 else { return t }
            let reversed = Array((0..<t.rank).reversed())
            return t.permute(reversed).contiguous().permute(reversed)
        }
    }
}

/// Default tolerances of the comparison by dtype (a case may set its own): float32 as the issue
/// of the op set asks (rtol 1e-5), the half types as PyTorch's `assert_close`, integers exactly.
func defaultTolerance(_ dtype: DType) -> (rtol: Double, atol: Double) {
    switch dtype {
    case .float64: (1e-9, 1e-12)
    case .float32: (1e-5, 1e-6)
    default:
        if dtype.description == "float16" { (1e-3, 1e-5) }
        else if dtype.description == "bfloat16" { (1.6e-2, 1e-5) }
        else { (0, 0) }
    }
}

/// nil when `apus` equals PyTorch's `expected` (dtype, shape, and values within tolerance, NaN where
/// NaN, infinities exactly), else what differs.
func mismatch(_ apus: Tensor, _ expected: OpFixtureTensor, rtol: Double?, atol: Double?) -> String? {
    guard let dtype = expected.apusDType else { return "PyTorch's dtype \(expected.dtype) has no Apus dtype" }
    if apus.dtype != dtype { return "dtype \(apus.dtype), PyTorch \(expected.dtype)" }
    if apus.shape != expected.shape { return "shape \(apus.shape), PyTorch \(expected.shape)" }
    let tol = defaultTolerance(dtype)
    let (r, a) = (rtol ?? tol.rtol, atol ?? tol.atol)
    let got: [Double]
    let want: [Double]
    if dtype == .int64 {
        // Exact over the whole int64 range (doubles would round above 2⁵³).
        let g = apus.toArray(as: Int64.self)
        let w = expected.tensor.toArray(as: Int64.self)
        if g.count != w.count { return "\(g.count) elements, PyTorch \(w.count)" }
        if let i = g.indices.first(where: { g[$0] != w[$0] }) { return "element \(i): \(g[i]), PyTorch \(w[i])" }
        return nil
    }
    got = apus.toDoubles()
    want = expected.doubles
    var worst: (index: Int, error: Double)? = nil
    for i in got.indices {
        let (x, y) = (got[i], want[i])
        if x.isNaN || y.isNaN {
            if x.isNaN != y.isNaN { return "element \(i): \(x), PyTorch \(y)" }
            continue
        }
        if x.isInfinite || y.isInfinite {
            if x != y { return "element \(i): \(x), PyTorch \(y)" }
            continue
        }
        if x.sign != y.sign && x == 0 && y == 0 && r == 0 { return "element \(i): \(x), PyTorch \(y) (signed zero)" }
        let error = Swift.abs(x - y)
        if !(error <= a + r * Swift.abs(y)), error > (worst?.error ?? -1) { worst = (i, error) }
    }
    if let worst {
        return "element \(worst.index): \(got[worst.index]), PyTorch \(want[worst.index]) (error \(worst.error), rtol \(r), atol \(a))"
    }
    return nil
}

/// The outputs of the gradcheck'd function as one float64 vector: the floating-point outputs,
/// flattened and joined (index outputs such as sort's carry no gradient).
func joinedFloatOutputs(_ outputs: [Tensor]) -> Tensor {
    let floats = outputs.filter { $0.dtype.isFloatingPoint }.map { $0.reshape([-1]) }
    return floats.count == 1 ? floats[0] : concat(floats, axis: 0)
}

@Suite struct OpInfoTests {
    @Test func fixturesAreThere() {
        #expect(OpFixtures.cases.count > 0, "no op fixtures in \(OpFixtures.directory.path)")
    }

    @Test("agrees with PyTorch", arguments: OpFixtures.computed)
    func agreesWithPyTorch(_ c: OpCase) throws {
        let info = try #require(OpInfoTable.byName[c.op], "no OpInfo entry for op \(c.op)")
        for layout in InputLayout.allCases {
            check(c, info, layout)
        }
    }

    private func check(_ c: OpCase, _ info: OpInfo, _ layout: InputLayout) {
        let expected = c.outputs ?? []
        let gradIndices = Set(c.grad ?? [])
        let leaves: [Tensor?] = c.inputTensors().enumerated().map { i, t in
            guard let t else { return nil }
            let laid = layout.apply(t)
            return gradIndices.contains(i) && laid.dtype.isFloatingPoint ? laid.requiringGrad() : laid
        }
        let outputs = info.call(leaves, OpArgs(values: c.args))
        let context = "\(c.name) [\(layout.rawValue) inputs]"
        guard outputs.count == expected.count else {
            Issue.record("\(context): \(outputs.count) outputs, PyTorch \(expected.count)")
            return
        }
        for (k, (out, want)) in zip(outputs, expected).enumerated() {
            if let m = mismatch(out, want, rtol: c.rtol, atol: c.atol) {
                Issue.record("\(context): output \(k): \(m)")
            }
        }
        guard let grads = c.grads, let ups = c.up, !gradIndices.isEmpty else { return }
        var loss: Tensor? = nil
        for (out, up) in zip(outputs, ups) {
            guard let up, out.requiresGrad else { continue }
            let term = (out * up.tensor.cast(to: out.dtype)).sum()
            loss = loss.map { $0 + term } ?? term
        }
        loss?.backward()
        for i in gradIndices.sorted() {
            guard let want = grads[i], let leaf = leaves[i] else { continue }
            let got = leaf.grad ?? Tensor.zeros(leaf.shape, dtype: leaf.dtype)
            if let m = mismatch(got, want, rtol: c.rtol, atol: c.atol) {
                Issue.record("\(context): gradient of input \(i): \(m)")
            }
        }
    }

    @Test("refuses what PyTorch refuses", arguments: OpFixtures.refused)
    func refusesAsPyTorchDoes(_ c: OpCase) async {
        let (name, family): (String, String) = (c.name, c.family)
        await #expect(processExitsWith: .failure, "\(c.name): PyTorch refuses it (\(c.raises ?? ""))") {
            [name = name as String, family = family as String] in
            let c = OpFixtures.load(family: family).first { $0.name == name }!
            let info = OpInfoTable.byName[c.op]!
            _ = info.call(c.inputTensors(), OpArgs(values: c.args))
        }
    }

    /// Every case names an op of the table, every op has a case PyTorch computes, and every
    /// differentiable op a gradchecked one.
    @Test(.enabled(if: OpFixtures.onlyFamilies == nil, "APUS_OP_FAMILIES runs some families only"))
    func tableAndFixturesCoverEachOther() {
        for c in OpFixtures.cases {
            #expect(OpInfoTable.byName[c.op] != nil, "fixture case \(c.name) names op \(c.op), which has no OpInfo entry")
        }
        for info in OpInfoTable.all {
            let cases = OpFixtures.computed.filter { $0.op == info.name }
            #expect(!cases.isEmpty, "op \(info.name) has no fixture case PyTorch computes")
            if info.differentiable {
                #expect(cases.contains { $0.gradcheck == true }, "differentiable op \(info.name) has no gradchecked case")
            }
        }
        #expect(Set(OpInfoTable.all.map(\.name)).count == OpInfoTable.all.count, "an op is listed twice in the table")
        #expect(Set(OpFixtures.cases.map(\.name)).count == OpFixtures.cases.count, "two fixture cases share a name")
    }
}
