// Advanced indexing with tensors, as PyTorch's: `x[mask]`, `x[indices]`, `x[.all, indices]`,
// `x[0, mask]`, assignment into them (index_put_) and the differentiable `indexPut`.
//
// A subscript with tensor components is split into its basic part (numbers, ranges, `.all` and
// `.newAxis`, a view) and index tensors on some axes of that view. The indexed axes are moved to
// the front and flattened, each selected position becomes one linear index into them, and one
// indexSelect (one contiguous slice copy per position) reads them; a write goes the other way.

/// A tensor in a subscript is an advanced index: int64 positions along one axis, or a bool mask.
extension Tensor: TensorIndexConvertible {
    /// `.tensor(self)`: int64 indices along one axis, or a bool mask over as many axes as its rank.
    public var tensorIndex: TensorIndex { .tensor(self) }
}

/// What a subscript with tensor components selects from a tensor.
struct AdvancedIndexPlan {
    /// The basic components, each tensor replaced by `.all` over the axes it indexes.
    let basic: [TensorIndex]
    /// Axes of the basic view the index tensors index, ascending.
    let axes: [Int]
    /// The index tensors' common (broadcast) shape.
    let broadcastShape: [Int]
    /// For every selected position, its linear index into the indexed axes (row-major).
    let linear: [Int]
    /// Sizes of the indexed axes of the view.
    let indexedSizes: [Int]

    /// Whether the indexed axes are adjacent, so the broadcast shape takes their place in the
    /// result; otherwise it goes in front.
    var adjacent: Bool { zip(axes, axes.dropFirst()).allSatisfy { $1 == $0 + 1 } }
}

extension Tensor {
    /// Splits `components` (some of them tensors) into a basic view and index tensors, checking
    /// every index against the size of its axis.
    func advancedPlan(_ components: [TensorIndex]) -> AdvancedIndexPlan {
        var basic: [TensorIndex] = []
        var tensors: [(axis: Int, index: Tensor)] = []
        var inAxis = 0, viewAxis = 0
        for component in components {
            switch component {
            case .at:
                require(inAxis < rank, "subscript: too many indices for tensor of shape \(shape)")
                basic.append(component)
                inAxis += 1
            case .slice, .all:
                require(inAxis < rank, "subscript: too many indices for tensor of shape \(shape)")
                basic.append(component)
                inAxis += 1; viewAxis += 1
            case .newAxis:
                basic.append(component)
                viewAxis += 1
            case .tensor(let t) where t.dtype == .bool:
                if t.rank == 0 {
                    // x[true] adds an axis of size 1 and keeps it; x[false] keeps none of it.
                    let keep = t.toArray(as: Bool.self)[0]
                    basic.append(.newAxis)
                    tensors.append((viewAxis, Tensor(scalars: keep ? [Int64(0)] : [], shape: [keep ? 1 : 0])))
                    viewAxis += 1
                    continue
                }
                require(inAxis + t.rank <= rank && Array(shape[inAxis..<(inAxis + t.rank)]) == t.shape,
                        "subscript: the mask of shape \(t.shape) does not match axes \(inAxis)..<\(inAxis + t.rank) of the tensor of shape \(shape)")
                for column in t.nonzero(asTuple: true) {
                    basic.append(.all)
                    tensors.append((viewAxis, column))
                    inAxis += 1; viewAxis += 1
                }
            case .tensor(let t):
                require(t.dtype == .int64, "subscript: tensors used as indices must be int64 or bool, got \(t.dtype)")
                require(inAxis < rank, "subscript: too many indices for tensor of shape \(shape)")
                basic.append(.all)
                tensors.append((viewAxis, t))
                inAxis += 1; viewAxis += 1
            }
        }
        let viewShape = noGrad { detached().indexed(basic) }.shape
        var common: [Int] = []
        for (_, t) in tensors { common = broadcastShapes(common, t.shape, op: "subscript (index tensors)") }
        let sizes = tensors.map { viewShape[$0.axis] }
        let total = common.reduce(1, *)
        var linear = [Int](repeating: 0, count: total)
        var multiplier = 1
        for (k, (axis, t)) in tensors.enumerated().reversed() {
            let idx = checkedIndices(t.broadcastView(to: common), bound: sizes[k], op: "subscript", axis: axis)
            for p in 0..<total { linear[p] += idx[p] * multiplier }
            multiplier *= sizes[k]
        }
        return AdvancedIndexPlan(basic: basic, axes: tensors.map(\.axis), broadcastShape: common, linear: linear, indexedSizes: sizes)
    }

