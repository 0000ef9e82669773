/// Sub-pixel upsampling as a layer (`torch.nn.PixelShuffle`): `[*, C·r², H, W]` becomes
/// `[*, C, H·r, W·r]`; see ``pixelShuffle(_:upscaleFactor:)``. No parameters.
public final class PixelShuffle: Module {
    /// The factor `r` by which height and width grow.
    public let upscaleFactor: Int

    /// A pixel shuffle by `upscaleFactor` (positive).
    public init(upscaleFactor: Int) {
        require(upscaleFactor > 0, "PixelShuffle: upscaleFactor must be positive, got \(upscaleFactor)")
        self.upscaleFactor = upscaleFactor
    }

    public override func forward(_ x: Tensor) -> Tensor { pixelShuffle(x, upscaleFactor: upscaleFactor) }
}

/// The inverse of ``PixelShuffle`` as a layer (`torch.nn.PixelUnshuffle`): `[*, C, H·r, W·r]`
/// becomes `[*, C·r², H, W]`; see ``pixelUnshuffle(_:downscaleFactor:)``. No parameters.
public final class PixelUnshuffle: Module {
    /// The factor `r` by which height and width shrink.
    public let downscaleFactor: Int

    /// A pixel unshuffle by `downscaleFactor` (positive).
    public init(downscaleFactor: Int) {
        require(downscaleFactor > 0, "PixelUnshuffle: downscaleFactor must be positive, got \(downscaleFactor)")
        self.downscaleFactor = downscaleFactor
    }

    public override func forward(_ x: Tensor) -> Tensor { pixelUnshuffle(x, downscaleFactor: downscaleFactor) }
}
