// Resizing of `[N, C, d1, …, dk]` tensors (k = 1, 2, 3), as `torch.nn.functional.interpolate`:
// nearest, nearest-exact, linear, bilinear, bicubic, trilinear and area modes, corners aligned or
// not, sizes or scale factors, and antialiased bilinear/bicubic downsampling.
//
// Each mode is worked out per axis as PyTorch's CPU kernels do it, in the same precision (float32
// for float32 tensors; float32 indices for nearest, which rounds through `floorf`): which input
// elements an output reads and with which weights (`ResampleAxis`, `AreaAxis`, index lists), so
// the same pixels are read. The kernels (Backend/ResampleKernels.swift) then resample one axis
// at a time, last axis first, which is also the order of PyTorch's sums.

/// How ``interpolate(_:size:mode:alignCorners:antialias:)-(Tensor,[Int],_,_,_)`` and
/// ``upsample(_:size:mode:alignCorners:)-(Tensor,IntPair,UpsampleMode,Bool)`` compute an output
/// element, as the `mode` of PyTorch's `interpolate` and `nn.Upsample`.
public enum UpsampleMode: String, Sendable, CaseIterable {
    /// Copy the input element `⌊o · in/out⌋` (PyTorch's "nearest", which is not centred: use
    /// ``nearestExact`` for image masks that must not shift).
    case nearest
    /// Copy the input element `⌊(o + ½) · in/out⌋`, the nearest pixel centre (PyTorch's
    /// "nearest-exact", as Pillow and OpenCV's `INTER_NEAREST_EXACT`).
    case nearestExact = "nearest-exact"
    /// Linear interpolation along the one spatial axis of an `[N, C, L]` input.
    case linear
    /// Linear interpolation along both spatial axes of an `[N, C, H, W]` input.
    case bilinear
    /// Cubic convolution (A = −0.75) over 4×4 neighbours of an `[N, C, H, W]` input; values can
    /// overshoot the input's range.
    case bicubic
    /// Linear interpolation along the three spatial axes of an `[N, C, D, H, W]` input.
    case trilinear
    /// The mean of each output's window (adaptive average pooling).
    case area

    /// Whether the mode interpolates (takes `alignCorners`): linear, bilinear, bicubic, trilinear.
    var interpolates: Bool { self == .linear || self == .bilinear || self == .bicubic || self == .trilinear }
}

/// A size or scale factor for every spatial axis: one value for all, or one per axis.
enum SpatialExtent<Value> {
    case uniform(Value)
    case perAxis([Value])

    func values(_ axes: Int) -> [Value] {
        switch self {
        case .uniform(let v): [Value](repeating: v, count: Swift.max(axes, 0))
        case .perAxis(let list): list
        }
    }
}

extension SpatialExtent where Value == Int {
    init(_ pair: IntPair) { self = pair.height == pair.width ? .uniform(pair.height) : .perAxis([pair.height, pair.width]) }
}

extension SpatialExtent where Value == Double {
    init(_ pair: ScaleFactor) { self = pair.height == pair.width ? .uniform(pair.height) : .perAxis([pair.height, pair.width]) }
}

// MARK: - interpolate

