// Einstein summation (`torch.einsum`): the equation's parser, and the contraction that evaluates
// it pair by pair through the GEMM. tensordot, inner and multi-operand products reuse the
// contraction with labels of their own.

/// Einstein summation over `operands` as `torch.einsum`: `einsum("bij,bjk->bik", a, b)` is a batched
/// matrix product, `einsum("ii", m)` a trace, `einsum("...ij->...ji", x)` a transpose of the last
/// two dimensions.
///
/// The equation names each operand's dimensions with letters (`a`–`z`, `A`–`Z`), separated by
/// commas, optionally followed by `->` and the output's letters. Spaces are ignored.
/// - A letter that appears in several operands runs over the same values in each (their sizes
///   match, or one of them is 1 and broadcasts); a letter repeated within one operand takes its
///   diagonal (`ii->i`, `iij->j`).
/// - Letters absent from the output are summed over (an empty range sums to 0).
/// - Without `->` the output is the letters that appear exactly once, in alphabetical order
///   (upper case first), after the ellipsis dimensions.
/// - `...` stands for the dimensions an operand has beyond its letters; those of all operands
///   broadcast against each other (aligned on the right) and take the place of `...` in the
///   output, or are summed when the output has none.
///
/// Evaluation: repeated letters become strided diagonal views, letters found in one operand only
/// and not in the output are summed first, then operands are contracted two at a time, each time
/// the pair of least work (multiply-adds), so `"ij,jk,k->i"` multiplies the matrix by the vector
/// before the other matrix. Each pair becomes one batched matrix product: the letters both share
/// and still need are batch dimensions, those they share and no longer need form the inner
/// dimension, and each side's own letters its rows or columns; the operands are permuted (views)
/// and their groups merged without copies where the strides allow, so `"bij,bjk->bik"` and
/// `"bhqd,bhkd->bhqk"` run as ``matmul(_:_:)`` on the operands themselves. A pair without a
/// shared letter to sum over (`"i,j->ij"`, `"ij,ij->ij"`) is an elementwise product. The result is
/// returned as a view permuted into the output's order.
///
/// int64 operands give int64 results; mixed dtypes are promoted (PyTorch refuses most mixes), bool
/// operands are refused. Gradients flow to every floating-point operand. An equation that does
/// not fit the operands (count, ranks, sizes, unknown characters, output letters not in the
/// inputs or repeated) stops with a message naming the equation and the shapes.
public func einsum(_ equation: String, _ operands: Tensor...) -> Tensor { einsum(equation, operands) }

/// Einstein summation over an array of operands: the same as the variadic `einsum(equation, a, b)`.
public func einsum(_ equation: String, _ operands: [Tensor]) -> Tensor {
    let parsed = EinsumEquation(equation, shapes: operands.map(\.shape))
    for (i, x) in operands.enumerated() {
        require(x.dtype != .bool, "einsum(\"\(equation)\"): operand \(i) is a bool tensor (shapes \(operands.map(\.shape))); cast it first")
    }
    let dtype = operands.dropFirst().reduce(operands[0].dtype) { DType.promoted($0, $1.dtype) }
    let labeled = zip(operands, parsed.inputs).map { LabeledTensor($0.cast(to: dtype), $1) }
    return Contraction.evaluate(labeled, output: parsed.output)
}

/// A parsed equation: each operand's dimensions and the output's as label numbers. Letters are
/// 0..<52 (`A`–`Z` then `a`–`z`, so numeric order is alphabetical order); the dimensions an
/// ellipsis covers are 52, 53, … aligned on the right across operands.
struct EinsumEquation {
    var inputs: [[Int]]
    var output: [Int]

    static let ellipsisBase = 52

