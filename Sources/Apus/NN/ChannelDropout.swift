// Channel-wise dropout, functional and as layers (`torch.nn.functional.dropout1d/2d/3d`,
// `torch.nn.Dropout1d/2d/3d`): whole feature maps are dropped, for convolutional features whose
// neighbouring pixels are strongly correlated (Tompson et al., 2015), where dropping single
// pixels regularises little.

/// Drops whole channels of `x` `[N, C, …]` (channel axis 1): each of the `N·C` maps is kept with
/// probability `1 − p` and scaled by `1/(1 − p)`, else zeroed; one uniform number per map, in
/// row-major order of `[N, C]`, drawn from `generator` (kept when `u < 1 − p`).
private func featureDropout(_ x: Tensor, p: Double, generator: RandomGenerator, op: String) -> Tensor {
    require(x.rank >= 2, "\(op): feature dropout needs an input of at least 2 dimensions, got shape \(x.shape)")
    if p == 1 { return x * 0.0 }
    let keep = 1 - p, scale = 1 / keep
    let maskShape = [x.shape[0], x.shape[1]] + [Int](repeating: 1, count: x.rank - 2)
    let mask = Tensor.filled(maskShape, dtype: x.dtype) { store in
        generator.forEachUniform(x.shape[0] * x.shape[1]) { i, u in store(i, u < keep ? scale : 0) }
    }
    return x * mask
}

/// Checks what every channel dropout checks; true when it drops anything.
private func dropping(_ x: Tensor, p: Double, training: Bool, op: String) -> Bool {
    require(p >= 0 && p <= 1, "\(op): probability p must be in [0, 1], got \(p)")
    require(x.dtype.isFloatingPoint, "\(op): expected a floating-point input, got \(x.dtype)")
    return training && p > 0
}

/// Channel dropout for inputs with one spatial axis, as `torch.nn.functional.dropout1d`: `x` is
/// `[N, C, L]`, or `[C, L]` unbatched; in training each channel (the whole `L` row of one sample)
/// is zeroed with probability `p` and the others are scaled by `1/(1 − p)`. The identity when
/// `training` is false or `p = 0`; `p = 1` gives zeros. Other ranks stop, as in PyTorch.
///
/// Gradient: the upstream gradient times the same mask. Masks are drawn from `generator`, one
/// uniform number per (sample, channel).
public func dropout1d(_ x: Tensor, p: Double = 0.5, training: Bool = true, generator: RandomGenerator = .default) -> Tensor {
    require(x.rank == 2 || x.rank == 3, """
        dropout1d: expected a 2-D [C, L] or 3-D [N, C, L] input, got shape \(x.shape) (channel-wise dropout \
        of inputs with 1 spatial dimension, a channel dimension and an optional batch dimension)
        """)
    guard dropping(x, p: p, training: training, op: "dropout1d") else { return x }
    if x.rank == 2 { return featureDropout(x.unsqueezed(axis: 0), p: p, generator: generator, op: "dropout1d").squeezed(axis: 0) }
    return featureDropout(x, p: p, generator: generator, op: "dropout1d")
}

/// Channel dropout for inputs with two spatial axes, as `torch.nn.functional.dropout2d`: `x` is
/// `[N, C, H, W]`; in training each `H×W` map is zeroed with probability `p` and the others are
/// scaled by `1/(1 − p)`. The identity when `training` is false or `p = 0`; `p = 1` gives zeros.
///
/// As PyTorch (for now), axis 1 is always the channel axis: a 3-D input is read as `[N, C, L]`
/// (1-D channel dropout, not an unbatched `[C, H, W]`), and other ranks of at least 2 are
/// accepted; both print a warning once (use ``dropout1d(_:p:training:generator:)`` or
/// ``dropout(_:p:training:generator:)``). A 1-D input stops.
public func dropout2d(_ x: Tensor, p: Double = 0.5, training: Bool = true, generator: RandomGenerator = .default) -> Tensor {
    require(x.rank >= 2, "dropout2d: feature dropout needs an input of at least 2 dimensions [N, C, …], got shape \(x.shape)")
    if x.rank == 3 {
        warnOnce("dropout2d: a 3-D input is read as [N, C, L] (channel-wise 1-D dropout), not as an unbatched [C, H, W]; use dropout1d for this behaviour")
    } else if x.rank != 4 {
        warnOnce("dropout2d: a \(x.rank)-D input is deprecated (dropout2d is channel-wise dropout of [N, C, H, W] inputs); use dropout instead")
    }
    guard dropping(x, p: p, training: training, op: "dropout2d") else { return x }
    return featureDropout(x, p: p, generator: generator, op: "dropout2d")
}