/// Resizes the spatial axes of `[N, C, L]`, `[N, C, H, W]` or `[N, C, D, H, W]` to `size` (one
/// entry per spatial axis), as `torch.nn.functional.interpolate(x, size=…, mode=…, align_corners=…, antialias=…)`.
///
/// Output element `o` of an axis of input size `in` and output size `out` reads around the source
/// position `(o + ½)·in/out − ½` (or, with `alignCorners: true`, `o·(in − 1)/(out − 1)`, so the
/// corner elements of input and output coincide):
///
/// - `.nearest`: input `⌊o·in/out⌋`; `.nearestExact`: input `⌊(o + ½)·in/out⌋`.
/// - `.linear` (3-d input), `.bilinear` (4-d), `.trilinear` (5-d): the two neighbours along each
///   axis, weighted by distance (positions before the first element clamp to it).
/// - `.bicubic` (4-d): 4×4 neighbours with cubic convolution weights (A = −0.75), indices clamped
///   at the borders; values can leave the input's range.
/// - `.area`: the mean of the window `[⌊o·in/out⌋, ⌈(o+1)·in/out⌉)` (adaptive average pooling).
///
/// `alignCorners` may be given for the interpolating modes only (nil means false), as in PyTorch.
/// `antialias: true` (bilinear and bicubic of a 4-d input) widens the kernel by the downsampling
/// factor, with PyTorch's (and Pillow's) triangle and Keys cubic (A = −0.5) filters, as
/// torchvision's `Resize` uses it; upsampling is unaffected.
///
/// A batch of 0 gives an empty output; other axes must be non-empty (except for `.area`, which
/// allows 0 channels and empty outputs). Gradient: each output's gradient goes back to the input
/// elements it read, with the same weights (nearest and area sum over the outputs that read an
/// input).
///
/// ```swift
/// let logits = Tensor.randn([8, 21, 64, 64])
/// let full = interpolate(logits, size: [512, 512], mode: .bilinear)       // align_corners=False
/// let mask = interpolate(labels, size: [512, 512], mode: .nearestExact)
/// ```
public func interpolate(_ x: Tensor, size: [Int], mode: UpsampleMode = .nearest, alignCorners: Bool? = nil,
                        antialias: Bool = false) -> Tensor {
    resize(x, op: "interpolate", size: .perAxis(size), scale: nil, mode: mode, alignCorners: alignCorners,
           recomputeScaleFactor: nil, antialias: antialias)
}

/// Resizes every spatial axis of `x` to `size`, as `interpolate(x, size=n)` in PyTorch; see
/// ``interpolate(_:size:mode:alignCorners:antialias:)-(Tensor,[Int],_,_,_)``.
public func interpolate(_ x: Tensor, size: Int, mode: UpsampleMode = .nearest, alignCorners: Bool? = nil,
                        antialias: Bool = false) -> Tensor {
    resize(x, op: "interpolate", size: .uniform(size), scale: nil, mode: mode, alignCorners: alignCorners,
           recomputeScaleFactor: nil, antialias: antialias)
}

/// Resizes `[N, C, H, W]` to `[N, C, size.height, size.width]` (an `IntPair` with equal values
/// resizes every spatial axis of any input); see
/// ``interpolate(_:size:mode:alignCorners:antialias:)-(Tensor,[Int],_,_,_)``.
public func interpolate(_ x: Tensor, size: IntPair, mode: UpsampleMode = .nearest, alignCorners: Bool? = nil,
                        antialias: Bool = false) -> Tensor {
    resize(x, op: "interpolate", size: SpatialExtent(size), scale: nil, mode: mode, alignCorners: alignCorners,
           recomputeScaleFactor: nil, antialias: antialias)
}

/// Scales the spatial axes of `x` by `scaleFactor` (one entry per spatial axis), as
/// `torch.nn.functional.interpolate(x, scale_factor=…)`: the output size along an axis is
/// `⌊in · s⌋`.
///
/// As in PyTorch, the source positions use the given factor, `(o + ½)/s − ½`, not `in/out`; the
/// two differ when `in · s` is not a whole number. With `recomputeScaleFactor: true` the factor
/// only sets the output size and the positions use `in/out` (the `.area` mode always does this).
/// Modes, alignment, antialiasing and gradients as
/// ``interpolate(_:size:mode:alignCorners:antialias:)-(Tensor,[Int],_,_,_)``.
public func interpolate(_ x: Tensor, scaleFactor: [Double], mode: UpsampleMode = .nearest, alignCorners: Bool? = nil,
                        recomputeScaleFactor: Bool? = nil, antialias: Bool = false) -> Tensor {
    resize(x, op: "interpolate", size: nil, scale: .perAxis(scaleFactor), mode: mode, alignCorners: alignCorners,
           recomputeScaleFactor: recomputeScaleFactor, antialias: antialias)
}

/// Scales every spatial axis of `x` by `scaleFactor`; see
/// ``interpolate(_:scaleFactor:mode:alignCorners:recomputeScaleFactor:antialias:)-(Tensor,[Double],_,_,_,_)``.
@_disfavoredOverload
public func interpolate(_ x: Tensor, scaleFactor: Double, mode: UpsampleMode = .nearest, alignCorners: Bool? = nil,
                        recomputeScaleFactor: Bool? = nil, antialias: Bool = false) -> Tensor {
    resize(x, op: "interpolate", size: nil, scale: .uniform(scaleFactor), mode: mode, alignCorners: alignCorners,
           recomputeScaleFactor: recomputeScaleFactor, antialias: antialias)
}

