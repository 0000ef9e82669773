import CApusKernels

/// Element loops over storage: strided copy, elementwise maps, casting, fills.
///
/// Every kernel switches on the dtype once and then runs a loop specialised for the
/// element type. Contiguous operands take a flat loop; others are walked row by row.
enum Kernels {
    /// Elements per thread below which an elementwise loop stays on the calling thread.
    static let parallelGrain = 1 << 15

    /// Copies `src` into `dst` (same shape and dtype; `dst` may be a strided view and must own its storage).
    static func copy(from src: Tensor, into dst: inout Tensor) {
        require(src.shape == dst.shape && src.dtype == dst.dtype, "copy: \(src.shape) \(src.dtype) into \(dst.shape) \(dst.dtype)")
        // Elements of equal size copy alike whatever their type, so one loop per size serves all ten.
        switch src.dtype.byteSize {
        case 1: copyTyped(UInt8.self, src, &dst)
        case 2: copyTyped(UInt16.self, src, &dst)
        case 4: copyTyped(UInt32.self, src, &dst)
        default: copyTyped(UInt64.self, src, &dst)
        }
    }

    @inline(__always)
    static func copyTyped<T: FixedWidthInteger>(_: T.Type, _ src: Tensor, _ dst: inout Tensor) {
        let s = src.storage.raw.assumingMemoryBound(to: T.self)
        let d = dst.storage.raw.assumingMemoryBound(to: T.self)
        if src.isContiguous && dst.isContiguous {
            (d + dst.offset).update(from: s + src.offset, count: src.count)
            return
        }
        let n = src.shape.last ?? 1
        let ss = src.strides.last ?? 1, ds = dst.strides.last ?? 1
        forEachRow(shape: src.shape, stridesA: src.strides, offsetA: src.offset,
                   stridesB: dst.strides, offsetB: dst.offset) { _, oa, ob in
            for j in 0..<n { d[ob + j * ds] = s[oa + j * ss] }
        }
    }

    /// `out[i] = f(x[i])` into a new contiguous tensor of dtype `R`.
    @inline(__always)
    static func map<T: TensorScalar, R: TensorScalar>(_ x: Tensor, _: T.Type, to _: R.Type,
                                                       _ f: (T) -> R) -> Tensor {
        let out = Tensor(uninitialized: x.shape, dtype: R.dtype)
        let s = x.storage.pointer(T.self)
        let o = out.storage.pointer(R.self)
        if x.isContiguous {
            let p = s + x.offset
            for i in 0..<x.count { o[i] = f(p[i]) }
        } else {
            let n = x.shape.last ?? 1
            let xs = x.strides.last ?? 1
            forEachRow(shape: x.shape, stridesA: x.strides, offsetA: x.offset,
                       stridesB: [Int](repeating: 0, count: x.rank), offsetB: 0) { row, oa, _ in
                let base = row * n
                for j in 0..<n { o[base + j] = f(s[oa + j * xs]) }
            }
        }
        return out
    }

    /// `out[i] = f(a[i], b[i])` over the broadcast of `a` and `b` (both of dtype `T`) into a new tensor of dtype `R`.
    @inline(__always)
    static func zip<T: TensorScalar, R: TensorScalar>(_ a: Tensor, _ b: Tensor, _: T.Type, to _: R.Type,
                                                       shape: [Int], _ f: (T, T) -> R) -> Tensor {
        let ea = a.broadcastView(to: shape), eb = b.broadcastView(to: shape)
        let out = Tensor(uninitialized: shape, dtype: R.dtype)
        let pa = ea.storage.pointer(T.self), pb = eb.storage.pointer(T.self)
        let o = out.storage.pointer(R.self)
        let count = out.count
        if ea.isContiguous && eb.isContiguous {
            let xa = pa + ea.offset, xb = pb + eb.offset
            for i in 0..<count { o[i] = f(xa[i], xb[i]) }
        } else if b.count == 1 && ea.isContiguous {
            let xa = pa + ea.offset, xb = pb[eb.offset]
            for i in 0..<count { o[i] = f(xa[i], xb) }
        } else {
            return zipRows(ea, eb, pa, pb, o, out, f)
        }
        return out
    }

