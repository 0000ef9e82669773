// Padding, as `torch.nn.functional.pad`: a constant border around the last dimensions (any number
// of them, any dtype, negative amounts crop), or a reflected, replicated or wrapped-around border
// around the 1, 2 or 3 spatial dimensions of `[N, C, …]` or `[C, …]` inputs. Each padded axis
// becomes a map from output to input index (Backend/ResampleKernels.swift, `PadAxis`), so one
// kernel copies rows for every mode; the gradient of the non-constant modes adds each output's
// gradient back into the input it came from.

/// How ``pad(_:_:mode:)`` fills the border, as `torch.nn.functional.pad`'s `mode` (and `value`).
public enum PaddingMode: Sendable, Equatable, CustomStringConvertible {
    /// Every new position holds `value` (PyTorch's `mode="constant"`, `value=…`; `.constant(0)`
    /// is zero padding). Works for any number of trailing dimensions and any dtype.
    case constant(Double)
    /// The input mirrored at its edges without repeating the edge (`[a, b, c]` padded by 2 on
    /// the left reads `c, b, a, b, c`); each amount must be smaller than the dimension it pads.
    case reflect
    /// The edge value repeated (`a, a, a, b, c`).
    case replicate
    /// The input wrapped around (`b, c, a, b, c`); each amount at most the dimension it pads.
    case circular

    /// PyTorch's name of the mode: `constant`, `reflect`, `replicate` or `circular`.
    public var description: String {
        switch self {
        case .constant: "constant"
        case .reflect: "reflect"
        case .replicate: "replicate"
        case .circular: "circular"
        }
    }
}

/// Pads (or, with negative amounts, crops) the last dimensions of `x`, as
/// `torch.nn.functional.pad(x, padding, mode, value)`.
///
/// `padding` lists amounts for the last dimension first: `[left, right]` pads the last dimension,
/// `[left, right, top, bottom]` the last two, `[left, right, top, bottom, front, back]` the last
/// three; sides may differ. The output has `size + before + after` along each padded dimension.
///
/// - `.constant(value)`: any number of trailing dimensions (at most the rank), any dtype; a
///   negative amount removes that many elements from that side.
/// - `.reflect`, `.replicate`, `.circular`: 2, 4 or 6 values for the 1, 2 or 3 spatial dimensions
///   of an `[N, C, …]` or `[C, …]` input (so a 4-d input takes 4 or 6 values); reflect needs each
///   amount smaller than its dimension, circular at most its dimension. Negative amounts crop.
///
/// Gradient: constant padding passes the gradient of the copied positions back (cropped positions
/// get zero); the other modes add the gradient of every output to the input position it copies,
/// so an edge pixel that was reflected or replicated several times receives the sum.
///
/// ```swift
/// let image = Tensor.randn([8, 3, 500, 375])
/// let padded = pad(image, [0, 9, 0, 12])             // [8, 3, 512, 384]: to a multiple of 32
/// let mirrored = pad(image, [2, 2, 2, 2], mode: .reflect)
/// ```
public func pad(_ x: Tensor, _ padding: [Int], mode: PaddingMode = .constant(0)) -> Tensor {
    require(padding.count % 2 == 0,
            "pad: padding length must be divisible by 2 (pairs of before, after), got \(padding.count) values \(padding)")
    let k = padding.count / 2
    require(k <= x.rank,
            "pad: padding length should be at most twice the input's rank, got \(padding.count) values \(padding) for input shape \(x.shape)")
    // Amounts per padded dimension, outermost first: dimension rank − k + i takes pair k − 1 − i.
    let before = (0..<k).map { padding[2 * (k - 1 - $0)] }, after = (0..<k).map { padding[2 * (k - 1 - $0) + 1] }
    let first = x.rank - k
    let sizes = Array(x.shape[first...])
    if case .constant(let value) = mode {
        return constantPad(x, value: value, before: before, after: after)
    }
    require(k >= 1 && k <= 3 && (x.rank == k + 1 || x.rank == k + 2),
            "pad: \(mode) padding of \(k) dimension\(k == 1 ? "" : "s") (\(padding.count) values \(padding)) is not supported "
                + "for a \(x.rank)-d input of shape \(x.shape); it pads the last 1, 2 or 3 dimensions of an [N, C, …] or [C, …] input")
    require(mode == .circular || x.dtype != .bool, "pad: \(mode) padding is not implemented for bool tensors")
    let outSizes = (0..<k).map { sizes[$0] + before[$0] + after[$0] }
    let batched = x.rank == k + 2
    switch mode {
    case .reflect, .replicate:
        require(x.shape[(batched ? 1 : 0)...].allSatisfy { $0 > 0 },
                "pad: \(mode) padding expects a \(k + 1)-d or \(k + 2)-d (batched) input with non-zero dimensions other than "
                    + "the batch, got shape \(x.shape)")
        if mode == .reflect {
            for i in 0..<k {
                require(before[i] < sizes[i] && after[i] < sizes[i],
                        "pad: reflect padding must be smaller than the dimension it pads, got padding (\(before[i]), \(after[i])) "
                            + "at dimension \(first + i) of input \(x.shape)")
            }
        }
        for i in 0..<k {
            require(outSizes[i] >= 1,
                    "pad: padding (\(before[i]), \(after[i])) of dimension \(first + i) of input \(x.shape) gives size \(outSizes[i]); "
                        + "\(mode) padding must leave at least 1")
        }
    default:  // circular
        for i in 0..<k {
            let kept = sizes[i] - Swift.max(-before[i], 0) - Swift.max(-after[i], 0)
            require(before[i] <= sizes[i] && after[i] <= sizes[i],
                    "pad: circular padding (\(before[i]), \(after[i])) of dimension \(first + i) of input \(x.shape) wraps around more than once")
            require(outSizes[i] >= 0,
                    "pad: circular padding (\(before[i]), \(after[i])) of dimension \(first + i) of input \(x.shape) gives a negative size")
            require(before[i] <= kept && after[i] <= kept,
                    "pad: circular padding (\(before[i]), \(after[i])) of dimension \(first + i) of input \(x.shape) wraps around "
                        + "more than the \(kept) elements its negative side leaves")
        }
    }
    let axes: [PadAxis] = (0..<k).map { i in
        switch mode {
        case .reflect: PadAxis.reflect(input: sizes[i], left: before[i], right: after[i])
        case .replicate: PadAxis.replicate(input: sizes[i], left: before[i], right: after[i])
        default: PadAxis.circular(input: sizes[i], left: before[i], right: after[i])
        }
    }
    let outer = x.shape[..<first].reduce(1, *), inShape = x.shape
    let out = Kernels.pad(x.detached().contiguous(), outer: outer, axes: axes, value: 0, outShape: Array(x.shape[..<first]) + outSizes)
    return recordUnary("pad", x, out) { g in
        switch g.dtype {
        case .float32: Kernels.padBackward(g.contiguous(), Float.self, outer: outer, axes: axes, inShape: inShape)
        default: Kernels.padBackward(g.contiguous(), Double.self, outer: outer, axes: axes, inShape: inShape)
        }
    }
}