/// Scales `[N, C, H, W]` by `scaleFactor` (one number for every spatial axis of any input, or
/// `[height, width]`); see
/// ``interpolate(_:scaleFactor:mode:alignCorners:recomputeScaleFactor:antialias:)-(Tensor,[Double],_,_,_,_)``.
public func interpolate(_ x: Tensor, scaleFactor: ScaleFactor, mode: UpsampleMode = .nearest, alignCorners: Bool? = nil,
                        recomputeScaleFactor: Bool? = nil, antialias: Bool = false) -> Tensor {
    resize(x, op: "interpolate", size: nil, scale: SpatialExtent(scaleFactor), mode: mode, alignCorners: alignCorners,
           recomputeScaleFactor: recomputeScaleFactor, antialias: antialias)
}

// MARK: - upsample (the 2-d form)

/// Resizes `[N, C, H, W]` to `[N, C, size.height, size.width]`, as `torch.nn.functional.interpolate(x, size=…)`;
/// `size` is one integer for a square output or `[height, width]`.
///
/// - `.nearest`: output `(i, j)` copies input `(⌊i·H/H_out⌋, ⌊j·W/W_out⌋)`; `.nearestExact`
///   copies the nearest pixel centre.
/// - `.bilinear`: output `(i, j)` interpolates at the source position `(i + ½)·H/H_out − ½`
///   (clamped at 0) or, with `alignCorners`, `i·(H − 1)/(H_out − 1)`, so corner pixels align.
/// - `.bicubic`, `.area`: as in ``interpolate(_:size:mode:alignCorners:antialias:)-(Tensor,[Int],_,_,_)``,
///   which also handles 1-d and 3-d inputs (`.linear`, `.trilinear`).
///
/// `alignCorners` applies to bilinear and bicubic modes only. Backward: each output's gradient goes
/// back to the input pixels it was read from, with the same weights.
public func upsample(_ x: Tensor, size: IntPair, mode: UpsampleMode = .nearest, alignCorners: Bool = false) -> Tensor {
    checkUpsampleInput(x, mode: mode, alignCorners: alignCorners)
    require(size.height > 0 && size.width > 0,
            "upsample: output size must be positive, got \(size.height)×\(size.width) for input shape \(x.shape)")
    return resize(x, op: "upsample", size: .perAxis([size.height, size.width]), scale: nil, mode: mode,
                  alignCorners: mode.interpolates ? alignCorners : nil, recomputeScaleFactor: nil, antialias: false)
}

/// Resizes `[N, C, H, W]` to a `(height, width)` tuple.
@available(*, deprecated, message: "pass an IntPair: upsample(x, size: [48, 40])")
public func upsample(_ x: Tensor, size: (Int, Int), mode: UpsampleMode = .nearest, alignCorners: Bool = false) -> Tensor {
    upsample(x, size: IntPair(size), mode: mode, alignCorners: alignCorners)
}

/// Scales `[N, C, H, W]` by `scaleFactor` (one number for both axes, or `[height, width]`), as
/// `torch.nn.functional.interpolate(x, scale_factor=…)`: the output is `[N, C, ⌊H·s_h⌋, ⌊W·s_w⌋]`,
/// and, as in PyTorch, source positions use `1/s` as the step (not `H/H_out`; the two differ
/// when `H·s` is not a whole number). Modes and gradient as `upsample(_:size:mode:alignCorners:)`.
public func upsample(_ x: Tensor, scaleFactor: ScaleFactor, mode: UpsampleMode = .nearest, alignCorners: Bool = false) -> Tensor {
    checkUpsampleInput(x, mode: mode, alignCorners: alignCorners)
    let (sh, sw) = (scaleFactor.height, scaleFactor.width)
    require(sh > 0 && sw > 0 && sh.isFinite && sw.isFinite, "upsample: scale factor must be positive, got \(sh)×\(sw)")
    let size = (Int((Double(x.shape[2]) * sh).rounded(.down)), Int((Double(x.shape[3]) * sw).rounded(.down)))
    require(size.0 > 0 && size.1 > 0,
            "upsample: scale factor \(sh)×\(sw) gives an empty output \(size.0)×\(size.1) for input shape \(x.shape)")
    return resize(x, op: "upsample", size: nil, scale: .perAxis([sh, sw]), mode: mode,
                  alignCorners: mode.interpolates ? alignCorners : nil, recomputeScaleFactor: nil, antialias: false)
}