    /// Parses `equation` for operands of `shapes`; stops with a message naming both when they do not fit.
    init(_ equation: String, shapes: [[Int]]) {
        func fail(_ why: String) -> Never {
            fatalError(einsumMessage(equation, shapes, why))
        }
        func check(_ condition: Bool, _ why: @autoclosure () -> String) {
            if !condition { fail(why()) }
        }
        check(!shapes.isEmpty, "at least one operand is needed")

        // One term per operand and the output: letters and where the ellipsis is (nil: none).
        struct Term { var letters: [Int] = []; var ellipsis: Int? = nil }
        var terms = [Term()]
        var output: Term? = nil
        let chars = Array(equation.utf8)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let what = output == nil ? "operand \(terms.count - 1)" : "the output"
            switch c {
            case UInt8(ascii: " "):
                i += 1
            case UInt8(ascii: ","):
                check(output == nil, "',' at index \(i) is in the output")
                terms.append(Term())
                i += 1
            case UInt8(ascii: "-"):
                check(output == nil && i + 1 < chars.count && chars[i + 1] == UInt8(ascii: ">"),
                      "invalid character '-' at index \(i) (subscripts are letters a-z, A-Z, '...', ',' and one '->')")
                output = Term()
                i += 2
            case UInt8(ascii: "."):
                check(i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c,
                      "'.' at index \(i) is not part of an ellipsis '...'")
                if output != nil {
                    check(output!.ellipsis == nil, "the output has two ellipses")
                    output!.ellipsis = output!.letters.count
                } else {
                    check(terms[terms.count - 1].ellipsis == nil, "\(what) has two ellipses")
                    terms[terms.count - 1].ellipsis = terms[terms.count - 1].letters.count
                }
                i += 3
            default:
                let label: Int
                if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") {
                    label = Int(c - UInt8(ascii: "A"))
                } else if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") {
                    label = 26 + Int(c - UInt8(ascii: "a"))
                } else {
                    fail("invalid character '\(String(decoding: [c], as: UTF8.self))' at index \(i) (subscripts are letters a-z, A-Z, '...', ',' and one '->')")
                }
                if output != nil { output!.letters.append(label) } else { terms[terms.count - 1].letters.append(label) }
                i += 1
            }
        }
        check(terms.count == shapes.count,
              "the equation names \(terms.count) operand\(terms.count == 1 ? "" : "s"), \(shapes.count) \(shapes.count == 1 ? "was" : "were") given")

        // Ellipsis dimensions of each operand, then every operand's labels.
        var covered = [Int](repeating: 0, count: shapes.count)
        for (k, term) in terms.enumerated() {
            let rank = shapes[k].count
            if term.ellipsis != nil {
                check(term.letters.count <= rank,
                      "operand \(k) has \(term.letters.count) subscripts and \(rank) dimensions (shape \(shapes[k]))")
                covered[k] = rank - term.letters.count
            } else {
                check(term.letters.count == rank,
                      "operand \(k) has \(term.letters.count) subscripts and \(rank) dimensions (shape \(shapes[k])), and no ellipsis")
            }
        }
        let ellipsisRank = covered.max() ?? 0
        let ellipsisLabels = (0..<ellipsisRank).map { Self.ellipsisBase + $0 }
        inputs = terms.enumerated().map { k, term in
            guard let at = term.ellipsis else { return term.letters }
            return Array(term.letters[..<at]) + ellipsisLabels.suffix(covered[k]) + Array(term.letters[at...])
        }

        // Sizes: equal within an operand (a diagonal), equal or 1 across operands.
        var sizes: [Int: (size: Int, operand: Int)] = [:]
        for (k, labels) in inputs.enumerated() {
            var own: [Int: Int] = [:]
            for (d, label) in labels.enumerated() {
                let size = shapes[k][d]
                if let seen = own[label] {
                    check(seen == size, "subscript \(Self.name(label)) is repeated in operand \(k) with sizes \(seen) and \(size)")
                    continue
                }
                own[label] = size
                if let seen = sizes[label] {
                    check(seen.size == size || seen.size == 1 || size == 1,
                          "subscript \(Self.name(label)) has size \(seen.size) in operand \(seen.operand) and \(size) in operand \(k), which do not broadcast")
                    if seen.size == 1 { sizes[label] = (size, k) }
                } else {
                    sizes[label] = (size, k)
                }
            }
        }

        if let out = output {
            for (j, label) in out.letters.enumerated() {
                check(sizes[label] != nil, "output subscript \(Self.name(label)) does not appear in any operand")
                check(!out.letters[..<j].contains(label), "output subscript \(Self.name(label)) appears more than once")
            }
            if let at = out.ellipsis {
                self.output = Array(out.letters[..<at]) + ellipsisLabels + Array(out.letters[at...])
            } else {
                self.output = out.letters
            }
        } else {
            var counts = [Int](repeating: 0, count: Self.ellipsisBase)
            for term in terms { for l in term.letters { counts[l] += 1 } }
            self.output = ellipsisLabels + (0..<Self.ellipsisBase).filter { counts[$0] == 1 }
        }
    }

    /// How a label is written in the equation (`"i"`, `"B"`, or `"..."` for ellipsis dimensions).
    static func name(_ label: Int) -> String {
        switch label {
        case 0..<26: String(UnicodeScalar(UInt8(ascii: "A") + UInt8(label)))
        case 26..<52: String(UnicodeScalar(UInt8(ascii: "a") + UInt8(label - 26)))
        default: "..."
        }
    }
}

