// Elementwise math: the op table's entries (cases in Scripts/opinfo/elementwise.py).

@testable import Apus

/// A number argument of a case as PyTorch got it: an int, a float or a bool (each picks its own
/// Swift overload, as the literal would in Swift code).
private enum NumberArgument {
    case int(Int), double(Double), bool(Bool)

    init?(_ args: OpArgs, _ key: String) {
        switch args.values[key] {
        case .int(let i)?: self = .int(i)
        case .bool(let b)?: self = .bool(b)
        case let v?: guard let d = v.double else { return nil }; self = .double(d)
        case nil: return nil
        }
    }

    var double: Double {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        case .bool(let b): b ? 1 : 0
        }
    }
}

/// A Swift `Bool` result as PyTorch's recorder writes a Python bool: a 0-d bool tensor.
private func boolTensor(_ b: Bool) -> Tensor { Tensor(scalar: b ? 1 : 0, dtype: .bool) }

/// An op of one tensor and one number, or of two tensors (`op(x, other)` in PyTorch).
private func tensorOrNumber(_ name: String, differentiable: Bool = true,
                            tensor: @escaping @Sendable (Tensor, Tensor) -> Tensor,
                            number: @escaping @Sendable (Tensor, NumberArgument) -> Tensor) -> OpInfo {
    OpInfo(name, differentiable: differentiable) { x, args in
        if let other = NumberArgument(args, "other") { return [number(x[0]!, other)] }
        return [tensor(x[0]!, x[1]!)]
    }
}

/// A comparison under PyTorch's name, with its number overloads.
private func comparison(_ name: String, _ t: @escaping @Sendable (Tensor, Tensor) -> Tensor,
                        _ d: @escaping @Sendable (Tensor, Double) -> Tensor,
                        _ i: @escaping @Sendable (Tensor, Int) -> Tensor) -> OpInfo {
    tensorOrNumber(name, differentiable: false, tensor: t) { x, n in
        if case .int(let v) = n { return i(x, v) }
        return d(x, n.double)
    }
}

/// A bitwise and/or/xor, with its integer and bool overloads.
private func bitwise(_ name: String, _ t: @escaping @Sendable (Tensor, Tensor) -> Tensor,
                     _ i: @escaping @Sendable (Tensor, Int) -> Tensor,
                     _ b: @escaping @Sendable (Tensor, Bool) -> Tensor) -> OpInfo {
    tensorOrNumber(name, differentiable: false, tensor: t) { x, n in
        switch n {
        case .int(let v): i(x, v)
        case .bool(let v): b(x, v)
        case .double: fatalError("\(name): a fractional number")
        }
    }
}

/// A shift, with the integer overloads on either side.
private func shift(_ name: String, _ t: @escaping @Sendable (Tensor, Tensor) -> Tensor,
                   _ right: @escaping @Sendable (Tensor, Int) -> Tensor,
                   _ left: @escaping @Sendable (Int, Tensor) -> Tensor) -> OpInfo {
    OpInfo(name, differentiable: false) { x, args in
        if case .int(let v)? = NumberArgument(args, "other") { return [right(x[0]!, v)] }
        if case .int(let v)? = NumberArgument(args, "input") { return [left(v, x[0]!)] }
        return [t(x[0]!, x[1]!)]
    }
}

extension OpInfoTable {
    static let elementwise: [OpInfo] = trigonometric + rounding + special + predicates + conditional + comparisons + bitwiseAndLogical

    static let trigonometric: [OpInfo] = [
        .unary("sin") { sin($0) },
        .unary("cos") { cos($0) },
        .unary("tan") { $0.tan() },
        .unary("asin") { asin($0) },
        .unary("acos") { $0.acos() },
        .unary("atan") { atan($0) },
        .unary("sinh") { $0.sinh() },
        .unary("cosh") { cosh($0) },
        .unary("tanh") { tanh($0) },
        .unary("asinh") { $0.asinh() },
        .unary("acosh") { acosh($0) },
        .unary("atanh") { $0.atanh() },
        .unary("deg2rad") { deg2rad($0) },
        .unary("rad2deg") { $0.rad2deg() },
        .binary("atan2") { atan2($0, $1) },
    ]