/// Scales `[N, C, H, W]` by a `(height, width)` tuple of factors.
@available(*, deprecated, message: "pass a ScaleFactor: upsample(x, scaleFactor: [1.5, 2])")
public func upsample(_ x: Tensor, scaleFactor: (Double, Double), mode: UpsampleMode = .nearest, alignCorners: Bool = false) -> Tensor {
    upsample(x, scaleFactor: ScaleFactor(scaleFactor), mode: mode, alignCorners: alignCorners)
}

private func checkUpsampleInput(_ x: Tensor, mode: UpsampleMode, alignCorners: Bool) {
    require(x.rank == 4, "upsample: expected a 4-d input [N, C, H, W], got shape \(x.shape)")
    require(x.dtype.isFloatingPoint, "upsample: expected a floating-point input, got \(x.dtype)")
    require(x.shape[1] > 0 && x.shape[2] > 0 && x.shape[3] > 0, "upsample: expected a non-empty input, got shape \(x.shape)")
    require(mode != .linear && mode != .trilinear,
            "upsample: \(mode) mode needs a \(mode == .linear ? 3 : 5)-d input; use interpolate(_:size:mode:) for shape \(x.shape)")
    require(!alignCorners || mode.interpolates, "upsample: alignCorners applies to bilinear and bicubic modes only, got mode \(mode)")
}

// MARK: - The common path

