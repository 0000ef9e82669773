// Sub-pixel rearrangement: pixelShuffle moves channel blocks into space (sub-pixel convolution's
// upsampling), pixelUnshuffle moves space back into channels. Each is one strided copy of a view
// of its input; each is the other's gradient.

/// Rearranges `[*, C·r², H, W]` into `[*, C, H·r, W·r]` (`torch.nn.functional.pixel_shuffle`):
/// `out[…, c, h·r + i, w·r + j] = x[…, c·r² + i·r + j, h, w]` for the factor `r = upscaleFactor`.
///
/// Any number of leading batch axes (at least the three last are needed); every dtype. The
/// gradient is ``pixelUnshuffle(_:downscaleFactor:)`` of the output's gradient.
public func pixelShuffle(_ x: Tensor, upscaleFactor r: Int) -> Tensor {
    require(r > 0, "pixelShuffle: upscaleFactor must be positive, got \(r)")
    require(x.rank >= 3, "pixelShuffle: expected an input of at least 3 dimensions [*, C, H, W], got shape \(x.shape)")
    let b = x.rank - 3
    let (c, h, w) = (x.shape[b], x.shape[b + 1], x.shape[b + 2])
    require(c % (r * r) == 0, "pixelShuffle: the \(c) channels of shape \(x.shape) are not divisible by upscaleFactor² = \(r * r)")
    // [*, C, r, r, H, W] → [*, C, H, r, W, r], copied.
    let view = x.detached().unflatten(axis: b, sizes: [c / (r * r), r, r]).permute(Array(0..<b) + [b, b + 3, b + 1, b + 4, b + 2])
    let copied = view.materialized()
    let out = Tensor(storage: copied.storage, shape: Array(x.shape[..<b]) + [c / (r * r), h * r, w * r])
    return recordUnary("pixelShuffle", x, out) { g in pixelUnshuffle(g, downscaleFactor: r) }
}

/// Rearranges `[*, C, H·r, W·r]` into `[*, C·r², H, W]` (`torch.nn.functional.pixel_unshuffle`),
/// the inverse of ``pixelShuffle(_:upscaleFactor:)``: `out[…, c·r² + i·r + j, h, w] = x[…, c, h·r + i, w·r + j]`
/// for `r = downscaleFactor`; height and width must be multiples of `r`. The gradient is
/// ``pixelShuffle(_:upscaleFactor:)`` of the output's gradient.
public func pixelUnshuffle(_ x: Tensor, downscaleFactor r: Int) -> Tensor {
    require(r > 0, "pixelUnshuffle: downscaleFactor must be positive, got \(r)")
    require(x.rank >= 3, "pixelUnshuffle: expected an input of at least 3 dimensions [*, C, H, W], got shape \(x.shape)")
    let b = x.rank - 3
    let (c, h, w) = (x.shape[b], x.shape[b + 1], x.shape[b + 2])
    require(h % r == 0, "pixelUnshuffle: the height \(h) of shape \(x.shape) is not divisible by downscaleFactor \(r)")
    require(w % r == 0, "pixelUnshuffle: the width \(w) of shape \(x.shape) is not divisible by downscaleFactor \(r)")
    // [*, C, H/r, r, W/r, r] → [*, C, r, r, H/r, W/r], copied.
    let view = x.detached().unflatten(axis: b + 2, sizes: [w / r, r]).unflatten(axis: b + 1, sizes: [h / r, r])
        .permute(Array(0..<b) + [b, b + 2, b + 4, b + 1, b + 3])
    let copied = view.materialized()
    let out = Tensor(storage: copied.storage, shape: Array(x.shape[..<b]) + [c * r * r, h / r, w / r])
    return recordUnary("pixelUnshuffle", x, out) { g in pixelShuffle(g, upscaleFactor: r) }
}
