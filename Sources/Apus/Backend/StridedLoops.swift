/// Walks the rows (innermost dimension) of an n-d iteration space over two strided operands.
///
/// `body(rowIndex, offsetA, offsetB)` runs once per row; the caller loops over the row itself
/// with the innermost strides, so the per-element work stays a tight loop.
@inline(__always)
func forEachRow(shape: [Int], stridesA: [Int], offsetA: Int, stridesB: [Int], offsetB: Int,
                _ body: (_ row: Int, _ a: Int, _ b: Int) -> Void) {
    let rank = shape.count
    if rank <= 1 { body(0, offsetA, offsetB); return }
    let outerRank = rank - 1
    var rows = 1
    for d in 0..<outerRank { rows *= shape[d] }
    if rows == 0 || shape[rank - 1] == 0 { return }
    var index = [Int](repeating: 0, count: outerRank)
    var oa = offsetA, ob = offsetB
    for row in 0..<rows {
        body(row, oa, ob)
        // Increment the multi-index like an odometer, updating offsets incrementally.
        var d = outerRank - 1
        while d >= 0 {
            index[d] += 1
            oa += stridesA[d]
            ob += stridesB[d]
            if index[d] < shape[d] { break }
            oa -= stridesA[d] * shape[d]
            ob -= stridesB[d] * shape[d]
            index[d] = 0
            d -= 1
        }
    }
}

/// Shape two shapes broadcast to (NumPy rules), stopping with a message naming `op` when they cannot.
func broadcastShapes(_ a: [Int], _ b: [Int], op: String) -> [Int] {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        require(da == db || da == 1 || db == 1,
                     "\(op): shapes \(a) and \(b) cannot be broadcast together")
        out[i] = da == 1 ? db : da
    }
    return out
}