/// `interpolate` with PyTorch's checks, in PyTorch's order; `op` names the caller in messages.
func resize(_ x: Tensor, op: String, size: SpatialExtent<Int>?, scale: SpatialExtent<Double>?, mode: UpsampleMode,
            alignCorners: Bool?, recomputeScaleFactor: Bool?, antialias: Bool) -> Tensor {
    if let r = inFloat32IfReduced(x, { resize($0, op: op, size: size, scale: scale, mode: mode, alignCorners: alignCorners,
                                              recomputeScaleFactor: recomputeScaleFactor, antialias: antialias) }) { return r }
    require(mode.interpolates || alignCorners == nil,
            "\(op): alignCorners can only be set with the interpolating modes linear, bilinear, bicubic and trilinear, got mode \(mode)")
    require((3...5).contains(x.rank),
            "\(op): only 3-d, 4-d and 5-d inputs [N, C, …] are supported (\(mode) mode), got shape \(x.shape)")
    let dims = x.rank - 2
    let spatial = Array(x.shape[2...])
    var outSizes: [Int]
    var scales = [Double?](repeating: nil, count: dims)
    if let size {
        outSizes = size.values(dims)
        require(outSizes.count == dims,
                "\(op): the input has \(dims) spatial dimension\(dims == 1 ? "" : "s") \(spatial) but the output size has "
                    + "\(outSizes.count): \(outSizes)")
        require(recomputeScaleFactor != true, "\(op): recomputeScaleFactor is not meaningful with an explicit size")
    } else if let scale {
        let factors = scale.values(dims)
        require(factors.count == dims,
                "\(op): the input has \(dims) spatial dimension\(dims == 1 ? "" : "s") \(spatial) but the scale factor has "
                    + "\(factors.count): \(factors)")
        outSizes = zip(spatial, factors).map { n, s in
            let product = Double(n) * s
            require(product.isFinite && Swift.abs(product) < 0x1p62,
                    "\(op): scale factor \(s) of a dimension of size \(n) does not give a representable output size")
            return Int(product.rounded(.towardZero))
        }
        if !(recomputeScaleFactor == true || mode == .area) { scales = factors.map { $0 } }
    } else {
        fatalError("\(op): either a size or a scale factor must be given")
    }
    require(!antialias || ((mode == .bilinear || mode == .bicubic) && x.rank == 4),
            "\(op): antialias is restricted to bilinear and bicubic modes of a 4-d input, got \(mode) mode and shape \(x.shape)")
    switch mode {
    case .linear: require(x.rank == 3, "\(op): got a \(x.rank)-d input (shape \(x.shape)), but linear mode needs a 3-d input [N, C, L]")
    case .bilinear: require(x.rank == 4, "\(op): got a \(x.rank)-d input (shape \(x.shape)), but bilinear mode needs a 4-d input [N, C, H, W]")
    case .bicubic: require(x.rank == 4, "\(op): got a \(x.rank)-d input (shape \(x.shape)), but bicubic mode needs a 4-d input [N, C, H, W]")
    case .trilinear: require(x.rank == 5, "\(op): got a \(x.rank)-d input (shape \(x.shape)), but trilinear mode needs a 5-d input [N, C, D, H, W]")
    default: break
    }
    require(x.dtype.isFloatingPoint, "\(op): \(mode) interpolation is not implemented for \(x.dtype) tensors")
    if mode == .area {
        require(spatial.allSatisfy { $0 > 0 },
                "\(op): area mode (adaptive average pooling) expects non-empty spatial dimensions, got input shape \(x.shape)")
        require(outSizes.allSatisfy { $0 >= 0 }, "\(op): output size must not be negative, got \(outSizes) for input shape \(x.shape)")
    } else {
        require(spatial.allSatisfy { $0 > 0 } && outSizes.allSatisfy { $0 > 0 },
                "\(op): input and output sizes should be greater than 0, but got input \(spatialDescription(spatial)) "
                    + "and output \(spatialDescription(outSizes))")
        require(x.shape[1] > 0,
                "\(op): expected a non-empty \(x.rank)-d input (only the batch may be empty), got shape \(x.shape)")
    }
    let input = x.detached().contiguous()
    return switch x.dtype {
    case .float32:
        resampled(x, input, Float.self, op: op, outSizes: outSizes, scales: scales, mode: mode, align: alignCorners ?? false,
                  antialias: antialias)
    default:
        resampled(x, input, Double.self, op: op, outSizes: outSizes, scales: scales, mode: mode, align: alignCorners ?? false,
                  antialias: antialias)
    }
}

/// `(D: 2, H: 3, W: 4)` for the last one, two or three of `sizes`, as PyTorch's messages print them.
private func spatialDescription(_ sizes: [Int]) -> String {
    let names = ["D", "H", "W"].suffix(sizes.count)
    return "(" + zip(names, sizes).map { "\($0): \($1)" }.joined(separator: ", ") + ")"
}

private func resampled<T: FloatScalar>(_ x: Tensor, _ input: Tensor, _: T.Type, op: String, outSizes: [Int], scales: [Double?],
                                       mode: UpsampleMode, align: Bool, antialias: Bool) -> Tensor {
    let spatial = Array(x.shape[2...]), dims = spatial.count
    let planes = x.shape[0] * x.shape[1], inShape = x.shape, outShape = Array(x.shape[..<2]) + outSizes
    switch mode {
    case .nearest, .nearestExact:
        let exact = mode == .nearestExact
        let backward = (0..<dims).map { nearestBackward(input: spatial[$0], output: outSizes[$0], scale: scales[$0], exact: exact) }
        // PyTorch computes a 2-d forward whose output height + width is at most 128 with its
        // channels-last kernel, which rounds positions as the backward does; other sizes with
        // the generic kernel, in the element type.
        let forward = dims == 2 && outSizes[0] + outSizes[1] <= 128 ? backward
            : (0..<dims).map { nearestForward(T.self, input: spatial[$0], output: outSizes[$0], scale: scales[$0], exact: exact) }
        let out = Kernels.nearest(input, T.self, planes: planes, inSizes: spatial, indices: forward, outShape: outShape)
        return recordUnary(op, x, out) { g in
            Kernels.nearestBackward(g.contiguous(), T.self, planes: planes, inSizes: spatial, indices: backward, inShape: inShape)
        }
    case .area:
        let axes = (0..<dims).map { AreaAxis(input: spatial[$0], output: outSizes[$0]) }
        let out = Kernels.area(input, T.self, planes: planes, axes: axes, outShape: outShape)
        return recordUnary(op, x, out) { g in
            Kernels.areaBackward(g.contiguous(), T.self, planes: planes, axes: axes, inShape: inShape)
        }
    default:
        let axes: [ResampleAxis<T>] = (0..<dims).map { a in
            let (n, m, s) = (spatial[a], outSizes[a], scales[a])
            if antialias { return .antialiased(input: n, output: m, align: align, scale: s, cubic: mode == .bicubic) }
            return mode == .bicubic ? .cubic(input: n, output: m, align: align, scale: s) : .linear(input: n, output: m, align: align, scale: s)
        }
        // Antialiased resampling leaves axes whose size does not change alone (PyTorch's separable
        // kernel skips them); its gradient still runs every axis, as PyTorch's does.
        let skip = (0..<dims).map { antialias && spatial[$0] == outSizes[$0] }
        let out = skip.allSatisfy { $0 } ? input
            : Kernels.resample(input, planes: planes, axes: axes, skip: skip, outShape: outShape)
        return recordUnary(op, x, out) { g in
            Kernels.resampleBackward(g.contiguous(), planes: planes, axes: axes, inShape: inShape)
        }
    }
}