/// Channel dropout for inputs with three spatial axes, as `torch.nn.functional.dropout3d`: `x` is
/// `[N, C, D, H, W]`, or `[C, D, H, W]` unbatched; in training each `D×H×W` volume is zeroed with
/// probability `p` and the others are scaled by `1/(1 − p)`. The identity when `training` is false
/// or `p = 0`; `p = 1` gives zeros.
///
/// As PyTorch, an input of any other rank is accepted with a warning (printed once) and read as
/// unbatched: its first axis is the channel axis.
public func dropout3d(_ x: Tensor, p: Double = 0.5, training: Bool = true, generator: RandomGenerator = .default) -> Tensor {
    if x.rank != 4 && x.rank != 5 {
        warnOnce("dropout3d: a \(x.rank)-D input is deprecated (dropout3d is channel-wise dropout of [N, C, D, H, W] or [C, D, H, W] inputs); use dropout instead")
    }
    guard dropping(x, p: p, training: training, op: "dropout3d") else { return x }
    if x.rank != 5 { return featureDropout(x.unsqueezed(axis: 0), p: p, generator: generator, op: "dropout3d").squeezed(axis: 0) }
    return featureDropout(x, p: p, generator: generator, op: "dropout3d")
}

/// Randomly zeroes whole channels of `[N, C, L]` (or `[C, L]`) inputs during training, as
/// `torch.nn.Dropout1d`: see ``dropout1d(_:p:training:generator:)``. The identity in evaluation mode.
public final class Dropout1d: Module {
    /// Probability of dropping a channel.
    public let p: Double
    let generator: RandomGenerator

    /// A channel-dropout layer with drop probability `p` in `[0, 1]` (PyTorch's default 0.5),
    /// drawing its masks from `generator`.
    public init(p: Double = 0.5, generator: RandomGenerator = .default) {
        require(p >= 0 && p <= 1, "Dropout1d: probability p must be in [0, 1], got \(p)")
        (self.p, self.generator) = (p, generator)
    }

    /// `x` with channels dropped (training) or unchanged (evaluation).
    public override func forward(_ x: Tensor) -> Tensor { dropout1d(x, p: p, training: training, generator: generator) }
}

/// Randomly zeroes whole channels of `[N, C, H, W]` inputs during training, as
/// `torch.nn.Dropout2d`: see ``dropout2d(_:p:training:generator:)``. The identity in evaluation mode.
public final class Dropout2d: Module {
    /// Probability of dropping a channel.
    public let p: Double
    let generator: RandomGenerator

    /// A channel-dropout layer with drop probability `p` in `[0, 1]` (PyTorch's default 0.5),
    /// drawing its masks from `generator`.
    public init(p: Double = 0.5, generator: RandomGenerator = .default) {
        require(p >= 0 && p <= 1, "Dropout2d: probability p must be in [0, 1], got \(p)")
        (self.p, self.generator) = (p, generator)
    }

    /// `x` with channels dropped (training) or unchanged (evaluation).
    public override func forward(_ x: Tensor) -> Tensor { dropout2d(x, p: p, training: training, generator: generator) }
}

/// Randomly zeroes whole channels of `[N, C, D, H, W]` (or `[C, D, H, W]`) inputs during training,
/// as `torch.nn.Dropout3d`: see ``dropout3d(_:p:training:generator:)``. The identity in evaluation mode.
public final class Dropout3d: Module {
    /// Probability of dropping a channel.
    public let p: Double
    let generator: RandomGenerator

    /// A channel-dropout layer with drop probability `p` in `[0, 1]` (PyTorch's default 0.5),
    /// drawing its masks from `generator`.
    public init(p: Double = 0.5, generator: RandomGenerator = .default) {
        require(p >= 0 && p <= 1, "Dropout3d: probability p must be in [0, 1], got \(p)")
        (self.p, self.generator) = (p, generator)
    }

    /// `x` with channels dropped (training) or unchanged (evaluation).
    public override func forward(_ x: Tensor) -> Tensor { dropout3d(x, p: p, training: training, generator: generator) }
}