    @inline(__always)
    static func zipRows<T, R>(_ ea: Tensor, _ eb: Tensor, _ pa: UnsafeMutablePointer<T>, _ pb: UnsafeMutablePointer<T>,
                              _ o: UnsafeMutablePointer<R>, _ out: Tensor, _ f: (T, T) -> R) -> Tensor {
        let n = out.shape.last ?? 1
        let sa = ea.strides.last ?? 1, sb = eb.strides.last ?? 1
        forEachRow(shape: out.shape, stridesA: ea.strides, offsetA: ea.offset,
                   stridesB: eb.strides, offsetB: eb.offset) { row, oa, ob in
            let base = row * n
            if sa == 1 && sb == 1 {
                for j in 0..<n { o[base + j] = f(pa[oa + j], pb[ob + j]) }
            } else if sa == 1 && sb == 0 {
                let vb = pb[ob]
                for j in 0..<n { o[base + j] = f(pa[oa + j], vb) }
            } else if sa == 0 && sb == 1 {
                let va = pa[oa]
                for j in 0..<n { o[base + j] = f(va, pb[ob + j]) }
            } else {
                for j in 0..<n { o[base + j] = f(pa[oa + j * sa], pb[ob + j * sb]) }
            }
        }
        return out
    }

    /// Converts every element to `dtype`, as PyTorch converts (see ``TensorScalar``).
    static func cast(_ x: Tensor, to dtype: DType) -> Tensor {
        if x.dtype == dtype { return x }
        if x.isContiguous, let out = castFloat32Halves(x, to: dtype) { return out }
        return x.dtype.dispatch(CastFrom(x: x, dtype: dtype))
    }

    private struct CastFrom: TypedKernel {
        let x: Tensor, dtype: DType
        func run<S: TensorScalar>(_: S.Type) -> Tensor { dtype.dispatch(CastTo<S>(x: x)) }
    }

    private struct CastTo<S: TensorScalar>: TypedKernel {
        let x: Tensor
        func run<D: TensorScalar>(_: D.Type) -> Tensor { Kernels.map(x, S.self, to: D.self) { D(converting: $0) } }
    }

    /// float32 ↔ float16/bfloat16 of a contiguous tensor by the C target's vector conversions
    /// (split over the thread pool); nil for other pairs of types.
    private static func castFloat32Halves(_ x: Tensor, to dtype: DType) -> Tensor? {
        let convert: ((UnsafeRawPointer, UnsafeMutableRawPointer, Int) -> Void)
        switch (x.dtype, dtype) {
        case (.float32, .float16): convert = { apus_f32_to_f16($0.assumingMemoryBound(to: Float.self), $1.assumingMemoryBound(to: UInt16.self), $2) }
        case (.float16, .float32): convert = { apus_f16_to_f32($0.assumingMemoryBound(to: UInt16.self), $1.assumingMemoryBound(to: Float.self), $2) }
        case (.float32, .bfloat16): convert = { apus_f32_to_bf16($0.assumingMemoryBound(to: Float.self), $1.assumingMemoryBound(to: UInt16.self), $2) }
        case (.bfloat16, .float32): convert = { apus_bf16_to_f32($0.assumingMemoryBound(to: UInt16.self), $1.assumingMemoryBound(to: Float.self), $2) }
        default: return nil
        }
        let out = Tensor(uninitialized: x.shape, dtype: dtype)
        let src = UnsafeRawPointer(x.storage.raw + x.offset * x.dtype.byteSize), dst = out.storage.raw
        let (inSize, outSize) = (x.dtype.byteSize, dtype.byteSize)
        ThreadPool.shared.parallelRanges(x.count, grain: 1 << 15) { r in
            convert(src + r.lowerBound * inSize, dst + r.lowerBound * outSize, r.count)
        }
        return out
    }

    /// Fills a contiguous tensor with one value.
    static func fill(_ t: inout Tensor, with value: Double) {
        struct Fill: TypedKernel {
            let storage: Storage, count: Int, value: Double
            func run<T: TensorScalar>(_: T.Type) { storage.pointer(T.self).update(repeating: T(fromDouble: value), count: count) }
        }
        t.dtype.dispatch(Fill(storage: t.storage, count: t.count, value: value))
    }
}

extension Kernels {
    /// Adds `row` (`[n]`) to every row of the contiguous, uniquely owned `[…, n]` tensor `x`, in place.
    static func addRowVector(_ row: Tensor, to x: inout Tensor) {
        x.makeStorageUnique()
        let r = row.contiguous()
        func run<T: FloatScalar>(_: T.Type) {
            let n = r.count, rows = x.count / Swift.max(n, 1)
            let p = x.storage.pointer(T.self) + x.offset, b = r.storage.pointer(T.self) + r.offset
            for i in 0..<rows {
                let row = p + i * n
                for j in 0..<n { row[j] += b[j] }
            }
        }
        switch x.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        default: fatalError("addRowVector: expected floating point, got \(x.dtype)")
        }
    }
}
