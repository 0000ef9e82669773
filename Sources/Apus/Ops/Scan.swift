// Cumulative operations along one axis: cumsum, cumprod, cummax, cummin, logcumsumexp. Each is
// one pass over the input seen as [outer, n, inner] blocks (ReductionLayout with the one axis),
// and so is each gradient.

private enum ScanKind { case sum, product, logSumExp }

/// A cumulative sum, product or log-sum-exp of a floating-point block (no autograd).
private struct FloatScanKernel: FloatingPointKernel {
    let layout: ReductionLayout, kind: ScanKind, reverse: Bool
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let out = Tensor(uninitialized: layout.orderedShape, dtype: T.dtype)
        let (src, dst) = (layout.block.elementPointer(T.self), out.storage.pointer(T.self))
        let (o, n, i) = (layout.outer, layout.length, layout.inner)
        switch kind {
        case .sum: Kernels.scan(AddStep<T>(), src, dst, outer: o, n: n, inner: i, reverse: reverse)
        case .product: Kernels.scan(MultiplyStep<T>(), src, dst, outer: o, n: n, inner: i, reverse: reverse)
        case .logSumExp: Kernels.scan(LogAddExpStep<T>(), src, dst, outer: o, n: n, inner: i, reverse: reverse)
        }
        return out
    }
}

/// The gradient of cumprod or logcumsumexp from the input, the output and the output's gradient.
private struct ScanBackwardKernel: FloatingPointKernel {
    let layout: ReductionLayout, out: Tensor, g: Tensor, kind: ScanKind
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let grad = Tensor(uninitialized: layout.orderedShape, dtype: T.dtype)
        let (x, o, gp) = (layout.block.elementPointer(T.self), out.elementPointer(T.self), g.elementPointer(T.self))
        let dst = grad.storage.pointer(T.self)
        if kind == .product {
            Kernels.cumprodBackward(x: x, out: o, g: gp, into: dst, outer: layout.outer, n: layout.length, inner: layout.inner)
        } else {
            Kernels.logcumsumexpBackward(x: x, out: o, g: gp, into: dst, outer: layout.outer, n: layout.length, inner: layout.inner)
        }
        return grad
    }
}

private struct CumulativeExtremeKernel: NumericKernel {
    let layout: ReductionLayout, largest: Bool
    func run<T: NumericScalar>(_: T.Type) -> (values: Tensor, indices: Tensor) {
        let values = Tensor(uninitialized: layout.orderedShape, dtype: T.dtype)
        let indices = Tensor(uninitialized: layout.orderedShape, dtype: .int64)
        Kernels.cumulativeExtreme(layout.block.elementPointer(T.self), values: values.storage.pointer(T.self),
                                  indices: indices.storage.pointer(Int64.self), outer: layout.outer, n: layout.length,
                                  inner: layout.inner, largest: largest)
        return (values, indices)
    }
}

extension Tensor {
    /// The layout of a cumulative op along `axis` (a rank-0 tensor takes axis 0 or −1).
    private func scanLayout(_ axis: Int, op: String) -> ReductionLayout {
        ReductionLayout(self, axes: [axis], keepDims: true, op: op)
    }

    /// A cumulative sum or product along `axis` of a float32/float64 or int64 tensor (no autograd).
    private func scanned(_ layout: ReductionLayout, _ kind: ScanKind, reverse: Bool = false, op: String) -> Tensor {
        if dtype == .int64 {
            let out = Tensor(uninitialized: layout.orderedShape, dtype: .int64)
            let (src, dst) = (layout.block.elementPointer(Int64.self), out.storage.pointer(Int64.self))
            if kind == .sum {
                Kernels.scan(WrappingAddStep(), src, dst, outer: layout.outer, n: layout.length, inner: layout.inner, reverse: reverse)
            } else {
                Kernels.scan(WrappingMultiplyStep(), src, dst, outer: layout.outer, n: layout.length, inner: layout.inner, reverse: reverse)
            }
            return out
        }
        return dtype.dispatchFloatingPoint(FloatScanKernel(layout: layout, kind: kind, reverse: reverse), op: op)
    }

