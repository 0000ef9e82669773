// Reductions and scans: the op table's entries (cases in Scripts/opinfo/reductions.py, whose
// arguments carry PyTorch's names: dim, keepdim, correction, ord, p, q, interpolation).

@testable import Apus

extension OpArgs {
    /// PyTorch's `dim` of a reduction: nil (every axis) or a list.
    var dims: [Int]? { optionalInts("dim") }
    var keepDims: Bool { bool("keepdim", default: false) }

    /// A norm order: "fro", "nuc" or a number (infinities written as "inf", "-inf").
    func normOrder(_ key: String, default d: NormOrder) -> NormOrder {
        guard has(key) else { return d }
        if case .string(let s)? = values[key], s == "fro" { return .frobenius }
        if case .string(let s)? = values[key], s == "nuc" { return .nuclear }
        return .p(double(key))
    }

    /// `q` as a tensor of `dtype` when the case gives a list (of any nesting), nil for a number.
    func quantileTensor(dtype: DType) -> Tensor? {
        guard case .array(let rows)? = values["q"] else { return nil }
        if case .array? = rows.first {
            let nested = rows.map { row -> [Double] in
                guard case .array(let r) = row else { return [] }
                return r.compactMap(\.double)
            }
            return Tensor(shape: [nested.count, nested.first?.count ?? 0], values: nested.flatMap { $0 }, dtype: dtype)
        }
        return Tensor(shape: [rows.count], values: rows.compactMap(\.double), dtype: dtype)
    }
}

extension OpInfoTable {
    static let reductions: [OpInfo] = [
        OpInfo("sum") { x, a in [x[0]!.sum(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("prod") { x, a in [x[0]!.prod(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("mean") { x, a in [x[0]!.mean(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("nansum") { x, a in [x[0]!.nansum(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("nanmean") { x, a in [x[0]!.nanmean(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("variance") { x, a in [x[0]!.variance(axes: a.dims, correction: a.int("correction", default: 1), keepDims: a.keepDims)] },
        OpInfo("std") { x, a in [x[0]!.std(axes: a.dims, correction: a.int("correction", default: 1), keepDims: a.keepDims)] },
        OpInfo("varMean") { x, a in
            let r = x[0]!.varMean(axes: a.dims, correction: a.int("correction", default: 1), keepDims: a.keepDims)
            return [r.variance, r.mean]
        },
        OpInfo("stdMean") { x, a in
            let r = x[0]!.stdMean(axes: a.dims, correction: a.int("correction", default: 1), keepDims: a.keepDims)
            return [r.std, r.mean]
        },
        OpInfo("amax") { x, a in [x[0]!.amax(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("amin") { x, a in [x[0]!.amin(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("max") { x, a in [x[0]!.max(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("min") { x, a in [x[0]!.min(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("maxWithIndices") { x, a in
            let r = x[0]!.maxWithIndices(axis: a.int("dim"), keepDims: a.keepDims)
            return [r.values, r.indices]
        },
        OpInfo("minWithIndices") { x, a in
            let r = x[0]!.minWithIndices(axis: a.int("dim"), keepDims: a.keepDims)
            return [r.values, r.indices]
        },
        OpInfo("aminmax") { x, a in
            let r = x[0]!.aminmax(axis: a.optionalInt("dim"), keepDims: a.keepDims)
            return [r.min, r.max]
        },
        OpInfo("argmax", differentiable: false) { x, a in [x[0]!.argmax(axis: a.optionalInt("dim"), keepDims: a.keepDims)] },
        OpInfo("argmin", differentiable: false) { x, a in [x[0]!.argmin(axis: a.optionalInt("dim"), keepDims: a.keepDims)] },
        OpInfo("all", differentiable: false) { x, a in [x[0]!.all(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("any", differentiable: false) { x, a in [x[0]!.any(axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("countNonzero", differentiable: false) { x, a in [x[0]!.countNonzero(axes: a.dims)] },
        OpInfo("logSumExp") { x, a in [logSumExp(x[0]!, axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("cumsum") { x, a in [x[0]!.cumsum(axis: a.int("dim"))] },
        OpInfo("cumprod") { x, a in [x[0]!.cumprod(axis: a.int("dim"))] },
        OpInfo("cummax") { x, a in
            let r = x[0]!.cummax(axis: a.int("dim"))
            return [r.values, r.indices]
        },
        OpInfo("cummin") { x, a in
            let r = x[0]!.cummin(axis: a.int("dim"))
            return [r.values, r.indices]
        },
        OpInfo("logcumsumexp") { x, a in [x[0]!.logcumsumexp(axis: a.int("dim"))] },
        OpInfo("vectorNorm") { x, a in
            [vectorNorm(x[0]!, ord: a.double("ord", default: 2), axes: a.dims, keepDims: a.keepDims)]
        },
        OpInfo("matrixNorm") { x, a in
            [matrixNorm(x[0]!, ord: a.normOrder("ord", default: .frobenius), axes: a.optionalInts("dim") ?? [-2, -1], keepDims: a.keepDims)]
        },
        OpInfo("norm") { x, a in [x[0]!.norm(p: a.normOrder("p", default: 2), axes: a.dims, keepDims: a.keepDims)] },
        OpInfo("median") { x, a in
            guard let dim = a.optionalInt("dim") else { return [x[0]!.median()] }
            let r = x[0]!.median(axis: dim, keepDims: a.keepDims)
            return [r.values, r.indices]
        },
        OpInfo("nanmedian") { x, a in
            guard let dim = a.optionalInt("dim") else { return [x[0]!.nanmedian()] }
            let r = x[0]!.nanmedian(axis: dim, keepDims: a.keepDims)
            return [r.values, r.indices]
        },
        OpInfo("quantile") { x, a in [quantile(x[0]!, a, ignoringNaN: false)] },
        OpInfo("nanquantile") { x, a in [quantile(x[0]!, a, ignoringNaN: true)] },
        OpInfo("mode") { x, a in
            let r = x[0]!.mode(axis: a.int("dim", default: -1), keepDims: a.keepDims)
            return [r.values, r.indices]
        },
    ]

    private static func quantile(_ x: Tensor, _ a: OpArgs, ignoringNaN: Bool) -> Tensor {
        let interpolation = caseNamed(QuantileInterpolation.self, a.string("interpolation", default: "linear"))
        let (axis, keepDims) = (a.optionalInt("dim"), a.keepDims)
        let qDType = a.has("q_dtype") ? DType(name: a.string("q_dtype"))! : x.dtype
        if let q = a.quantileTensor(dtype: qDType) {
            return ignoringNaN ? x.nanquantile(q: q, axis: axis, keepDims: keepDims, interpolation: interpolation)
                : x.quantile(q: q, axis: axis, keepDims: keepDims, interpolation: interpolation)
        }
        let q = a.double("q")
        return ignoringNaN ? x.nanquantile(q: q, axis: axis, keepDims: keepDims, interpolation: interpolation)
            : x.quantile(q: q, axis: axis, keepDims: keepDims, interpolation: interpolation)
    }
}