    static let rounding: [OpInfo] = [
        .unary("floor") { floor($0) },
        .unary("ceil") { $0.ceil() },
        .unary("trunc") { trunc($0) },
        OpInfo("round") { x, args in [round(x[0]!, decimals: args.int("decimals", default: 0))] },
        .unary("frac") { $0.frac() },
        remainderEntry("fmod", fmod, fmod, fmod),
        OpInfo("remainder") { x, args in
            if let a = NumberArgument(args, "input") {
                if case .int(let i) = a { return [remainder(i, x[0]!)] }
                return [remainder(a.double, x[0]!)]
            }
            return remainderEntry("remainder", remainder, remainder, remainder).call(x, args)
        },
    ]

    private static func remainderEntry(_ name: String, _ t: @escaping @Sendable (Tensor, Tensor) -> Tensor,
                                       _ d: @escaping @Sendable (Tensor, Double) -> Tensor,
                                       _ i: @escaping @Sendable (Tensor, Int) -> Tensor) -> OpInfo {
        tensorOrNumber(name, tensor: t) { x, n in
            if case .int(let v) = n { return i(x, v) }
            return d(x, n.double)
        }
    }

    static let special: [OpInfo] = [
        .unary("reciprocal") { reciprocal($0) },
        .unary("rsqrt") { $0.rsqrt() },
        .unary("square") { square($0) },
        .unary("exp2") { exp2($0) },
        .unary("expm1") { $0.expm1() },
        .unary("log2") { log2($0) },
        .unary("log10") { $0.log10() },
        .unary("log1p") { log1p($0) },
        .unary("erf") { erf($0) },
        .unary("erfc") { $0.erfc() },
        .unary("erfinv") { erfinv($0) },
        .unary("sinc") { sinc($0) },
        OpInfo("logit") { x, args in [logit(x[0]!, eps: args.optionalDouble("eps"))] },
        .binary("hypot") { hypot($0, $1) },
        OpInfo("lerp") { x, args in
            if x.count == 3 { return [lerp(x[0]!, x[1]!, weight: x[2]!)] }
            return [x[0]!.lerp(x[1]!, weight: args.double("weight"))]
        },
        OpInfo("xlogy") { x, args in
            if let y = args.optionalDouble("other") { return [xlogy(x[0]!, y)] }
            if let a = args.optionalDouble("input") { return [xlogy(a, x[0]!)] }
            return [xlogy(x[0]!, x[1]!)]
        },
        tensorOrNumber("copysign", tensor: { copysign($0, $1) }) { x, n in copysign(x, n.double) },
        .binary("nextafter", differentiable: false) { nextafter($0, $1) },
        OpInfo("floatPower") { x, args in
            if let e = args.optionalDouble("exponent") { return [floatPower(x[0]!, e)] }
            return [x[0]!.floatPower(x[1]!)]
        },
    ]

    static let predicates: [OpInfo] = [
        .unary("isnan", differentiable: false) { isnan($0) },
        .unary("isinf", differentiable: false) { $0.isinf() },
        .unary("isfinite", differentiable: false) { isfinite($0) },
        .unary("isposinf", differentiable: false) { $0.isposinf() },
        .unary("isneginf", differentiable: false) { isneginf($0) },
        .unary("signbit", differentiable: false) { signbit($0) },
        OpInfo("nanToNum") { x, args in
            [nanToNum(x[0]!, nan: args.double("nan", default: 0), posinf: args.optionalDouble("posinf"),
                      neginf: args.optionalDouble("neginf"))]
        },
        .unary("sign") { sign($0) },
        .unary("sgn") { $0.sgn() },
    ]

