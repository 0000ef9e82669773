import Foundation

// Embedding lookups and bags of embeddings, as `torch.nn.functional.embedding`,
// `torch.embedding_renorm_` and `torch.nn.functional.embedding_bag`.
//
// PyTorch's `max_norm` rescales the looked-up rows of the weight in place before the lookup. A
// `Tensor` argument is a value here, so the functions return what PyTorch returns (rows with norm
// at most `maxNorm`) without changing the caller's tensor; ``embeddingRenorm(_:indices:maxNorm:normType:)``
// is the explicit in-place write (on an `inout` tensor), and the ``Embedding`` and ``EmbeddingBag``
// layers apply it to their weight `Parameter`, so later lookups see the rescaled rows as in PyTorch.

/// The looked-up indices as `Int`s, checked: integer dtype and every value in `0..<count`.
private func checkedRows(_ indices: Tensor, count: Int, op: String) -> [Int] {
    require(indices.dtype == .int64 || indices.dtype.description == "int32",
            "\(op): indices must be int64 or int32, got \(indices.dtype)")
    let rows = indices.toArray(as: Int64.self).map { Int($0) }
    if let bad = rows.firstIndex(where: { $0 < 0 || $0 >= count }) {
        require(false, "\(op): index \(rows[bad]) at position \(bad) is out of range for \(count) embeddings")
    }
    return rows
}

/// `paddingIdx` resolved against `count` rows (a negative index counts from the end), or nil.
private func resolvedPadding(_ paddingIdx: Int?, count: Int, op: String) -> Int? {
    guard let paddingIdx else { return nil }
    require(paddingIdx >= -count && paddingIdx < count, "\(op): paddingIdx \(paddingIdx) must be within the \(count) embeddings")
    return paddingIdx < 0 ? paddingIdx + count : paddingIdx
}

