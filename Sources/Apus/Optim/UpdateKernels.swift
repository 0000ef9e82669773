import CApusKernels

/// Fused, in-place parameter updates: one pass over each parameter instead of a dozen
/// whole-tensor ops, with no temporaries.
enum UpdateKernels {
    /// Adam's moment and parameter update for one parameter (see ``Adam``), in place.
    ///
    /// `decayFactor` (AdamW's `1 − lr·λ`, else 1) scales the parameter first; with
    /// `maxSecondMoment` (AMSGrad) the denominator uses `max(vmax, v)`, stored back.
    static func adam(value: inout Tensor, grad: Tensor, firstMoment: inout Tensor, secondMoment: inout Tensor,
                     maxSecondMoment: inout Tensor?,
                     beta1: Double, beta2: Double, stepSize: Double, biasCorrection2Sqrt: Double,
                     eps: Double, weightDecay: Double, decayFactor: Double) {
        if value.dtype.isReducedPrecision {
            // 16-bit parameters: the step runs in float32 and the parameter and its moments are
            // rounded back to their dtype (PyTorch keeps them in the parameter's dtype too).
            let dtype = value.dtype
            var (p, m, v) = (value.cast(to: .float32), firstMoment.cast(to: .float32), secondMoment.cast(to: .float32))
            var vmax = maxSecondMoment?.cast(to: .float32)
            adam(value: &p, grad: grad.cast(to: .float32), firstMoment: &m, secondMoment: &v, maxSecondMoment: &vmax,
                 beta1: beta1, beta2: beta2, stepSize: stepSize, biasCorrection2Sqrt: biasCorrection2Sqrt, eps: eps,
                 weightDecay: weightDecay, decayFactor: decayFactor)
            let leaf = value.node  // the parameter stays the same leaf of the graph
            (value, firstMoment, secondMoment) = (p.cast(to: dtype), m.cast(to: dtype), v.cast(to: dtype))
            value.node = leaf
            maxSecondMoment = vmax?.cast(to: dtype)
            return
        }
        let g = grad.cast(to: value.dtype).contiguous()
        value.makeStorageUnique(); firstMoment.makeStorageUnique(); secondMoment.makeStorageUnique()
        maxSecondMoment?.makeStorageUnique()
        let amsgrad = maxSecondMoment != nil
        func run<T: FloatScalar>(_: T.Type) {
            let p = value.storage.pointer(T.self) + value.offset
            let m = firstMoment.storage.pointer(T.self) + firstMoment.offset
            let v = secondMoment.storage.pointer(T.self) + secondMoment.offset
            // Without AMSGrad the maximum is never read: point it at v.
            let vmax = maxSecondMoment.map { $0.storage.pointer(T.self) + $0.offset } ?? v
            let gp = g.storage.pointer(T.self) + g.offset
            let (b1, b2, w1, w2) = (T(beta1), T(beta2), T(1 - beta1), T(1 - beta2))
            let (lr, bc2, e, wd, decay) = (T(stepSize), T(biasCorrection2Sqrt), T(eps), T(weightDecay), T(decayFactor))
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
                    var pi = load(V.self, p + i)
                    if decayFactor != 1 { pi *= decay }
                    var gi = load(V.self, gp + i)
                    if weightDecay != 0 { gi += wd * pi }
                    let mi = b1 * load(V.self, m + i) + w1 * gi
                    var vi = b2 * load(V.self, v + i) + w2 * (gi * gi)
                    store(mi, m + i)
                    store(vi, v + i)
                    if amsgrad {
                        vi = pointwiseMax(load(V.self, vmax + i), vi)
                        store(vi, vmax + i)
                    }
                    store(pi - lr * (mi / (vi.squareRoot() / bc2 + e)), p + i)
                    i += 8
                }
                while i < n {
                    if decayFactor != 1 { p[i] *= decay }
                    let gi = weightDecay != 0 ? gp[i] + wd * p[i] : gp[i]
                    m[i] = b1 * m[i] + w1 * gi
                    v[i] = b2 * v[i] + w2 * (gi * gi)
                    var vi = v[i]
                    if amsgrad {
                        vi = Swift.max(vmax[i], vi)
                        vmax[i] = vi
                    }
                    p[i] -= lr * (m[i] / (vi.squareRoot() / bc2 + e))
                    i += 1
                }
            }
        }
        switch value.dtype {
        case .float32 where !amsgrad:
            let p = value.storage.pointer(Float.self) + value.offset
            let m = firstMoment.storage.pointer(Float.self) + firstMoment.offset
            let v = secondMoment.storage.pointer(Float.self) + secondMoment.offset
            let gp = UnsafePointer(g.storage.pointer(Float.self) + g.offset)
            ThreadPool.shared.parallelRanges(value.count, grain: 1 << 14) { r in
                let o = r.lowerBound
                // AdamW's decay, on the slice the kernel is about to stream (still in cache).
                if decayFactor != 1 { scale(p + o, count: r.count, by: Float(decayFactor)) }
                apus_adam_f32(p + o, gp + o, m + o, v + o, r.count, Float(beta1), Float(beta2), Float(1 - beta1), Float(1 - beta2),
                              Float(stepSize),
                              Float(biasCorrection2Sqrt), Float(eps), Float(weightDecay))
            }
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        default: fatalError("Adam: parameters must be floating point, got \(value.dtype)")
        }
    }

    /// SGD's update for one parameter (see ``SGD``), in place, in one pass:
    /// `g = ∇ + λ·w`; with momentum `v = μ·v + (1 − dampening)·g` (or `v = g` when `momentumBuffer`
    /// is nil, the first step, which creates it) and `g = nesterov ? g + μ·v : v`;
    /// then `w = w − lr·g`. The operations and their rounding are those of the tensor expression.
    /// The buffer is updated in place when its storage is not shared.
    static func sgd(value: inout Tensor, grad: Tensor, momentumBuffer buffer: inout Tensor?, lr: Double, momentum: Double,
                    dampening: Double, weightDecay: Double, nesterov: Bool) {
        if value.dtype.isReducedPrecision {
            // 16-bit parameters: the step runs in float32, the parameter and buffer are rounded back.
            let dtype = value.dtype
            var p = value.cast(to: .float32), b = buffer?.cast(to: .float32)
            sgd(value: &p, grad: grad.cast(to: .float32), momentumBuffer: &b, lr: lr, momentum: momentum, dampening: dampening,
                weightDecay: weightDecay, nesterov: nesterov)
            let leaf = value.node  // the parameter stays the same leaf of the graph
            (value, buffer) = (p.cast(to: dtype), b?.cast(to: dtype))
            value.node = leaf
            return
        }
        let g = grad.cast(to: value.dtype).contiguous()
        value.makeStorageUnique()
        let first = buffer == nil
        if momentum != 0 {
            if let b = buffer, b.dtype != value.dtype || !b.isContiguous { buffer = b.cast(to: value.dtype).contiguous() }
            if buffer == nil { buffer = Tensor(uninitialized: value.shape, dtype: value.dtype) }
            buffer!.makeStorageUnique()
        } else {
            buffer = nil
        }
        func run<T: FloatScalar>(_: T.Type) {
            let p = value.storage.pointer(T.self) + value.offset
            let gp = g.storage.pointer(T.self) + g.offset
            let v = buffer.map { $0.storage.pointer(T.self) + $0.offset } ?? p  // unread without momentum
            let (rate, mu, keep, wd) = (T(lr), T(momentum), T(1 - dampening), T(weightDecay))
            let hasMomentum = momentum != 0
            typealias V = SIMD8<T>
            ThreadPool.shared.parallelRanges(value.count, grain: 1 << 14) { range in
                var i = range.lowerBound
                let n = range.upperBound
                while i + 8 <= n {
                    let pi = load(V.self, p + i)
                    var gi = load(V.self, gp + i)
                    if weightDecay != 0 { gi = gi + wd * pi }
                    if hasMomentum {
                        let vi = first ? gi : mu * load(V.self, v + i) + keep * gi
                        store(vi, v + i)
                        gi = nesterov ? gi + mu * vi : vi
                    }
                    store(pi - rate * gi, p + i)
                    i += 8
                }
                while i < n {
                    var gi = gp[i]
                    if weightDecay != 0 { gi = gi + wd * p[i] }
                    if hasMomentum {
                        let vi = first ? gi : mu * v[i] + keep * gi
                        v[i] = vi
                        gi = nesterov ? gi + mu * vi : vi
                    }
                    p[i] = p[i] - rate * gi
                    i += 1
                }
            }
        }
        switch value.dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        default: fatalError("SGD: parameters must be floating point, got \(value.dtype)")
        }
    }

    /// `x[0..<count] *= factor`, in place.
    static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        var i = 0
        let f = SIMD16<Float>(repeating: factor)
        while i + 16 <= count {
            store(load(SIMD16<Float>.self, x + i) * f, x + i)
            i += 16
        }
        while i < count { x[i] *= factor; i += 1 }
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
