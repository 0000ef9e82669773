// Repetition: repeat and tile (whole copies of the tensor side by side) and repeatInterleave
// (each element or slice repeated in place). Gradients sum over the copies.

extension Tensor {
    /// The tensor repeated `repeats[k]` times along each axis (`torch.Tensor.repeat`, NumPy's `tile`).
    ///
    /// `repeats` has at least one entry per axis; extra entries add leading axes (the tensor is
    /// first viewed as `[1, …, 1] + shape`). The result has shape `paddedShape[k] · repeats[k]`
    /// and `out[i] = self[i mod paddedShape]`; a repeat of 0 gives an empty axis. The gradient
    /// sums the copies.
    public func `repeat`(_ repeats: [Int]) -> Tensor {
        require(repeats.count >= rank, """
            repeat: \(repeats.count) repeats \(repeats) for tensor of shape \(shape): give at least one per dimension
            """)
        require(repeats.allSatisfy { $0 >= 0 }, "repeat: repeats \(repeats) must be non-negative (shape \(shape))")
        let lead = repeats.count - rank
        let padded = [Int](repeating: 1, count: lead) + shape
        let paddedStrides = [Int](repeating: 0, count: lead) + strides
        let outShape = zip(padded, repeats).map(*)
        // The copies as one view [r0, d0, r1, d1, …] with stride 0 along each r, copied in one go.
        var viewShape: [Int] = [], viewStrides: [Int] = []
        for k in padded.indices {
            viewShape += [repeats[k], padded[k]]
            viewStrides += [0, paddedStrides[k]]
        }
        let copies = restrided(shape: viewShape, strides: viewStrides, offset: offset).materialized()
        let out = Tensor(storage: copies.storage, shape: outShape)
        let inShape = shape
        return recordUnary("repeat", self, out) { g in
            g.reshape(viewShape).sum(axes: Array(stride(from: 0, to: viewShape.count, by: 2))).reshape(inShape)
        }
    }

    /// The tensor tiled `reps[k]` times along each axis (`torch.tile`): as ``repeat(_:)``, but
    /// fewer `reps` than axes are padded with 1s on the left (`tile([2])` repeats the last axis).
    public func tile(_ reps: [Int]) -> Tensor {
        `repeat`([Int](repeating: 1, count: Swift.max(0, rank - reps.count)) + reps)
    }

    /// Each slice along `axis` repeated `repeats` times in place (`torch.repeat_interleave`):
    /// `[a, b]` with 2 repeats is `[a, a, b, b]`. Without `axis` the tensor is flattened first.
    /// The gradient sums each slice's copies.
    public func repeatInterleave(repeats: Int, axis: Int? = nil) -> Tensor {
        require(repeats >= 0, "repeatInterleave: repeats must be non-negative, got \(repeats)")
        return interleaved(counts: [repeats], axis: axis)
    }

    /// Slice `i` along `axis` repeated `repeats[i]` times in place (`torch.repeat_interleave` with a
    /// tensor of repeats): `repeats` is an int64 tensor of one entry (used for every slice, also as
    /// a 0-d tensor) or of one entry per slice. Without `axis` the tensor is flattened first.
    /// The output's size along `axis` is the sum of the repeats; the gradient sums each slice's copies.
    public func repeatInterleave(repeats: Tensor, axis: Int? = nil) -> Tensor {
        require(repeats.dtype == .int64, "repeatInterleave: repeats must be an int64 tensor, got \(repeats.dtype)")
        require(repeats.rank <= 1, "repeatInterleave: repeats must be a 0-d or 1-d tensor, got shape \(repeats.shape)")
        let counts = repeats.toArray(as: Int64.self).map { Int($0) }
        require(counts.allSatisfy { $0 >= 0 }, "repeatInterleave: repeats must be non-negative, got \(counts)")
        return interleaved(counts: counts, axis: axis)
    }

    /// The body of both ``repeatInterleave(repeats:axis:)-(Int,Int?)`` forms: `counts` has one entry
    /// (for every slice) or one per slice.
    private func interleaved(counts: [Int], axis: Int?) -> Tensor {
        guard let axis else {
            return reshape([-1]).interleaved(counts: counts, axis: 0)
        }
        let a = normalizedAxis(axis, op: "repeatInterleave")
        let n = shape[a]
        require(counts.count == 1 || counts.count == n, """
            repeatInterleave: \(counts.count) repeats for the \(n) slices along axis \(axis) of shape \(shape)
            """)
        let perSlice = counts.count == n ? counts : [Int](repeating: counts[0], count: n)
        let x = detached().contiguous()
        let (outer, inner) = (shape[..<a].reduce(1, *), shape[(a + 1)...].reduce(1, *))
        var outShape = shape
        outShape[a] = perSlice.reduce(0, +)
        let out = Tensor(uninitialized: outShape, dtype: dtype)
        dispatchWidth(dtype.byteSize, InterleaveKernel(src: x.rawBase, dst: out.rawBase, counts: perSlice,
                                                       outer: outer, inner: inner, total: outShape[a]))
        let inShape = shape
        return recordUnary("repeatInterleave", self, out) { g in
            inFloat32IfReduced(accumulating: g) { g in
                g.dtype.dispatch(SegmentSumKernel(g: g.contiguous(), counts: perSlice, outer: outer, inner: inner, inShape: inShape),
                                 op: "repeatInterleave backward")
            }
        }
    }
}