// MARK: - Source positions, as PyTorch computes them

/// PyTorch's `area_pixel_compute_scale` in the element type: `(in − 1)/(out − 1)` when aligning
/// corners (0 for one output), else `1/scale` when a scale is given, else `in/out`.
private func pixelScale<T: FloatScalar>(_ input: Int, _ output: Int, align: Bool, scale: Double?) -> T {
    if align { return output > 1 ? T(input - 1) / T(output - 1) : 0 }
    if let scale, scale > 0 { return T(1 / scale) }
    return T(input) / T(output)
}

/// PyTorch's `area_pixel_compute_source_index`: `scale·o` when aligning corners, else
/// `scale·(o + ½) − ½` (evaluated in double precision, as C++ promotes `o + 0.5`, then rounded
/// to the element type), clamped at 0 except for cubic.
@inline(__always)
private func sourcePosition<T: FloatScalar>(_ scale: T, _ o: Int, align: Bool, cubic: Bool) -> T {
    if align { return scale * T(o) }
    let s = T(scale.doubleValue * (Double(o) + 0.5) - 0.5)
    return !cubic && s < 0 ? 0 : s
}

/// `static_cast<int64_t>(floorf(v))`: the floor of `v` rounded to float32 first, as PyTorch's
/// kernels call `floorf` also on double positions.
@inline(__always)
private func floorfIndex(_ v: Double) -> Int {
    let f = Float(v).rounded(.down)
    return f > -9.2e18 && f < 9.2e18 ? Int(f) : (f > 0 ? Int.max : Int.min)
}

/// The input index each output copies in the forward pass (PyTorch's `HelperInterpNearest` /
/// `HelperInterpNearestExact`, in the element type).
private func nearestForward<T: FloatScalar>(_: T.Type, input: Int, output: Int, scale: Double?, exact: Bool) -> [Int] {
    let s: T = pixelScale(input, output, align: false, scale: scale)
    return (0..<output).map { o in
        let i = exact ? floorfIndex(sourcePosition(s, o, align: false, cubic: false).doubleValue + 0.5)
            : floorfIndex((s * T(o)).doubleValue)
        return Swift.min(i, input - 1)
    }
}

/// The input index each output's gradient goes to (PyTorch's `nearest_idx` / `nearest_exact_idx`,
/// in float32, which the backward kernels use for every dtype).
private func nearestBackward(input: Int, output: Int, scale: Double?, exact: Bool) -> [Int] {
    let s: Float = if let scale, scale > 0 { Float(1 / scale) } else { Float(input) / Float(output) }
    return (0..<output).map { o in
        if exact { return Swift.min(floorfIndex((Double(o) + 0.5) * Double(s)), input - 1) }
        if output == input { return o }
        if output == 2 * input { return o >> 1 }
        return Swift.min(floorfIndex(Double(Float(o) * s)), input - 1)
    }
}