/// Constant padding: crops where an amount is negative, fills with `value` where it is positive.
private func constantPad(_ x: Tensor, value: Double, before: [Int], after: [Int]) -> Tensor {
    let k = before.count, first = x.rank - k
    let sizes = Array(x.shape[first...])
    if x.dtype == .int64 {
        require(value.isFinite && value >= -0x1p63 && value < 0x1p63,
                "pad: value \(value) cannot be converted to int64 without overflow")
    }
    for i in 0..<k {
        require(sizes[i] + Swift.min(before[i], 0) + Swift.min(after[i], 0) >= 0,
                "pad: negative padding (\(before[i]), \(after[i])) removes more than the \(sizes[i]) elements of dimension "
                    + "\(first + i) of input \(x.shape)")
    }
    let axes = (0..<k).map { PadAxis.constant(input: sizes[$0], left: before[$0], right: after[$0]) }
    let outSizes = axes.map(\.output)
    let outer = x.shape[..<first].reduce(1, *), prefix = Array(x.shape[..<first])
    let out = k == 0 ? x.detached()
        : Kernels.pad(x.detached().contiguous(), outer: outer, axes: axes, value: value, outShape: prefix + outSizes)
    return recordUnary("pad", x, out) { g in
        guard k > 0 else { return g }
        // The transpose: the padded border cut away again, the cropped positions given zeros.
        let back = (0..<k).map { PadAxis.constant(input: outSizes[$0], left: -before[$0], right: -after[$0]) }
        return Kernels.pad(g.contiguous(), outer: outer, axes: back, value: 0, outShape: prefix + sizes)
    }
}
