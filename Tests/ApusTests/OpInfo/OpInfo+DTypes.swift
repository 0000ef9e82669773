// Dtypes: conversions, type promotion, wrapping integer arithmetic, division modes, and 16-bit
// floating point computed in float32 (cases in Scripts/opinfo/dtypes.py).

@testable import Apus

extension OpInfoTable {
    /// A Swift number operand of the kind the case names: `Int` (integer rules), `Double` (float rules) or `Bool`.
    private static func plusNumber(_ x: Tensor, _ a: OpArgs) -> Tensor {
        switch a.string("kind") {
        case "int": return x + a.int("number")
        case "bool": return x + Tensor(scalar: a.bool("number") ? 1 : 0, dtype: .bool)
        default: return x + a.double("number")
        }
    }

    static let dtypes: [OpInfo] = [
        OpInfo("dtypes.cast", differentiable: false) { x, a in [x[0]!.cast(to: DType(name: a.string("dtype"))!)] },
        .binary("dtypes.add", differentiable: false) { add($0, $1) },
        .binary("dtypes.subtract", differentiable: false) { subtract($0, $1) },
        .binary("dtypes.multiply", differentiable: false) { multiply($0, $1) },
        .binary("dtypes.divide", differentiable: false) { divide($0, $1) },
        .binary("dtypes.maximum", differentiable: false) { maximum($0, $1) },
        .binary("dtypes.minimum", differentiable: false) { minimum($0, $1) },
        .unary("dtypes.neg", differentiable: false) { -$0 },
        OpInfo("dtypes.addNumber", differentiable: false) { x, a in [plusNumber(x[0]!, a)] },
        OpInfo("dtypes.multiplyNumber", differentiable: false) { x, a in [x[0]! * a.double("number")] },
        OpInfo("dtypes.lessThanNumber", differentiable: false) { x, a in
            [a.string("kind") == "int" ? x[0]! .< a.int("number") : x[0]! .< a.double("number")]
        },
        .binary("dtypes.lessThan", differentiable: false) { $0 .< $1 },
        OpInfo("dtypes.divideRounding", differentiable: false) { x, a in
            [divide(x[0]!, x[1]!, roundingMode: a.string("mode") == "floor" ? .floor : .trunc)]
        },
        .binary("dtypes.floorDivide", differentiable: false) { floorDivide($0, $1) },
        .unary("dtypes.sum", differentiable: false) { $0.sum() },
        OpInfo("dtypes.sumAxis", differentiable: false) { x, a in [x[0]!.sum(axis: a.int("axis"))] },
        .unary("dtypes.mean", differentiable: false) { $0.mean() },
        .unary("dtypes.max", differentiable: false) { $0.max() },
        .unary("dtypes.argmax", differentiable: false) { $0.argmax() },
        .binary("dtypes.matmul", differentiable: false) { matmul($0, $1) },
        .unary("dtypes.softmax", differentiable: false) { softmax($0, axis: -1) },
        .unary("dtypes.exp", differentiable: false) { exp($0) },
        .unary("dtypes.tanh", differentiable: false) { tanh($0) },
        .unary("dtypes.sigmoid", differentiable: false) { sigmoid($0) },
        .unary("dtypes.relu", differentiable: false) { relu($0) },
        .unary("dtypes.sqrt", differentiable: false) { sqrt(abs($0)) },
        OpInfo("dtypes.where", differentiable: false) { x, _ in [`where`(x[0]!, x[1]!, x[2]!)] },
    ]
}
