extension Kernels {
    /// Reduces each row of a contiguous `[rows, length]` block with `f`, starting from `initial`.
    @inline(__always)
    static func reduceRows<T: TensorScalar, R: TensorScalar>(
        _ x: Tensor, rows: Int, length: Int, _: T.Type, to _: R.Type,
        _ body: (UnsafePointer<T>, Int) -> R
    ) -> [R] {
        require(x.isContiguous, "reduceRows: expected a contiguous block")
        let p = UnsafePointer(x.storage.pointer(T.self) + x.offset)
        var out = [R]()
        out.reserveCapacity(rows)
        for r in 0..<rows { out.append(body(p + r * length, length)) }
        return out
    }

    /// Sum of `n` contiguous values, accumulated in 8 lanes for speed and accuracy.
    @inline(__always)
    static func sum<T: FloatScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        var acc = (T.zero, T.zero, T.zero, T.zero, T.zero, T.zero, T.zero, T.zero)
        var i = 0
        while i + 8 <= n {
            acc.0 += p[i]; acc.1 += p[i + 1]; acc.2 += p[i + 2]; acc.3 += p[i + 3]
            acc.4 += p[i + 4]; acc.5 += p[i + 5]; acc.6 += p[i + 6]; acc.7 += p[i + 7]
            i += 8
        }
        var s = ((acc.0 + acc.1) + (acc.2 + acc.3)) + ((acc.4 + acc.5) + (acc.6 + acc.7))
        while i < n { s += p[i]; i += 1 }
        return s
    }

    /// Index of the first largest (or smallest) of `n` values; NaN counts as largest, as in PyTorch.
    @inline(__always)
    static func argExtreme<T: TensorScalar & Comparable>(_ p: UnsafePointer<T>, _ n: Int, largest: Bool) -> Int {
        var best = 0
        for i in 1..<max(n, 1) {
            let v = p[i], b = p[best]
            if b != b { break }  // the first NaN wins
            if v != v { best = i; break }
            if largest ? v > b : v < b { best = i }
        }
        return best
    }
}

extension Kernels {
    /// Column sums of a contiguous `[rows, n]` block: `out[j] = Σᵢ x[i, j]`, as a new `[n]` tensor.
    static func sumLeadingRows(_ x: Tensor, rows: Int, columns n: Int) -> Tensor {
        var out = Tensor.zeros([n], dtype: x.dtype)
        out.node = nil
        func run<T: FloatScalar>(_: T.Type) {
            let p = x.storage.pointer(T.self) + x.offset, o = out.storage.pointer(T.self)
            for i in 0..<rows {
                let row = p + i * n
                for j in 0..<n { o[j] += row[j] }
            }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        default: fatalError("sumLeadingRows: expected floating point, got \(x.dtype)")
        }
        return out
    }
}
