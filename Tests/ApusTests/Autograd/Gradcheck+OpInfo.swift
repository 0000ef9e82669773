// The op table's rows as gradcheck rows: every fixture case marked `gradcheck` (float64 inputs)
// runs with its inputs as PyTorch had them (plain, or broadcast when the case says so) and with
// every input of two or more elements laid out as a strided view.

import Testing
@testable import Apus

extension GradcheckTests {
    static let opInfoFamily: GradcheckFamily = {
        var ops: [String] = []
        var broadcasting: Set<String> = []
        var cases: [GradcheckCase] = []
        for c in OpFixtures.computed where c.gradcheck == true {
            guard let info = OpInfoTable.byName[c.op], info.differentiable else { continue }
            if !ops.contains(c.op) { ops.append(c.op) }
            if c.broadcast == true { broadcasting.insert(c.op) }
            let all = c.inputTensors()
            let present = all.indices.filter { all[$0] != nil }
            let gradSet = Set(c.grad ?? [])
            let grad = present.map { gradSet.contains($0) }
            let args = OpArgs(values: c.args)
            let f: Fn = { xs in
                var full = [Tensor?](repeating: nil, count: all.count)
                for (k, i) in present.enumerated() { full[i] = xs[k] }
                return joinedFloatOutputs(info.call(full, args))
            }
            let variant = c.name.hasPrefix(c.op + " ") ? String(c.name.dropFirst(c.op.count + 1)) : c.name
            let inputs = present.map { all[$0]! }
            let layout: GradcheckCase.Layout = c.broadcast == true ? .broadcast : .plain
            cases.append(GradcheckCase(op: c.op, variant: variant, layout: layout, grad: grad, eps: 1e-6,
                                       make: { _ in inputs }, f: f))
            let stridedPositions = inputs.indices.filter { inputs[$0].count >= 2 }
            if !stridedPositions.isEmpty {
                let strided = inputs.map { InputLayout.strided.apply($0) }
                cases.append(GradcheckCase(op: c.op, variant: variant + ", strided inputs", layout: .strided(stridedPositions),
                                           grad: grad, eps: 1e-6, make: { _ in strided }, f: f))
            }
        }
        return GradcheckFamily(ops: ops, broadcasting: broadcasting, cases: cases)
    }()
}