/// `torch.repeat_interleave(repeats)`: `i` repeated `repeats[i]` times, for the positions of a
/// 1-D int64 `repeats` (`[1, 3]` gives `[0, 1, 1, 1]`), an int64 tensor of `Σ repeats` elements.
public func repeatInterleave(_ repeats: Tensor) -> Tensor {
    require(repeats.rank == 1, "repeatInterleave: repeats must be 1-d, got shape \(repeats.shape)")
    return Tensor.arange(repeats.shape[0]).repeatInterleave(repeats: repeats, axis: 0)
}

/// Copies slice `i` (`inner` elements) of each of `outer` blocks `counts[i]` times.
private struct InterleaveKernel: WidthKernel {
    let src: UnsafeMutableRawPointer, dst: UnsafeMutableRawPointer
    let counts: [Int], outer: Int, inner: Int, total: Int
    func run<W: ElementBits>(_: W.Type) {
        let size = MemoryLayout<W>.stride
        let (n, block) = (counts.count, inner * size)
        if inner == 1, let r = counts.first, counts.allSatisfy({ $0 == r }) {
            // Every element the same number of times: one flat loop over all elements.
            ThreadPool.shared.parallelRanges(outer * n, grain: Swift.max(1, Movement.parallelGrain / Swift.max(r, 1))) { range in
                Self.spread(W.self, range, times: r, from: src, to: dst)
            }
            return
        }
        counts.withUnsafeBufferPointer { counts in
            let work = total * inner
            ThreadPool.shared.parallelRanges(outer, grain: Swift.max(1, Movement.parallelGrain / Swift.max(work, 1))) { range in
                for o in range {
                    var d = dst + o * total * block
                    var s = src + o * n * block
                    for i in 0..<n {
                        let r = counts[i]
                        if inner == 1 {
                            let v = s.load(as: W.self)
                            for t in 0..<r { d.storeBytes(of: v, toByteOffset: t * size, as: W.self) }
                        } else if r > 0 {
                            d.copyMemory(from: s, byteCount: block)
                            Movement.replicate(d, block: block, times: r)
                        }
                        d += r * block
                        s += block
                    }
                }
            }
        }
    }
}

extension InterleaveKernel {
    /// `dst[i·r + t] = src[i]` for `i` in `range`, `t < r`; the common small `r` unrolled.
    @inline(__always)
    static func spread<W: ElementBits>(_: W.Type, _ range: Range<Int>, times r: Int, from src: UnsafeMutableRawPointer,
                                        to dst: UnsafeMutableRawPointer) {
        let s = UnsafeRawPointer(src), size = MemoryLayout<W>.stride
        @inline(__always) func put(_ v: W, _ k: Int) { dst.storeBytes(of: v, toByteOffset: k * size, as: W.self) }
        switch r {
        case 2:
            for i in range { let v = s.load(fromByteOffset: i * size, as: W.self); put(v, 2 * i); put(v, 2 * i + 1) }
        case 3:
            for i in range { let v = s.load(fromByteOffset: i * size, as: W.self); put(v, 3 * i); put(v, 3 * i + 1); put(v, 3 * i + 2) }
        case 4:
            for i in range {
                let v = s.load(fromByteOffset: i * size, as: W.self)
                put(v, 4 * i); put(v, 4 * i + 1); put(v, 4 * i + 2); put(v, 4 * i + 3)
            }
        default:
            for i in range {
                let v = s.load(fromByteOffset: i * size, as: W.self)
                for t in 0..<r { put(v, r * i + t) }
            }
        }
    }
}

/// The gradient of repeatInterleave: each input slice gets the sum of its copies' gradients.
private struct SegmentSumKernel: NumericKernel {
    let g: Tensor, counts: [Int], outer: Int, inner: Int, inShape: [Int]
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        let out = Tensor.zeros(inShape, dtype: g.dtype)
        let total = counts.reduce(0, +)
        let src = g.storage.pointer(T.self) + g.offset, dst = out.storage.pointer(T.self)
        for o in 0..<outer {
            var s = src + o * total * inner
            var d = dst + o * counts.count * inner
            for r in counts {
                for _ in 0..<r {
                    for j in 0..<inner { d[j] += s[j] }
                    s += inner
                }
                d += inner
            }
        }
        return out
    }
}
