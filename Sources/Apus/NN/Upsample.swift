/// Upsampling (resizing), as `torch.nn.Upsample`: to a fixed `size` or by a `scaleFactor`, in any
/// ``UpsampleMode``; see `upsample(_:size:mode:alignCorners:)` and
/// ``interpolate(_:size:mode:alignCorners:antialias:)-(Tensor,[Int],_,_,_)``.
///
/// `[N, C, H, W]` inputs take `size`/`scaleFactor` per axis (`[height, width]`) or one value for
/// both; `[N, C, L]` (`.linear`, `.nearest`, …) and `[N, C, D, H, W]` (`.trilinear`, …) inputs take
/// one value for every axis, as PyTorch's integer or float arguments do.
public final class Upsample: Module {
    /// The output's height and width, when given as a size.
    public let size: IntPair?
    /// The factors for height and width, when given as factors.
    public let scaleFactor: ScaleFactor?
    /// How output elements are computed.
    public let mode: UpsampleMode
    /// Interpolating modes only (linear, bilinear, bicubic, trilinear): align the corner elements
    /// of input and output.
    public let alignCorners: Bool
    /// With a scale factor: use it only for the output size and compute positions from the sizes
    /// (PyTorch's `recompute_scale_factor=True`).
    public let recomputeScaleFactor: Bool

    /// Resizes to `size`: one integer for every spatial axis, or `[height, width]`.
    public init(size: IntPair, mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        (self.size, self.scaleFactor, self.mode, self.alignCorners, self.recomputeScaleFactor) = (size, nil, mode, alignCorners, false)
    }

    /// Resizes to a `(height, width)` tuple.
    @available(*, deprecated, message: "pass an IntPair: Upsample(size: [48, 40])")
    public convenience init(size: (Int, Int), mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        self.init(size: IntPair(size), mode: mode, alignCorners: alignCorners)
    }

    /// Scales by `scaleFactor`: one number for every spatial axis, or `[height, width]`.
    public init(scaleFactor: ScaleFactor, mode: UpsampleMode = .nearest, alignCorners: Bool = false,
                recomputeScaleFactor: Bool = false) {
        (self.size, self.scaleFactor, self.mode, self.alignCorners, self.recomputeScaleFactor) =
            (nil, scaleFactor, mode, alignCorners, recomputeScaleFactor)
    }

    /// Scales by a `(height, width)` tuple of factors.
    @available(*, deprecated, message: "pass a ScaleFactor: Upsample(scaleFactor: [1.5, 2])")
    public convenience init(scaleFactor: (Double, Double), mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        self.init(scaleFactor: ScaleFactor(scaleFactor), mode: mode, alignCorners: alignCorners)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        if x.rank == 4 {
            if let size { return upsample(x, size: size, mode: mode, alignCorners: alignCorners) }
            if !recomputeScaleFactor { return upsample(x, scaleFactor: scaleFactor!, mode: mode, alignCorners: alignCorners) }
        }
        require(!alignCorners || mode.interpolates, "Upsample: alignCorners applies to the interpolating modes only, got mode \(mode)")
        return resize(x, op: "Upsample", size: size.map { SpatialExtent($0) }, scale: scaleFactor.map { SpatialExtent($0) }, mode: mode,
                      alignCorners: mode.interpolates ? alignCorners : nil, recomputeScaleFactor: recomputeScaleFactor ? true : nil,
                      antialias: false)
    }
}