/// `einsum("EQUATION") with operands of shapes [..], [..]: WHY`.
private func einsumMessage(_ equation: String, _ shapes: [[Int]], _ why: String) -> String {
    "einsum(\"\(equation)\") with operands of shapes \(shapes.map { "\($0)" }.joined(separator: ", ")): \(why)"
}

/// A tensor whose dimensions carry labels (distinct after ``Contraction/distinct(_:)``).
struct LabeledTensor {
    var tensor: Tensor
    var labels: [Int]

    init(_ tensor: Tensor, _ labels: [Int]) {
        self.tensor = tensor
        self.labels = labels
    }

    func size(_ label: Int) -> Int { tensor.shape[labels.firstIndex(of: label)!] }
}

/// Evaluation of a labelled product: diagonals, sums, pairwise contractions through the GEMM.
/// Callers have checked the labels against the shapes (a label's sizes agree or are 1).
enum Contraction {
    /// Σ over every label not in `output` of the product of `operands`, as a tensor whose
    /// dimensions are `output`'s labels in order.
    static func evaluate(_ operands: [LabeledTensor], output: [Int]) -> Tensor {
        var terms = operands.map(distinct)
        let outputSet = Set(output)
        // A label only one operand has, and the output lacks, is summed right away.
        for k in terms.indices {
            let elsewhere = Set(terms.indices.filter { $0 != k }.flatMap { terms[$0].labels })
            terms[k] = sumOut(terms[k], terms[k].labels.filter { !outputSet.contains($0) && !elsewhere.contains($0) })
        }
        while terms.count > 1 {
            let (i, j) = cheapestPair(terms)
            let keep = outputSet.union(terms.indices.filter { $0 != i && $0 != j }.flatMap { terms[$0].labels })
            terms[i] = contractPair(terms[i], terms[j], keep: keep)
            terms.remove(at: j)
        }
        let result = sumOut(terms[0], terms[0].labels.filter { !outputSet.contains($0) })
        let order = output.map { result.labels.firstIndex(of: $0)! }
        // Already in order after a contraction: the product itself (a lone operand gets a view,
        // so that the result is never the operand).
        if operands.count > 1 && order == Array(order.indices) { return result.tensor }
        return result.tensor.permute(order)
    }

    /// The pair (i < j) whose contraction takes the fewest multiply-adds (the product of the sizes
    /// of every label either has), then the smallest result, then the leftmost.
    static func cheapestPair(_ terms: [LabeledTensor]) -> (Int, Int) {
        var best = (0, 1), bestCost = (Int.max, Int.max)
        for i in terms.indices {
            for j in (i + 1)..<terms.count {
                var sizes: [Int: Int] = [:]
                for t in [terms[i], terms[j]] {
                    for (d, l) in t.labels.enumerated() { sizes[l] = Swift.max(sizes[l] ?? 0, t.tensor.shape[d]) }
                }
                let work = sizes.values.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
                let shared = Set(terms[i].labels).intersection(terms[j].labels)
                let result = sizes.filter { !shared.contains($0.key) }.values.reduce(1) {
                    $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1
                }
                if (work, result) < bestCost { (best, bestCost) = ((i, j), (work, result)) }
            }
        }
        return best
    }

    /// The operand with each repeated label's dimensions walked together (a strided view of the
    /// diagonal, as `torch.diagonal`), so every label appears once.
    static func distinct(_ x: LabeledTensor) -> LabeledTensor {
        var labels: [Int] = [], groups: [[Int]] = []
        for (d, l) in x.labels.enumerated() {
            if let g = labels.firstIndex(of: l) { groups[g].append(d) } else { labels.append(l); groups.append([d]) }
        }
        if labels.count == x.labels.count { return x }
        let input = x.tensor, inShape = input.shape
        let out = diagonalView(input, groups)
        return LabeledTensor(recordUnary("diagonal", input, out) { g in
            Tensor.scatteredIntoZeros(g, shape: inShape) { diagonalView($0, groups) }
        }, labels)
    }

    /// The view of `t` whose dimension `i` steps through the dimensions `groups[i]` of `t` at once.
    private static func diagonalView(_ t: Tensor, _ groups: [[Int]]) -> Tensor {
        Tensor(storage: t.storage, shape: groups.map { t.shape[$0[0]] },
               strides: groups.map { $0.reduce(0) { $0 + t.strides[$1] } }, offset: t.offset)
    }

