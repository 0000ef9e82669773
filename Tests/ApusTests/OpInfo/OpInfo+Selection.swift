// Sorting and selection: the op table's entries (cases in Scripts/opinfo/selection.py).

@testable import Apus

/// The subscript components a case's `spec` lists (see `index_tuple` in selection.py): numbers,
/// "all", "new", "..." (leading only), [start, end, step] slices and "tK", the K-th index tensor.
private func components(_ args: OpArgs, _ tensors: [Tensor]) -> (ellipsis: Bool, [any TensorIndexConvertible]) {
    guard case .array(let items)? = args.values["spec"] else { fatalError("case without a spec") }
    var ellipsis = false
    var out: [any TensorIndexConvertible] = []
    for item in items {
        switch item {
        case .int(let i): out.append(i)
        case .string("all"): out.append(TensorIndex.all)
        case .string("new"): out.append(TensorIndex.newAxis)
        case .string("..."): ellipsis = true
        case .string(let s): out.append(tensors[Int(s.dropFirst())!])
        case .array(let bounds):
            let b = bounds.map { v -> Int? in if case .int(let i) = v { i } else { nil } }
            out.append(TensorIndex.slice(start: b[0], end: b.count > 1 ? b[1] : nil, step: b.count > 2 ? b[2] ?? 1 : 1))
        default: fatalError("spec item \(item)")
        }
    }
    return (ellipsis, out)
}

/// `x[c…]` through the public subscripts (up to four components, after an optional `...`).
private func read(_ x: Tensor, _ spec: (ellipsis: Bool, [any TensorIndexConvertible])) -> Tensor {
    let c = spec.1
    if spec.ellipsis {
        switch c.count {
        case 1: return x[..., c[0]]
        case 2: return x[..., c[0], c[1]]
        default: return x[..., c[0], c[1], c[2]]
        }
    }
    switch c.count {
    case 1: return x[c[0]]
    case 2: return x[c[0], c[1]]
    case 3: return x[c[0], c[1], c[2]]
    default: return x[c[0], c[1], c[2], c[3]]
    }
}

/// `x[c…] = value` through the public subscript.
private func write(_ x: inout Tensor, _ c: [any TensorIndexConvertible], _ value: Tensor) {
    switch c.count {
    case 1: x[c[0]] = value
    case 2: x[c[0], c[1]] = value
    case 3: x[c[0], c[1], c[2]] = value
    default: x[c[0], c[1], c[2], c[3]] = value
    }
}

/// PyTorch's `reduce` string as a ``ScatterReduction``.
private func reduction(_ name: String) -> ScatterReduction {
    switch name {
    case "sum": .sum
    case "prod": .prod
    case "mean": .mean
    case "amax": .amax
    case "amin": .amin
    default: fatalError("no reduction named \(name)")
    }
}

/// `[values, inverse?, counts?]` as PyTorch returns them.
private func uniqueOutputs(_ r: (values: Tensor, inverse: Tensor?, counts: Tensor?)) -> [Tensor] {
    [r.values] + [r.inverse, r.counts].compactMap { $0 }
}