/// For each distinct row of `rows`, the factor `maxNorm/(‖row‖_p + 1e−7)` when its p-norm exceeds
/// `maxNorm` (PyTorch's `embedding_renorm_`); rows that need no rescaling are left out.
private func renormFactors(_ weight: Tensor, rows: [Int], maxNorm: Double, normType: Double) -> [Int: Double] {
    let w = weight.detached()
    var factors: [Int: Double] = [:]
    for r in Set(rows).sorted() {
        let values = w.select(axis: 0, index: r).toDoubles()
        let norm: Double
        if normType == .infinity { norm = values.map { Swift.abs($0) }.max() ?? 0 }
        else if normType == -.infinity { norm = values.map { Swift.abs($0) }.min() ?? 0 }
        else if normType == 0 { norm = Double(values.filter { $0 != 0 }.count) }
        else if normType == 1 { norm = values.reduce(0) { $0 + Swift.abs($1) } }
        else if normType == 2 { norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        else { norm = Foundation.pow(values.reduce(0) { $0 + Foundation.pow(Swift.abs($1), normType) }, 1 / normType) }
        if norm > maxNorm { factors[r] = maxNorm / (norm + 1e-7) }
    }
    return factors
}

/// Rescales, in place, each distinct row of `weight` `[V, D]` named by `indices` whose p-norm
/// (`normType`) exceeds `maxNorm` to norm `maxNorm` (precisely, by `maxNorm/(norm + 1e−7)`), as
/// `torch.embedding_renorm_`; other rows are unchanged. Copy-on-write: tensors sharing the old
/// storage (a graph that saved it) keep the old values. Call it inside `noGrad { }` on a tensor
/// that requires grad. Not differentiable.
public func embeddingRenorm(_ weight: inout Tensor, indices: Tensor, maxNorm: Double, normType: Double = 2) {
    require(weight.rank == 2 && weight.dtype.isFloatingPoint,
            "embeddingRenorm: weight must be a 2-D floating-point tensor, got \(weight.dtype)\(weight.shape)")
    let rows = checkedRows(indices, count: weight.shape[0], op: "embeddingRenorm")
    let factors = renormFactors(weight, rows: rows, maxNorm: maxNorm, normType: normType)
    guard !factors.isEmpty else { return }
    weight.checkMutable(op: "embeddingRenorm")
    weight.makeStorageUnique()
    let (d, s0, s1, offset) = (weight.shape[1], weight.strides[0], weight.strides[1], weight.offset)
    func scale<T: FloatScalar>(_: T.Type) {
        let p = weight.storage.pointer(T.self)
        for (r, f) in factors {
            let factor = T(f)
            for j in 0..<d { p[offset + r * s0 + j * s1] *= factor }
        }
    }
    if weight.dtype == .float32 { scale(Float.self) } else { scale(Double.self) }
}

/// Looks up rows of an embedding table, as `torch.nn.functional.embedding`: `weight` `[V, D]`
/// and integer `indices` of any shape `S` (values in `0..<V`) give `[S…, D]`, row `indices[i]` at
/// position `i`. An empty `indices` gives an empty result.
///
/// - `paddingIdx`: the row at this index (negative: counted from the end) receives no gradient;
///   its value is looked up as stored.
/// - `maxNorm`: rows whose `normType`-norm exceeds it are returned rescaled to norm `maxNorm`
///   (`weight` itself is a value and stays as it is; see ``embeddingRenorm(_:indices:maxNorm:normType:)``
///   and ``Embedding`` for PyTorch's in-place update). The gradient treats the rescaling as a
///   constant, as PyTorch, whose rescaling happens in place without recording.
/// - `scaleGradByFreq`: each row's gradient is divided by the number of times the row occurs in `indices`.
///
/// Differentiable w.r.t. `weight`: `∂weight[r] = Σ_{i: indices[i] = r} g[i]`.
public func embedding(_ indices: Tensor, weight: Tensor, paddingIdx: Int? = nil, maxNorm: Double? = nil,
                      normType: Double = 2, scaleGradByFreq: Bool = false) -> Tensor {
    require(weight.rank == 2, "embedding: weight must be 2-D [numEmbeddings, embeddingDim], got shape \(weight.shape)")
    require(weight.dtype.isFloatingPoint, "embedding: weight must be floating point, got \(weight.dtype)")
    if let r = inFloat32IfReduced(weight, { embedding(indices, weight: $0, paddingIdx: paddingIdx, maxNorm: maxNorm, normType: normType,
                                                     scaleGradByFreq: scaleGradByFreq) }) { return r }
    let (v, d) = (weight.shape[0], weight.shape[1])
    let padding = resolvedPadding(paddingIdx, count: v, op: "embedding")
    let rows = checkedRows(indices, count: v, op: "embedding")
    let wc = weight.detached().contiguous()
    var scale: [Double]? = nil
    if let maxNorm {
        let factors = renormFactors(wc, rows: rows, maxNorm: maxNorm, normType: normType)
        if !factors.isEmpty { scale = rows.map { factors[$0] ?? 1 } }
    }
    let out = Kernels.gatherRows(wc, rows: rows, scale: scale).reshape(indices.shape + [d])
    guard shouldRecord(weight) else { return out }
    return recordUnary("embedding", weight, out) { g in
        var factor: [Double]? = nil
        if scaleGradByFreq || padding != nil {
            var counts: [Int: Int] = [:]
            if scaleGradByFreq { for r in rows { counts[r, default: 0] += 1 } }
            factor = rows.map { r in r == padding ? 0 : (scaleGradByFreq ? 1 / Double(counts[r]!) : 1) }
        }
        return Kernels.scatterRows(g.contiguous().reshape([rows.count, d]), source: Array(rows.indices), rows: rows, factor: factor, v: v)
    }
}

/// How ``embeddingBag(_:weight:offsets:maxNorm:normType:scaleGradByFreq:mode:perSampleWeights:includeLastOffset:paddingIdx:)``
/// reduces the embeddings of a bag (PyTorch's `mode`).
public enum EmbeddingBagMode: Sendable {
    /// The sum, weighted by the per-sample weights when given.
    case sum
    /// The mean (PyTorch's default).
    case mean
    /// The largest value of each column.
    case max
}

/// Sums, means or maxima of bags of embeddings without building the `[bags, length, D]` lookup, as
/// `torch.nn.functional.embedding_bag`; the result is `[B, D]`, one row per bag.
///
/// Bags come from a 2-D `input` `[B, L]` (each row a bag of `L` indices; `offsets` must be nil),
/// or from a 1-D `input` and 1-D `offsets` `[B]`: bag `b` holds `input[offsets[b]..<offsets[b+1]]`
/// (the last runs to the end), with `offsets[0] = 0` and offsets non-decreasing. With
/// `includeLastOffset` the offsets have `B + 1` entries and the last one ends the last bag.
///
/// - `mode`: `.sum`, `.mean` (default) or `.max` (per column). An empty bag gives zeros.
/// - `perSampleWeights` (input's shape, `.sum` only): each embedding is multiplied by its weight
///   before summing; differentiable.
/// - `paddingIdx`: entries equal to it are left out of their bag (and of a mean's count).
/// - `maxNorm`, `normType`, `scaleGradByFreq`: as ``embedding(_:weight:paddingIdx:maxNorm:normType:scaleGradByFreq:)``
///   (`scaleGradByFreq` is refused with `.max`, as PyTorch).
///
/// Differentiable w.r.t. `weight` (`.max`: each column's gradient goes to the row that gave the maximum)
/// and `perSampleWeights`.
public func embeddingBag(_ input: Tensor, weight: Tensor, offsets: Tensor? = nil, maxNorm: Double? = nil,
                         normType: Double = 2, scaleGradByFreq: Bool = false, mode: EmbeddingBagMode = .mean,
                         perSampleWeights: Tensor? = nil, includeLastOffset: Bool = false,
                         paddingIdx: Int? = nil) -> Tensor {
    let op = "embeddingBag"
    require(weight.rank == 2, "\(op): weight must be 2-D [numEmbeddings, embeddingDim], got shape \(weight.shape)")
    require(weight.dtype.isFloatingPoint, "\(op): weight must be floating point, got \(weight.dtype)")
    if let r = inFloat32IfReduced(optional: [weight, perSampleWeights], { t in
        embeddingBag(input, weight: t[0]!, offsets: offsets, maxNorm: maxNorm, normType: normType, scaleGradByFreq: scaleGradByFreq,
                     mode: mode, perSampleWeights: t[1], includeLastOffset: includeLastOffset, paddingIdx: paddingIdx)
    }) { return r }
    let v = weight.shape[0]
    let padding = resolvedPadding(paddingIdx, count: v, op: op)
    require(input.rank == 1 || input.rank == 2, "\(op): input must be 1-D (with offsets) or 2-D [bags, length], got shape \(input.shape)")
    if let perSampleWeights {
        require(mode == .sum, "\(op): perSampleWeights is only supported with mode .sum, got .\(mode)")
        require(perSampleWeights.shape == input.shape,
                "\(op): perSampleWeights of shape \(perSampleWeights.shape) must have the input's shape \(input.shape)")
        require(perSampleWeights.dtype.isFloatingPoint, "\(op): perSampleWeights must be floating point, got \(perSampleWeights.dtype)")
    }
    require(!(scaleGradByFreq && mode == .max), "\(op): mode .max does not support scaleGradByFreq")
    let rows = checkedRows(input, count: v, op: op)
    var bags: [Range<Int>] = []
    if input.rank == 2 {
        require(offsets == nil, "\(op): a 2-D input is a batch of fixed-length bags; offsets must be nil, got shape \(offsets!.shape)")
        let (b, l) = (input.shape[0], input.shape[1])
        require(l > 0 || b == 0, "\(op): a 2-D input [bags, length] needs at least one index per bag, got shape \(input.shape)")
        bags = (0..<b).map { ($0 * l)..<(($0 + 1) * l) }
    } else {
        require(offsets != nil, "\(op): a 1-D input needs 1-D offsets (where each bag starts)")
        let offsets = offsets!
        require(offsets.rank == 1, "\(op): offsets must be 1-D, got shape \(offsets.shape)")
        require(!offsets.dtype.isFloatingPoint && offsets.dtype != .bool, "\(op): offsets must be integers, got \(offsets.dtype)")
        let starts = offsets.toArray(as: Int64.self).map { Int($0) }
        let count = includeLastOffset ? Swift.max(starts.count - 1, 0) : starts.count
        if let first = starts.first {
            require(first == 0, "\(op): offsets[0] must be 0 (the first bag starts at position 0), got \(first)")
        }
        for i in starts.indices.dropFirst() {
            require(starts[i] >= starts[i - 1], "\(op): offsets must be non-decreasing, got \(starts[i - 1]) then \(starts[i]) at \(i)")
        }
        if let last = starts.last {
            require(last <= rows.count, "\(op): offsets[-1] = \(last) exceeds the input's length \(rows.count)")
        }
        bags = (0..<count).map { b in starts[b]..<(b + 1 < starts.count ? starts[b + 1] : rows.count) }
    }

    let wc = weight.detached().contiguous()
    var scale: [Double]? = nil
    if let maxNorm {
        let factors = renormFactors(wc, rows: rows, maxNorm: maxNorm, normType: normType)
        if !factors.isEmpty { scale = rows.map { factors[$0] ?? 1 } }
    }
    let samples = perSampleWeights?.cast(to: weight.dtype)
    let sampleValues = samples?.toDoubles()
    var factor: [Double]? = scale
    if let sampleValues { factor = sampleValues.indices.map { sampleValues[$0] * (scale?[$0] ?? 1) } }
    let counts = bags.map { bag in bag.filter { rows[$0] != padding }.count }
    let divisor: [Double]? = mode == .mean ? counts.map { Double(Swift.max($0, 1)) } : nil
    let (out, argmax) = Kernels.bagReduce(wc, rows: rows, bags: bags, factor: factor, divisor: divisor, skip: padding, maximum: mode == .max)

    let inputs = [weight] + [samples].compactMap { $0 }
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return out }
    let (rw, hasSamples, bagCount, inputShape) = (weight.requiresGrad, samples != nil, bags.count, input.shape)
    return record(op, inputs, out) { g in
        let gc = g.contiguous()
        var bagOf = [Int](repeating: -1, count: rows.count)
        for (b, bag) in bags.enumerated() { for i in bag { bagOf[i] = b } }
        var gw: Tensor? = nil
        if rw {
            if mode == .max {
                gw = Kernels.scatterMaxima(gc, argmax: argmax, bags: bagCount, v: v)
            } else {
                var freq: [Int: Int] = [:]
                if scaleGradByFreq { for r in rows { freq[r, default: 0] += 1 } }
                let positions = rows.indices.filter { bagOf[$0] >= 0 && rows[$0] != padding }
                let f = positions.map { i -> Double in
                    var value = sampleValues?[i] ?? 1
                    if let divisor { value /= divisor[bagOf[i]] }
                    if scaleGradByFreq { value /= Double(freq[rows[i]]!) }
                    return value
                }
                gw = Kernels.scatterRows(gc, source: positions.map { bagOf[$0] }, rows: positions.map { rows[$0] }, factor: f, v: v)
            }
        }
        var grads: [Tensor?] = [gw]
        if hasSamples {
            grads.append(Kernels.bagSampleWeightGradient(gc, wc, rows: rows, bagOf: bagOf, scale: scale, skip: padding).reshape(inputShape))
        }
        return grads
    }
}
