extension Tensor {
    /// A tensor of `shape` filled with zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor(shape: shape, dtype: dtype, zeroed: true)
    }

    /// A tensor of `shape` filled with ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        full(shape, value: 1, dtype: dtype)
    }

    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32) -> Tensor {
        var t = Tensor(uninitialized: shape, dtype: dtype)
        Kernels.fill(&t, with: value)
        return t
    }

    /// Zeros with the shape and dtype of `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape, dtype: other.dtype) }
    /// Ones with the shape and dtype of `other`.
    public static func ones(like other: Tensor) -> Tensor { ones(other.shape, dtype: other.dtype) }

    /// Values `start, start+step, …` below `end` (as `torch.arange`).
    ///
    /// Without `dtype` the result is int64 when `start`, `end` and `step` are whole numbers and
    /// float32 otherwise, so `arange(0, 1, step: 0.25)` is `[0, 0.25, 0.5, 0.75]`.
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType? = nil) -> Tensor {
        require(step != 0, "arange: step must be non-zero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        let whole = [start, end, step].allSatisfy { $0.rounded() == $0 }
        return Tensor(shape: [n], values: (0..<n).map { start + Double($0) * step },
                      dtype: dtype ?? (whole ? .int64 : .float32))
    }

    /// Integers `0..<end` as int64.
    public static func arange(_ end: Int) -> Tensor {
        Tensor(scalars: (0..<Int64(Swift.max(end, 0))).map { $0 })
    }

    /// `count` evenly spaced values from `start` to `end` inclusive (just `start` when `count` is 1).
    public static func linspace(_ start: Double, _ end: Double, count: Int, dtype: DType = .float32) -> Tensor {
        require(count >= 0, "linspace: count must be non-negative, got \(count)")
        let step = count > 1 ? (end - start) / Double(count - 1) : 0
        return Tensor(shape: [count], values: (0..<count).map { i in
            count > 1 && i == count - 1 ? end : start + Double(i) * step
        }, dtype: dtype)
    }

    /// The `n×m` identity matrix (`m` defaults to `n`).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) -> Tensor {
        let m = m ?? n
        var values = [Double](repeating: 0, count: n * m)
        for i in 0..<Swift.min(n, m) { values[i * m + i] = 1 }
        return Tensor(shape: [n, m], values: values, dtype: dtype)
    }
}