    /// Running sums along `axis`, `out[i] = x[0] + … + x[i]`, as `torch.cumsum`; the shape stays.
    /// Integers and booleans sum to int64 (wrapping around on overflow). The gradient is the running
    /// sum of the output's gradient from the end.
    public func cumsum(axis: Int) -> Tensor {
        let x = reductionOperand(integersToInt64: true)
        let layout = x.scanLayout(axis, op: "cumsum")
        let out = x.scanned(layout, .sum, op: "cumsum")
        let result = recordUnary("cumsum", x, out) { g in
            let gl = g.scanLayout(axis, op: "cumsum backward")
            return g.scanned(gl, .sum, reverse: true, op: "cumsum backward")
        }
        return dtype.isFloatingPoint ? result.cast(to: dtype) : result
    }

    /// Running products along `axis`, `out[i] = x[0] · … · x[i]`, as `torch.cumprod`; the shape
    /// stays. Integers and booleans multiply as int64 (wrapping around on overflow).
    ///
    /// The gradient is PyTorch's also with zeros in `x`: nothing is divided by 0; after a line's
    /// first zero it is 0, and at that zero it is the sum of the later products without it.
    public func cumprod(axis: Int) -> Tensor {
        let x = reductionOperand(integersToInt64: true)
        let layout = x.scanLayout(axis, op: "cumprod")
        let out = x.scanned(layout, .product, op: "cumprod")
        let values = out.detached()
        let result = recordUnary("cumprod", x, out) { g in
            g.dtype.dispatchFloatingPoint(ScanBackwardKernel(layout: layout, out: values, g: g.contiguous(), kind: .product),
                                          op: "cumprod backward")
        }
        return dtype.isFloatingPoint ? result.cast(to: dtype) : result
    }

    /// `log Σ_{j≤i} exp(x[j])` along `axis`, as `torch.logcumsumexp`, stable for large and
    /// small values (each step is `max + log1p(exp(min − max))`). Floating-point tensors only.
    public func logcumsumexp(axis: Int) -> Tensor {
        requireFloatingPoint("logcumsumexp")
        let x = reductionOperand(integersToInt64: false)
        let layout = x.scanLayout(axis, op: "logcumsumexp")
        let out = x.scanned(layout, .logSumExp, op: "logcumsumexp")
        let values = out.detached()
        let result = recordUnary("logcumsumexp", x, out) { g in
            g.dtype.dispatchFloatingPoint(ScanBackwardKernel(layout: layout, out: values, g: g.contiguous(), kind: .logSumExp),
                                          op: "logcumsumexp backward")
        }
        return result.cast(to: dtype)
    }

    /// Running maximum along `axis` and the index where it was found, as `torch.cummax`: the last
    /// index among equal values, and once a NaN is met it is the maximum from there on. Both
    /// outputs have the input's shape; `values` its dtype, `indices` int64. The gradient of each
    /// value goes to the element it came from.
    public func cummax(axis: Int) -> (values: Tensor, indices: Tensor) { cumulativeExtreme(axis: axis, largest: true) }

    /// Running minimum along `axis` and the index where it was found, as `torch.cummin`; see ``cummax(axis:)``.
    public func cummin(axis: Int) -> (values: Tensor, indices: Tensor) { cumulativeExtreme(axis: axis, largest: false) }

    private func cumulativeExtreme(axis: Int, largest: Bool) -> (values: Tensor, indices: Tensor) {
        let op = largest ? "cummax" : "cummin"
        let x = dtype == .bool ? cast(to: .int64) : reductionOperand(integersToInt64: false)
        let layout = x.scanLayout(axis, op: op)
        let (out, indices) = x.dtype.dispatch(CumulativeExtremeKernel(layout: layout, largest: largest), op: op)
        if dtype == .bool { return (out.cast(to: .bool), indices) }
        let values = recordUnary(op, x, out) { g in
            g.dtype.dispatchFloatingPoint(ScatterAlongAxisKernel(g: g, index: indices, outer: layout.outer, m: layout.length,
                                                                 n: layout.length, inner: layout.inner, shape: layout.orderedShape),
                                          op: "\(op) backward")
        }
        return (values.cast(to: dtype), indices)
    }
}