    /// The result shape of `plan` on a view of `viewShape`, and the permutation that takes the
    /// `[broadcast…, rest…]` layout to it.
    fileprivate static func resultLayout(_ plan: AdvancedIndexPlan, viewShape: [Int]) -> (shape: [Int], perm: [Int]?) {
        let rest = (0..<viewShape.count).filter { !plan.axes.contains($0) }.map { viewShape[$0] }
        let nb = plan.broadcastShape.count
        guard plan.adjacent, let first = plan.axes.first, first > 0 else { return (plan.broadcastShape + rest, nil) }
        let perm = Array(nb..<(nb + first)) + Array(0..<nb) + Array((nb + first)..<(nb + rest.count))
        return (Array(rest[..<first]) + plan.broadcastShape + Array(rest[first...]), perm)
    }

    /// `self[components]` with tensor components (see ``subscript(_:)``): a copy, differentiable.
    func advancedIndexed(_ components: [TensorIndex]) -> Tensor {
        let plan = advancedPlan(components)
        let view = indexed(plan.basic)
        let others = (0..<view.rank).filter { !plan.axes.contains($0) }
        let order = plan.axes + others
        let moved = order == Array(0..<view.rank) ? view : view.permute(order)
        let rest = others.map { view.shape[$0] }
        let flat = moved.reshape([plan.indexedSizes.reduce(1, *)] + rest)
        let picked = flat.indexSelect(axis: 0, indices: Tensor(scalars: plan.linear.map { Int64($0) }, shape: [plan.linear.count]))
            .reshape(plan.broadcastShape + rest)
        let layout = Tensor.resultLayout(plan, viewShape: view.shape)
        return layout.perm.map { picked.permute($0) } ?? picked
    }

    /// Writes `value` (broadcast to the selection's shape) into the positions `components` select,
    /// in place, adding when `accumulate`; the last write wins where positions repeat.
    mutating func assignAdvanced(_ value: Tensor, at components: [TensorIndex], accumulate: Bool) {
        checkMutable(op: "subscript assignment")
        let plan = advancedPlan(components)
        makeStorageUnique()
        let view = noGrad { detached().indexed(plan.basic) }
        let layout = Tensor.resultLayout(plan, viewShape: view.shape)
        let source = value.literalNumber.map { Tensor(scalar: $0, dtype: dtype) } ?? value
        let v: Tensor = noGrad {
            let b = source.detached().cast(to: dtype)
            require(b.rank <= layout.shape.count && zip(b.shape.reversed(), layout.shape.reversed()).allSatisfy { $0 == $1 || $0 == 1 },
                    "subscript assignment: value of shape \(source.shape) cannot be broadcast to the selection's shape \(layout.shape)")
            let full = b.broadcastView(to: layout.shape)
            guard let perm = layout.perm else { return full.contiguous() }
            var inverse = [Int](repeating: 0, count: perm.count)
            for (i, p) in perm.enumerated() { inverse[p] = i }
            return full.permute(inverse).contiguous()
        }
        // Storage offset of each selected position's slice, and the rest axes' shape and strides.
        let others = (0..<view.rank).filter { !plan.axes.contains($0) }
        var offsets = [Int](repeating: view.offset, count: plan.linear.count)
        for (p, l) in plan.linear.enumerated() {
            var rem = l
            for (k, axis) in plan.axes.enumerated().reversed() {
                let (q, r) = rem.quotientAndRemainder(dividingBy: plan.indexedSizes[k])
                offsets[p] += r * view.strides[axis]
                rem = q
            }
        }
        let kernel = IndexPutKernel(target: view, offsets: offsets, restShape: others.map { view.shape[$0] },
                                    restStrides: others.map { view.strides[$0] }, source: v)
        if accumulate {
            dtype.dispatch(IndexPutAddKernel(put: kernel), op: "indexPut(accumulate: true)")
        } else {
            dtype.dispatch(kernel)
        }
    }

