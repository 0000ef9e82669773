/// Upsampling of `[N, C, H, W]` images, as `torch.nn.Upsample`: to a fixed `size` or by a
/// `scaleFactor`, with nearest-neighbour or bilinear interpolation; see
/// `upsample(_:size:mode:alignCorners:)` and `upsample(_:scaleFactor:mode:alignCorners:)`.
public final class Upsample: Module {
    /// The output's height and width, when given as a size.
    public let size: (Int, Int)?
    /// The factors for height and width, when given as factors.
    public let scaleFactor: (Double, Double)?
    /// Nearest-neighbour or bilinear.
    public let mode: UpsampleMode
    /// Bilinear only: align the corner pixels of input and output.
    public let alignCorners: Bool

    /// Resizes to `size` (height, width).
    public init(size: (Int, Int), mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        (self.size, self.scaleFactor, self.mode, self.alignCorners) = (size, nil, mode, alignCorners)
    }

    /// Resizes to `size × size`.
    public convenience init(size: Int, mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        self.init(size: (size, size), mode: mode, alignCorners: alignCorners)
    }

    /// Scales height and width by `scaleFactor`.
    public init(scaleFactor: (Double, Double), mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        (self.size, self.scaleFactor, self.mode, self.alignCorners) = (nil, scaleFactor, mode, alignCorners)
    }

    /// Scales height and width by the same `scaleFactor`.
    public convenience init(scaleFactor: Double, mode: UpsampleMode = .nearest, alignCorners: Bool = false) {
        self.init(scaleFactor: (scaleFactor, scaleFactor), mode: mode, alignCorners: alignCorners)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        if let size { return upsample(x, size: size, mode: mode, alignCorners: alignCorners) }
        return upsample(x, scaleFactor: scaleFactor!, mode: mode, alignCorners: alignCorners)
    }
}