    /// `x` summed over `labels` (those dimensions removed).
    static func sumOut(_ x: LabeledTensor, _ labels: [Int]) -> LabeledTensor {
        if labels.isEmpty { return x }
        let axes = labels.map { x.labels.firstIndex(of: $0)! }
        return LabeledTensor(x.tensor.sum(axes: axes), x.labels.filter { !labels.contains($0) })
    }

    /// Σ over the labels `x` and `y` share and `keep` lacks of `x · y`; labels of one side that
    /// `keep` lacks are summed first. The result's labels: shared ones kept (batch), then `x`'s
    /// own, then `y`'s own.
    static func contractPair(_ x: LabeledTensor, _ y: LabeledTensor, keep: Set<Int>) -> LabeledTensor {
        var x = sumOut(x, x.labels.filter { !y.labels.contains($0) && !keep.contains($0) })
        var y = sumOut(y, y.labels.filter { !x.labels.contains($0) && !keep.contains($0) })
        // A summed label of size 1 on one side only: Σₖ x[0] y[k] = x[0] · Σₖ y[k].
        for l in x.labels where y.labels.contains(l) && !keep.contains(l) && x.size(l) != y.size(l) {
            if x.size(l) == 1 { y = sumOut(y, [l]); x = dropUnit(x, l) } else { x = sumOut(x, [l]); y = dropUnit(y, l) }
        }
        let batch = x.labels.filter { y.labels.contains($0) && keep.contains($0) }
        let inner = x.labels.filter { y.labels.contains($0) && !keep.contains($0) }
        let rows = x.labels.filter { !y.labels.contains($0) }
        let columns = y.labels.filter { !x.labels.contains($0) }
        let xt = x.tensor.permute((batch + rows + inner).map { x.labels.firstIndex(of: $0)! })
        let yt = y.tensor.permute((batch + inner + columns).map { y.labels.firstIndex(of: $0)! })
        let labels = batch + rows + columns
        if inner.isEmpty {
            // Nothing to sum: an elementwise product, x as [batch, rows, 1…], y as [batch, 1…, columns].
            let xs = merged(xt, from: batch.count + rows.count, groups: [Int](repeating: 0, count: columns.count))
            let ys = merged(yt, from: batch.count, groups: [Int](repeating: 0, count: rows.count) + [Int](repeating: 1, count: columns.count))
            return LabeledTensor(xs * ys, labels)
        }
        // [batch…, M, K] · [batch…, K, N] → [batch…, M, N] → [batch…, rows…, columns…].
        let b = batch.count
        let product = matmul(merged(xt, from: b, groups: [rows.count, inner.count]),
                             merged(yt, from: b, groups: [inner.count, columns.count]))
        let shape = Array(product.shape[..<b]) + rows.map { x.size($0) } + columns.map { y.size($0) }
        return LabeledTensor(product.reshape(shape), labels)
    }

    /// `x` without its size-1 dimension `label`.
    private static func dropUnit(_ x: LabeledTensor, _ label: Int) -> LabeledTensor {
        LabeledTensor(x.tensor.squeezed(axis: x.labels.firstIndex(of: label)!), x.labels.filter { $0 != label })
    }

    /// `t` with its dimensions from `start` on merged into one per group (`groups` counts the
    /// dimensions of each; an empty group gives a dimension of size 1): a view when each group's
    /// strides nest, as after a permutation of a contiguous tensor that kept the group in order,
    /// else a contiguous copy.
    static func merged(_ t: Tensor, from start: Int, groups: [Int]) -> Tensor {
        var shape = Array(t.shape[..<start]), strides = Array(t.strides[..<start])
        var d = start, viewable = !t.shape.contains(0)
        for count in groups {
            let dims = (d..<(d + count)).filter { t.shape[$0] != 1 }
            shape.append(t.shape[d..<(d + count)].reduce(1, *))
            strides.append(dims.last.map { t.strides[$0] } ?? 1)
            for (p, q) in zip(dims, dims.dropFirst()) where t.strides[p] != t.strides[q] * t.shape[q] { viewable = false }
            d += count
        }
        if shape == t.shape { return t }
        guard viewable else { return t.reshape(shape) }
        let inShape = t.shape
        let out = Tensor(storage: t.storage, shape: shape, strides: strides, offset: t.offset)
        return recordUnary("reshape", t, out) { g in g.reshape(inShape) }
    }
}