extension ResampleAxis {
    /// Linear interpolation (PyTorch's `compute_source_index_and_lambda`): the two neighbours of
    /// each source position, the second clamped to the last input, with weights `1 − λ` and `λ`.
    static func linear(input: Int, output: Int, align: Bool, scale: Double?) -> ResampleAxis {
        var axis = ResampleAxis(input: input, output: output, taps: 2)
        let ratio: T = pixelScale(input, output, align: align, scale: scale)
        for o in 0..<output {
            if output == input {
                (axis.index[2 * o], axis.index[2 * o + 1], axis.weight[2 * o], axis.weight[2 * o + 1]) = (o, o, 1, 0)
                continue
            }
            let real = sourcePosition(ratio, o, align: align, cubic: false)
            let i0 = Swift.min(floorfIndex(real.doubleValue), input - 1)
            let lambda = Swift.min(Swift.max(real - T(i0), 0), 1)
            axis.index[2 * o] = i0
            axis.index[2 * o + 1] = i0 + (i0 < input - 1 ? 1 : 0)
            axis.weight[2 * o] = 1 - lambda
            axis.weight[2 * o + 1] = lambda
        }
        return axis
    }

    /// Cubic convolution (A = −0.75) over the neighbours at −1, 0, 1, 2 of `⌊p⌋`, indices clamped
    /// to the input (PyTorch's `HelperInterpCubic`).
    static func cubic(input: Int, output: Int, align: Bool, scale: Double?) -> ResampleAxis {
        var axis = ResampleAxis(input: input, output: output, taps: 4)
        let ratio: T = pixelScale(input, output, align: align, scale: scale)
        for o in 0..<output {
            let real = sourcePosition(ratio, o, align: align, cubic: true)
            let i0 = Swift.min(floorfIndex(real.doubleValue), input - 1)
            let t = Swift.min(Swift.max(real - T(i0), 0), 1)
            let w = cubicUpsampleWeights(t)
            for k in 0..<4 {
                axis.index[4 * o + k] = Swift.max(Swift.min(i0 + k - 1, input - 1), 0)
            }
            (axis.weight[4 * o], axis.weight[4 * o + 1], axis.weight[4 * o + 2], axis.weight[4 * o + 3]) = w
        }
        return axis
    }

    /// Antialiased taps (PyTorch's `_compute_indices_min_size_weights_aa`, after Pillow): the
    /// filter (triangle, or Keys cubic with A = −0.5) stretched by the downsampling factor,
    /// evaluated at the inputs within its support and normalised to sum to 1.
    static func antialiased(input: Int, output: Int, align: Bool, scale: Double?, cubic: Bool) -> ResampleAxis {
        let interp = cubic ? 4 : 2
        let s: T = pixelScale(input, output, align: align, scale: scale)
        let support: T = s >= 1 ? T(Double(interp) * 0.5 * s.doubleValue) : T(Double(interp) * 0.5)
        let taps = Int(support.rounded(.up)) * 2 + 1
        var axis = ResampleAxis(input: input, output: output, taps: taps)
        let invScale: T = s >= 1 ? T(1 / s.doubleValue) : 1
        @inline(__always) func filter(_ v: T) -> T {
            let x = Swift.abs(v)
            if !cubic { return x < 1 ? 1 - x : 0 }
            let a = T(-0.5)
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
            return 0
        }
        for o in 0..<output {
            let center = T(s.doubleValue * (Double(o) + 0.5))
            let low = Int((center - support).doubleValue + 0.5)  // truncates, as static_cast<int64_t>
            let first = Swift.max(low, 0)
            let count = Swift.min(Swift.max(Swift.min(Int((center + support).doubleValue + 0.5), input) - first, 0), taps)
            var total: T = 0
            for j in 0..<count {
                let w = filter(T(((T(j + first) - center).doubleValue + 0.5) * invScale.doubleValue))
                axis.weight[taps * o + j] = w
                axis.index[taps * o + j] = first + j
                total += w
            }
            if total != 0 { for j in 0..<count { axis.weight[taps * o + j] /= total } }
            if count == 0 { axis.index[taps * o] = Swift.min(first, input - 1) }
            axis.count[o] = count
        }
        return axis
    }
}
