import CApusKernels

/// Fused, in-place parameter updates: one pass over each parameter instead of a dozen
/// whole-tensor ops, with no temporaries.
enum UpdateKernels {
    /// Adam's moment and parameter update for one parameter (see ``Adam``), in place.
    static func adam(value: inout Tensor, grad: Tensor, firstMoment: inout Tensor, secondMoment: inout Tensor,
                     beta1: Double, beta2: Double, stepSize: Double, biasCorrection2Sqrt: Double,
                     eps: Double, weightDecay: Double) {
        let g = grad.cast(to: value.dtype).contiguous()
        value.makeStorageUnique(); firstMoment.makeStorageUnique(); secondMoment.makeStorageUnique()
        func run<T: FloatScalar>(_: T.Type) {
            let p = value.storage.pointer(T.self) + value.offset
            let m = firstMoment.storage.pointer(T.self) + firstMoment.offset
            let v = secondMoment.storage.pointer(T.self) + secondMoment.offset
            let gp = g.storage.pointer(T.self) + g.offset
            let (b1, b2, w1, w2) = (T(beta1), T(beta2), T(1 - beta1), T(1 - beta2))
            let (lr, bc2, e, wd) = (T(stepSize), T(biasCorrection2Sqrt), T(eps), T(weightDecay))
            // Eight lanes at a time: the compiler cannot prove the four buffers don't alias,
            // so it would not vectorise the scalar loop by itself.
            typealias V = SIMD8<T>
            // Memory-bound: each thread streams its own slice of the four buffers.
            ThreadPool.shared.parallelRanges(value.count, grain: 1 << 14) { range in
                // The moments of parameters whose gradient stays 0 decay into subnormal numbers,
                // which made a step several times slower after a few epochs; they count as 0 here.
                let saved = apus_denormals_flush_begin()
                defer { apus_denormals_restore(saved) }
                var i = range.lowerBound
                let n = range.upperBound
                while i + 8 <= n {
                    var gi = load(V.self, gp + i)
                    if weightDecay != 0 { gi += wd * load(V.self, p + i) }
                    let mi = b1 * load(V.self, m + i) + w1 * gi
                    let vi = b2 * load(V.self, v + i) + w2 * (gi * gi)
                    store(mi, m + i)
                    store(vi, v + i)
                    store(load(V.self, p + i) - lr * (mi / (vi.squareRoot() / bc2 + e)), p + i)
                    i += 8
                }
                while i < n {
                    let gi = weightDecay != 0 ? gp[i] + wd * p[i] : gp[i]
                    m[i] = b1 * m[i] + w1 * gi
                    v[i] = b2 * v[i] + w2 * (gi * gi)
                    p[i] -= lr * (m[i] / (v[i].squareRoot() / bc2 + e))
                    i += 1
                }
            }
        }
        switch value.dtype {
        case .float32:
            let p = value.storage.pointer(Float.self) + value.offset
            let m = firstMoment.storage.pointer(Float.self) + firstMoment.offset
            let v = secondMoment.storage.pointer(Float.self) + secondMoment.offset
            let gp = UnsafePointer(g.storage.pointer(Float.self) + g.offset)
            ThreadPool.shared.parallelRanges(value.count, grain: 1 << 14) { r in
                let o = r.lowerBound
                apus_adam_f32(p + o, gp + o, m + o, v + o, r.count, Float(beta1), Float(beta2), Float(1 - beta1), Float(1 - beta2),
                              Float(stepSize),
                              Float(biasCorrection2Sqrt), Float(eps), Float(weightDecay))
            }
        case .float64: run(Double.self)
        default: fatalError("Adam: parameters must be floating point, got \(value.dtype)")
        }
    }

    @inline(__always)
    static func load<V: SIMD>(_: V.Type, _ p: UnsafeMutablePointer<V.Scalar>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store<V: SIMD>(_ x: V, _ p: UnsafeMutablePointer<V.Scalar>) {
        UnsafeMutableRawPointer(p).storeBytes(of: x, as: V.self)
    }
}