extension OpInfoTable {
    static let selection: [OpInfo] = [
        OpInfo("sort") { x, a in
            let r = x[0]!.sort(axis: a.int("dim", default: -1), descending: a.bool("descending", default: false),
                                stable: a.bool("stable", default: false))
            return [r.values, r.indices]
        },
        OpInfo("sortTies", differentiable: false) { x, a in
            let axis = a.int("dim", default: -1)
            let r = x[0]!.sort(axis: axis, descending: a.bool("descending", default: false))
            return [r.values, x[0]!.gather(axis: axis, index: r.indices)]
        },
        OpInfo("argsort", differentiable: false) { x, a in
            [x[0]!.argsort(axis: a.int("dim", default: -1), descending: a.bool("descending", default: false),
                           stable: a.bool("stable", default: false))]
        },
        .unary("msort") { $0.msort() },
        OpInfo("topk") { x, a in
            let r = x[0]!.topk(a.int("k"), axis: a.int("dim", default: -1), largest: a.bool("largest", default: true),
                                sorted: a.bool("sorted", default: true))
            return [r.values, r.indices]
        },
        OpInfo("topkTies", differentiable: false) { x, a in
            let axis = a.int("dim", default: -1)
            let r = x[0]!.topk(a.int("k"), axis: axis, largest: a.bool("largest", default: true))
            return [r.values, x[0]!.gather(axis: axis, index: r.indices)]
        },
        OpInfo("kthvalue") { x, a in
            let r = x[0]!.kthvalue(a.int("k"), axis: a.int("dim", default: -1), keepDims: a.bool("keepdim", default: false))
            return [r.values, r.indices]
        },
        OpInfo("kthvalueTies", differentiable: false) { x, a in
            let axis = a.int("dim", default: -1)
            let r = x[0]!.kthvalue(a.int("k"), axis: axis, keepDims: true)
            let taken = x[0]!.gather(axis: axis, index: r.indices)
            return a.bool("keepdim", default: false) ? [r.values, taken] : [r.values.squeezed(axis: axis), taken.squeezed(axis: axis)]
        },
        OpInfo("unique", differentiable: false) { x, a in
            uniqueOutputs(x[0]!.unique(sorted: a.bool("sorted", default: true), returnInverse: a.bool("return_inverse", default: false),
                                       returnCounts: a.bool("return_counts", default: false), axis: a.optionalInt("dim")))
        },
        OpInfo("uniqueConsecutive", differentiable: false) { x, a in
            uniqueOutputs(x[0]!.uniqueConsecutive(returnInverse: a.bool("return_inverse", default: false),
                                                  returnCounts: a.bool("return_counts", default: false), axis: a.optionalInt("dim")))
        },
        OpInfo("bincount", differentiable: false) { x, a in
            [x[0]!.bincount(weights: x[1], minLength: a.int("minlength", default: 0))]
        },
        OpInfo("histc", differentiable: false) { x, a in
            [x[0]!.histc(bins: a.int("bins", default: 100), min: a.double("min", default: 0), max: a.double("max", default: 0))]
        },
        OpInfo("searchsorted", differentiable: false) { x, a in
            [searchsorted(x[0]!, x[1]!, right: a.bool("right", default: false),
                          side: a.has("side") ? (a.string("side") == "right" ? .right : .left) : nil, sorter: x[2])]
        },
        OpInfo("searchsortedScalar", differentiable: false) { x, a in
            [searchsorted(x[0]!, a.double("value"), right: a.bool("right", default: false))]
        },
        OpInfo("bucketize", differentiable: false) { x, a in
            [bucketize(x[0]!, boundaries: x[1]!, right: a.bool("right", default: false))]
        },
        .unary("nonzero", differentiable: false) { $0.nonzero() },
        OpInfo("nonzeroTuple", differentiable: false) { x, _ in x[0]!.nonzero(asTuple: true) },
        .unary("argwhere", differentiable: false) { $0.argwhere() },
        .binary("maskedSelect") { $0.maskedSelect($1) },
        OpInfo("maskedFill") { x, a in [x[0]!.maskedFill(x[1]!, value: a.double("value"))] },
        OpInfo("maskedFillTensor") { x, _ in [x[0]!.maskedFill(x[1]!, value: x[2]!)] },
        OpInfo("maskedScatter") { x, _ in [x[0]!.maskedScatter(x[1]!, source: x[2]!)] },
        OpInfo("scatter") { x, a in [x[0]!.scatter(axis: a.int("dim"), index: x[1]!, source: x[2]!)] },
        OpInfo("scatterValue") { x, a in [x[0]!.scatter(axis: a.int("dim"), index: x[1]!, value: a.double("value"))] },
        OpInfo("scatterReduce") { x, a in
            [x[0]!.scatterReduce(axis: a.int("dim"), index: x[1]!, source: x[2]!, reduce: reduction(a.string("reduce")),
                                 includeSelf: a.bool("include_self", default: true))]
        },
        OpInfo("scatterAdd") { x, a in [x[0]!.scatterAdd(axis: a.int("dim"), index: x[1]!, source: x[2]!)] },
        OpInfo("gather") { x, a in [x[0]!.gather(axis: a.int("dim"), index: x[1]!)] },
        OpInfo("indexAdd") { x, a in
            [x[0]!.indexAdd(axis: a.int("dim"), index: x[1]!, source: x[2]!, alpha: a.double("alpha", default: 1))]
        },
        OpInfo("indexCopy") { x, a in [x[0]!.indexCopy(axis: a.int("dim"), index: x[1]!, source: x[2]!)] },
        OpInfo("indexFill") { x, a in [x[0]!.indexFill(axis: a.int("dim"), index: x[1]!, value: a.double("value"))] },
        OpInfo("takeAlongDim") { x, a in [x[0]!.takeAlongDim(x[1]!, axis: a.optionalInt("dim"))] },
        .binary("take") { $0.take($1) },
        OpInfo("put") { x, a in [x[0]!.put(x[1]!, source: x[2]!, accumulate: a.bool("accumulate", default: false))] },
        OpInfo("index") { x, a in [read(x[0]!, components(a, x.dropFirst().map { $0! }))] },
        OpInfo("indexPut") { x, a in
            [x[0]!.indexPut(components(a, x.dropFirst(2).map { $0! }).1, values: x[1]!, accumulate: a.bool("accumulate", default: false))]
        },
        OpInfo("indexAssign", differentiable: false) { x, a in
            var y = x[0]!
            write(&y, components(a, x.dropFirst(2).map { $0! }).1, x[1]!)
            return [y]
        },
    ]
}