    static let conditional: [OpInfo] = [
        OpInfo("where") { x, args in
            let c = x[0]!
            switch (NumberArgument(args, "input"), NumberArgument(args, "other")) {
            case (nil, nil): return [`where`(c, x[1]!, x[2]!)]
            case (nil, .int(let b)?): return [`where`(c, x[1]!, b)]
            case (nil, .bool(let b)?): return [`where`(c, x[1]!, b)]
            case (nil, let b?): return [`where`(c, x[1]!, b.double)]
            case (.int(let a)?, nil): return [`where`(c, a, x[1]!)]
            case (.bool(let a)?, nil): return [`where`(c, a, x[1]!)]
            case (let a?, nil): return [`where`(c, a.double, x[1]!)]
            case (.int(let a)?, .int(let b)?): return [`where`(c, a, b)]
            case (.bool(let a)?, .bool(let b)?): return [`where`(c, a, b)]
            case (let a?, let b?): return [`where`(c, a.double, b.double)]
            }
        },
        OpInfo("clamp") { x, args in
            if x.count == 1 {
                let (lo, hi) = (NumberArgument(args, "min"), NumberArgument(args, "max"))
                if case .int(let l)? = lo, case .int(let h)? = hi { return [x[0]!.clamped(min: l, max: h)] }
                return [clamp(x[0]!, min: lo?.double, max: hi?.double)]
            }
            return [clamp(x[0]!, min: x[1], max: x[2])]
        },
        OpInfo("clampMin") { x, args in
            if let m = args.optionalDouble("min") { return [clampMin(x[0]!, m)] }
            return [clampMin(x[0]!, x[1]!)]
        },
        OpInfo("clampMax") { x, args in
            if let m = args.optionalDouble("max") { return [clampMax(x[0]!, m)] }
            return [clampMax(x[0]!, x[1]!)]
        },
    ]

    static let comparisons: [OpInfo] = [
        comparison("eq", { eq($0, $1) }, { eq($0, $1) }, { eq($0, $1) }),
        comparison("ne", { $0.ne($1) }, { ne($0, $1) }, { ne($0, $1) }),
        comparison("lt", { lt($0, $1) }, { $0.lt($1) }, { lt($0, $1) }),
        comparison("le", { le($0, $1) }, { le($0, $1) }, { le($0, $1) }),
        comparison("gt", { $0.gt($1) }, { gt($0, $1) }, { gt($0, $1) }),
        comparison("ge", { ge($0, $1) }, { $0.ge($1) }, { ge($0, $1) }),
        .binary("equal", differentiable: false) { boolTensor(equal($0, $1)) },
        OpInfo("isclose", differentiable: false) { x, args in
            [isclose(x[0]!, x[1]!, rtol: args.double("rtol", default: 1e-5), atol: args.double("atol", default: 1e-8),
                     equalNan: args.bool("equal_nan", default: false))]
        },
        OpInfo("allclose", differentiable: false) { x, args in
            [boolTensor(x[0]!.allclose(x[1]!, rtol: args.double("rtol", default: 1e-5), atol: args.double("atol", default: 1e-8),
                                       equalNan: args.bool("equal_nan", default: false)))]
        },
    ]

    static let bitwiseAndLogical: [OpInfo] = [
        .binary("logicalAnd", differentiable: false) { logicalAnd($0, $1) },
        .binary("logicalOr", differentiable: false) { $0.logicalOr($1) },
        .binary("logicalXor", differentiable: false) { logicalXor($0, $1) },
        .unary("logicalNot", differentiable: false) { $0.logicalNot() },
        bitwise("bitwiseAnd", { $0 & $1 }, { bitwiseAnd($0, $1) }, { bitwiseAnd($0, $1) }),
        bitwise("bitwiseOr", { bitwiseOr($0, $1) }, { bitwiseOr($0, $1) }, { bitwiseOr($0, $1) }),
        bitwise("bitwiseXor", { $0.bitwiseXor($1) }, { bitwiseXor($0, $1) }, { bitwiseXor($0, $1) }),
        .unary("bitwiseNot", differentiable: false) { bitwiseNot($0) },
        shift("bitwiseLeftShift", { bitwiseLeftShift($0, $1) }, { bitwiseLeftShift($0, $1) }, { bitwiseLeftShift($0, $1) }),
        shift("bitwiseRightShift", { $0.bitwiseRightShift($1) }, { bitwiseRightShift($0, $1) }, { bitwiseRightShift($0, $1) }),
    ]
}