    /// A copy of `self` with `values` (broadcast) written into the positions `indices` select, or
    /// added to them with `accumulate` (PyTorch's `index_put`, with any subscript components:
    /// numbers, ranges, `.all`, `.newAxis`, int64 index tensors and bool masks).
    ///
    /// Without `accumulate` the last write wins where tensor indices repeat. Gradients: `self` gets
    /// the output's (zero where overwritten, unless `accumulate`), `values` the output's at the
    /// selected positions, summed over the axes it was broadcast along.
    public func indexPut(_ indices: [any TensorIndexConvertible], values: Tensor, accumulate: Bool = false) -> Tensor {
        indexPutting(indices.map(\.tensorIndex), values: values, accumulate: accumulate)
    }

    /// ``indexPut(_:values:accumulate:)`` on resolved subscript components.
    func indexPutting(_ components: [TensorIndex], values: Tensor, accumulate: Bool) -> Tensor {
        var out = detached()
        let source = values.literalNumber.map { Tensor(scalar: $0, dtype: dtype) } ?? values
        noGrad { out.assignAdvanced(source.detached(), at: components, accumulate: accumulate) }
        guard shouldRecord(self, source) else { return out }
        let valuesShape = source.shape
        let zero = Tensor(scalar: 0, dtype: dtype)
        return record("indexPut", self, source, out) { g in
            let gSelf = accumulate ? g : g.indexPutting(components, values: zero, accumulate: false)
            var picked = g.indexed(components)
            if picked.shape != valuesShape { picked = picked.sum(toShape: valuesShape) }
            return [gSelf, picked]
        }
    }
}

/// Copies the rows of contiguous `source` (`[positions, rest…]`) to the slices at `offsets` of
/// `target`'s storage, laid out by `restShape`/`restStrides`.
struct IndexPutKernel: TypedKernel {
    let target: Tensor, offsets: [Int], restShape: [Int], restStrides: [Int], source: Tensor

    func run<T: TensorScalar>(_: T.Type) { walk(T.self) { d, s in d = s } }

    @inline(__always)
    func walk<T: TensorScalar>(_: T.Type, _ write: (inout T, T) -> Void) {
        let dst = target.storage.pointer(T.self), src = source.storage.pointer(T.self) + source.offset
        let restCount = restShape.reduce(1, *)
        if restCount == 0 { return }
        if restShape.isEmpty {
            for (p, o) in offsets.enumerated() { write(&dst[o], src[p]) }
            return
        }
        let n = restShape.last!, ts = restStrides.last!
        let contiguousRest = Tensor.contiguousStrides(for: restShape)
        for (p, o) in offsets.enumerated() {
            forEachRow(shape: restShape, stridesA: restStrides, offsetA: o, stridesB: contiguousRest, offsetB: p * restCount) { _, a, b in
                for j in 0..<n { write(&dst[a + j * ts], src[b + j]) }
            }
        }
    }
}

/// `IndexPutKernel` adding instead of writing (`accumulate: true`).
struct IndexPutAddKernel: NumericKernel {
    let put: IndexPutKernel
    func run<T: NumericScalar>(_: T.Type) { put.walk(T.self) { d, s in d += s } }
}
