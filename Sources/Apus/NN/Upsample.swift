/// Upsampling of `[N, C, H, W]` images, as `torch.nn.Upsample`: to a fixed `size` or by a
/// `scaleFactor`, with nearest-neighbour or bilinear interpolation; see
/// `upsample(_:size:mode:alignCorners:)` and `upsample(_:scaleFactor:mode:alignCorners:)`.
public final class Upsample: Module {
    /// The output's height and width, when given as a size.
    public let size: IntPair?
    /// The factors for height and width, when given as factors.
    public let scaleFactor: ScaleFactor?
    /// Nearest-neighbour or bilinear.
    public let mode: UpsampleMode
    /// Bilinear only: align the corner pixels of input and output.
    public let alignCorners: Bool

    /// Resizes to `size`: one integer for a square output, or `[height, width]`.
    public init(size: IntPair, mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        (self.size, self.scaleFactor, self.mode, self.alignCorners) = (size, nil, mode, alignCorners)
    }

    /// Resizes to a `(height, width)` tuple.
    @available(*, deprecated, message: "pass an IntPair: Upsample(size: [48, 40])")
    public convenience init(size: (Int, Int), mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        self.init(size: IntPair(size), mode: mode, alignCorners: alignCorners)
    }

    /// Scales height and width by `scaleFactor`: one number for both, or `[height, width]`.
    public init(scaleFactor: ScaleFactor, mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        (self.size, self.scaleFactor, self.mode, self.alignCorners) = (nil, scaleFactor, mode, alignCorners)
    }

    /// Scales by a `(height, width)` tuple of factors.
    @available(*, deprecated, message: "pass a ScaleFactor: Upsample(scaleFactor: [1.5, 2])")
    public convenience init(scaleFactor: (Double, Double), mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        self.init(scaleFactor: ScaleFactor(scaleFactor), mode: mode, alignCorners: alignCorners)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        if let size { return upsample(x, size: size, mode: mode, alignCorners: alignCorners) }
        return upsample(x, scaleFactor: scaleFactor!, mode: mode, alignCorners: alignCorners)
    }
}
