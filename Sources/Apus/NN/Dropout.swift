// Dropout and alpha dropout, functional and as layers (`torch.nn.functional.dropout`,
// `torch.nn.Dropout`, `torch.nn.AlphaDropout`).

/// Inverted dropout, as `torch.nn.functional.dropout`: in training each element is kept with
/// probability `1 − p` and scaled by `1 / (1 − p)` (so the expected value is unchanged), else
/// set to 0; with `training: false` (or `p = 0`) it is the identity.
///
/// `p` must lie in `[0, 1]`; `p = 1` drops everything (all zeros), as in PyTorch. The mask is
/// drawn from `generator`, one uniform number per element in row-major order (element kept when
/// `u < 1 − p`). Gradient: the upstream gradient times the same mask. Shape and dtype of `x`.
public func dropout(_ x: Tensor, p: Double = 0.5, training: Bool = true,
                    generator: RandomGenerator = .default) -> Tensor {
    require(p >= 0 && p <= 1, "dropout: probability p must be in [0, 1], got \(p)")
    require(x.dtype.isFloatingPoint, "dropout: expected a floating-point input, got \(x.dtype)")
    guard training, p > 0 else { return x }
    if p == 1 { return x * 0.0 }
    let keep = 1 - p, scale = 1 / keep
    let mask = Tensor.filled(x.shape, dtype: x.dtype) { store in
        generator.forEachUniform(x.count) { i, u in store(i, u < keep ? scale : 0) }
    }
    return x * mask
}

/// Alpha dropout for self-normalising (SELU) networks, as `torch.nn.functional.alpha_dropout`:
/// keeps zero mean and unit variance of inputs that have them.
///
/// In training each element is kept with probability `1 − p`, else replaced by SELU's negative
/// saturation value `−α′ = −λα ≈ −1.7581`; then the result is mapped affinely, `a·x̃ + b`, with
/// `a = 1/√((α′²·p + 1)(1 − p))` and `b = a·α′·p`, so mean 0 / variance 1 are preserved.
/// In evaluation (or with `p = 0`) it is the identity; `p = 1` gives zeros, as in PyTorch.
/// Gradient: `a` where kept, 0 where dropped. Same mask draw as ``dropout(_:p:training:generator:)``.
public func alphaDropout(_ x: Tensor, p: Double = 0.5, training: Bool = true,
                         generator: RandomGenerator = .default) -> Tensor {
    require(p >= 0 && p <= 1, "alphaDropout: probability p must be in [0, 1], got \(p)")
    require(x.dtype.isFloatingPoint, "alphaDropout: expected a floating-point input, got \(x.dtype)")
    guard training, p > 0 else { return x }
    if p == 1 { return x * 0.0 }
    let alpha = 1.7580993408473766  // λ·α of SELU
    let keep = 1 - p
    let a = 1 / ((alpha * alpha * p + 1) * keep).squareRoot()
    // Kept: a·x + a·α′·p; dropped: a·(−α′) + a·α′·p. As x·m + c with m ∈ {a, 0}.
    var shift = [Double]()
    shift.reserveCapacity(x.count)
    let (keptShift, droppedShift) = (alpha * a * p, -alpha * a * keep)
    let multiplier = Tensor.filled(x.shape, dtype: x.dtype) { store in
        generator.forEachUniform(x.count) { i, u in
            let kept = u < keep
            store(i, kept ? a : 0)
            shift.append(kept ? keptShift : droppedShift)
        }
    }
    return x * multiplier + Tensor(shape: x.shape, values: shift, dtype: x.dtype)
}

/// Randomly zeroes elements during training, as `torch.nn.Dropout`: see
/// ``dropout(_:p:training:generator:)``. The identity in evaluation mode (``Module/eval()``).
public final class Dropout: Module {
    /// Probability of dropping an element.
    public let p: Double
    let generator: RandomGenerator

    /// A dropout layer with drop probability `p` in `[0, 1]` (PyTorch's default 0.5), drawing its
    /// masks from `generator`.
    public init(p: Double = 0.5, generator: RandomGenerator = .default) {
        require(p >= 0 && p <= 1, "Dropout: probability p must be in [0, 1], got \(p)")
        self.p = p
        self.generator = generator
    }

    /// `x` with elements dropped (training) or unchanged (evaluation).
    public override func forward(_ x: Tensor) -> Tensor {
        dropout(x, p: p, training: training, generator: generator)
    }
}

/// Alpha dropout for SELU networks, as `torch.nn.AlphaDropout`: see
/// ``alphaDropout(_:p:training:generator:)``. The identity in evaluation mode.
public final class AlphaDropout: Module {
    /// Probability of dropping an element.
    public let p: Double
    let generator: RandomGenerator

    /// An alpha-dropout layer with drop probability `p` in `[0, 1]` (PyTorch's default 0.5).
    public init(p: Double = 0.5, generator: RandomGenerator = .default) {
        require(p >= 0 && p <= 1, "AlphaDropout: probability p must be in [0, 1], got \(p)")
        self.p = p
        self.generator = generator
    }

    /// `x` with alpha dropout applied (training) or unchanged (evaluation).
    public override func forward(_ x: Tensor) -> Tensor {
        alphaDropout(x, p: p, training: training, generator: generator)
    }
}
