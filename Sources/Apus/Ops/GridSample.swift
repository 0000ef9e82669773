// Sampling an input at arbitrary positions, as `torch.nn.functional.grid_sample`, and the grids of
// affine transforms, as `torch.nn.functional.affine_grid`: together the spatial transformer of
// Jaderberg et al. The 2-d kernel follows the arithmetic of PyTorch's vectorised CPU kernel, the
// 3-d one that of its scalar kernel (Backend/ResampleKernels.swift), so positions, weights and
// padding round as PyTorch's do.

/// How ``gridSample(_:grid:mode:paddingMode:alignCorners:)`` reads the input at a position, as
/// `grid_sample`'s `mode`.
public enum GridSampleMode: Sendable, CaseIterable {
    /// Linear interpolation between the 2×2 (2×2×2 for 5-d inputs) neighbours.
    case bilinear
    /// The nearest element (ties round to even, as `nearbyint`).
    case nearest
    /// Cubic convolution (A = −0.75) over 4×4 (4×4×4) neighbours, each padded separately.
    case bicubic
}

/// What ``gridSample(_:grid:mode:paddingMode:alignCorners:)`` reads outside the input, as
/// `grid_sample`'s `padding_mode`.
public enum GridSamplePaddingMode: Sendable, CaseIterable {
    /// Zero outside the input.
    case zeros
    /// The nearest border element (positions clamped to the input).
    case border
    /// The input mirrored at its borders (at the pixel edges, or at the corner pixels' centres
    /// with `alignCorners`), then clamped.
    case reflection
}

/// Samples `input` at the positions in `grid`, as `torch.nn.functional.grid_sample(input, grid,
/// mode, padding_mode, align_corners)`.
///
/// - 2-d: `input` `[N, C, H, W]`, `grid` `[N, H_out, W_out, 2]` → `[N, C, H_out, W_out]`.
/// - 3-d: `input` `[N, C, D, H, W]`, `grid` `[N, D_out, H_out, W_out, 3]` → `[N, C, D_out, H_out, W_out]`.
///
/// `grid[n, …]` holds (x, y) (or (x, y, z)) with −1 and +1 at the left/top and right/bottom
/// edges of the input: the outer edges of the border pixels, or with `alignCorners: true` the
/// centres of the corner pixels; so x = −1 maps to column −0.5 (or 0) and x = 1 to `W − 0.5` (or
/// `W − 1`). `paddingMode` says what is read outside the input. The output has `input`'s dtype;
/// `grid` must have the same one.
///
/// Gradients flow to both `input` (each output's gradient spread over the elements it read, with
/// their weights) and `grid` (the derivative of the interpolation with respect to the position;
/// zero for `.nearest`, and zero where border or reflection padding clamps the position).
///
/// ```swift
/// let theta = Tensor([[[0.8, -0.2, 0.1], [0.2, 0.8, 0]]])     // [1, 2, 3]
/// let grid = affineGrid(theta: theta, size: [1, 3, 64, 64])
/// let warped = gridSample(image, grid: grid, paddingMode: .border)
/// ```
public func gridSample(_ input: Tensor, grid: Tensor, mode: GridSampleMode = .bilinear,
                       paddingMode: GridSamplePaddingMode = .zeros, alignCorners: Bool = false) -> Tensor {
    require(input.dtype == grid.dtype,
            "gridSample: expected input and grid of the same dtype, got \(input.dtype) and \(grid.dtype)")
    if let r = inFloat32IfReduced(input, grid, { gridSample($0, grid: $1, mode: mode, paddingMode: paddingMode, alignCorners: alignCorners) }) {
        return r
    }
    require((input.rank == 4 || input.rank == 5) && grid.rank == input.rank,
            "gridSample: expected a 4-d input [N, C, H, W] with a 4-d grid [N, H_out, W_out, 2], or a 5-d input with a 5-d grid, "
                + "got input \(input.shape) and grid \(grid.shape)")
    require(input.shape[0] == grid.shape[0],
            "gridSample: expected grid and input to have the same batch size, got input \(input.shape) and grid \(grid.shape)")
    let dims = input.rank - 2
    require(grid.shape[grid.rank - 1] == dims,
            "gridSample: expected the grid to have size \(dims) in its last dimension, got grid \(grid.shape)")
    for axis in 2..<input.rank {
        require(input.shape[axis] > 0,
                "gridSample: expected the input to have non-empty spatial dimensions, got input \(input.shape) with dimension \(axis) empty")
    }
    require(input.dtype.isFloatingPoint, "gridSample: not implemented for \(input.dtype) tensors")
    let x = input.detached().contiguous(), g = grid.detached().contiguous()
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let out = dims == 2
            ? Kernels.gridSample2d(x, g, T.self, mode: mode, padding: paddingMode, alignCorners: alignCorners)
            : Kernels.gridSample3d(x, g, T.self, mode: mode, padding: paddingMode, alignCorners: alignCorners)
        guard shouldRecord(input, grid) else { return out }
        let (needInput, needGrid) = (input.node != nil, grid.node != nil)
        return record("gridSample", input, grid, out) { up in
            let (gi, gg) = dims == 2
                ? Kernels.gridSample2dBackward(up.contiguous(), x, g, T.self, mode: mode, padding: paddingMode,
                                               alignCorners: alignCorners, inputGradient: needInput)
                : Kernels.gridSample3dBackward(up.contiguous(), x, g, T.self, mode: mode, padding: paddingMode,
                                               alignCorners: alignCorners, inputGradient: needInput)
            return [gi, needGrid ? gg : nil]
        }
    }
    return input.dtype == .float32 ? run(Float.self) : run(Double.self)
}

/// The sampling grid of a batch of affine transforms, as `torch.nn.functional.affine_grid(theta,
/// size, align_corners)`: the input of ``gridSample(_:grid:mode:paddingMode:alignCorners:)``.
///
/// - 2-d: `theta` `[N, 2, 3]`, `size` `[N, C, H, W]` → grid `[N, H, W, 2]`, with
///   `grid[n, i, j] = θₙ · (xⱼ, yᵢ, 1)`.
/// - 3-d: `theta` `[N, 3, 4]`, `size` `[N, C, D, H, W]` → grid `[N, D, H, W, 3]`.
///
/// The base coordinates `xⱼ` run from −1 to 1 over the output's width (the pixel centres:
/// `(2j + 1)/W − 1`, or with `alignCorners: true` the corner pixels at ±1), as in PyTorch; an
/// identity `theta` therefore samples the input unchanged. Gradient with respect to `theta`.
public func affineGrid(theta: Tensor, size: [Int], alignCorners: Bool = false) -> Tensor {
    require(theta.dtype.isFloatingPoint, "affineGrid: expected theta to have a floating-point dtype, got \(theta.dtype)")
    if let r = inFloat32IfReduced(theta, { affineGrid(theta: $0, size: size, alignCorners: alignCorners) }) { return r }
    require(size.count == 4 || size.count == 5,
            "affineGrid: only 4-d and 5-d sizes are supported, for 2-d and 3-d affine transforms, got size \(size)")
    let dims = size.count - 2
    require(theta.rank == 3 && theta.shape[1] == dims && theta.shape[2] == dims + 1,
            "affineGrid: expected a batch of \(dims)-d affine matrices of shape [N, \(dims), \(dims + 1)] for size \(size), got \(theta.shape)")
    require(alignCorners && size[2...].min() == 1 || size.min()! > 0,
            "affineGrid: expected a non-zero, positive output size, got \(size)")
    require(theta.shape[0] == size[0],
            "affineGrid: theta has \(theta.shape[0]) matrices but size \(size) asks for a batch of \(size[0])")
    let spatial = Array(size[2...]), n = size[0]
    let t = theta.detached().contiguous()
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        // The base coordinates along each axis, innermost (x) first.
        let bases: [[T]] = spatial.reversed().map { linspaceFromMinusOne(T.self, $0, alignCorners: alignCorners) }
        let out = affineGridForward(t, T.self, n: n, spatial: spatial, bases: bases)
        return recordUnary("affineGrid", theta, out) { g in
            affineGridBackward(g.contiguous(), T.self, n: n, spatial: spatial, bases: bases)
        }
    }
    return theta.dtype == .float32 ? run(Float.self) : run(Double.self)
}

/// PyTorch's `linspace_from_neg_one`: `linspace(−1, 1, steps)`, times `(steps − 1)/steps` unless
/// aligning corners; `[0]` for one step.
private func linspaceFromMinusOne<T: FloatScalar>(_: T.Type, _ steps: Int, alignCorners: Bool) -> [T] {
    if steps <= 1 { return [T](repeating: 0, count: steps) }
    let step = (T(1) - T(-1)) / T(steps - 1), half = steps / 2
    return (0..<steps).map { i in
        let v = i < half ? T(-1) + step * T(i) : T(1) - step * T(steps - i - 1)
        return alignCorners ? v : v * T(steps - 1) / T(steps)
    }
}

/// Calls `body(x, y, z)` with the base coordinates of every point, row-major over `spatial`
/// (`z` is 0 for 2-d grids).
@inline(__always)
private func forEachBasePoint<T: FloatScalar>(spatial: [Int], bases: [[T]], _ body: (T, T, T) -> Void) {
    let xs = bases[0], ys = bases[1], zs: [T] = spatial.count == 3 ? bases[2] : [0]
    for z in zs { for y in ys { for x in xs { body(x, y, z) } } }
}

/// `grid[n, p, k] = Σ_j base[p, j] · θ[n, k, j]` with `base[p] = (x, y[, z], 1)`.
private func affineGridForward<T: FloatScalar>(_ theta: Tensor, _: T.Type, n: Int, spatial: [Int], bases: [[T]]) -> Tensor {
    let dims = spatial.count, points = spatial.reduce(1, *)
    let out = Tensor(uninitialized: [n] + spatial + [dims], dtype: theta.dtype)
    guard out.count > 0 else { return out }
    let pt = UnsafePointer(theta.storage.pointer(T.self) + theta.offset), po = out.storage.pointer(T.self)
    for b in 0..<n {
        let th = pt + b * dims * (dims + 1)
        var o = po + b * points * dims
        forEachBasePoint(spatial: spatial, bases: bases) { x, y, z in
            for k in 0..<dims {
                let row = th + k * (dims + 1)
                o[k] = dims == 2 ? x * row[0] + y * row[1] + row[2] : x * row[0] + y * row[1] + z * row[2] + row[3]
            }
            o += dims
        }
    }
    return out
}

/// `dθ[n, k, j] = Σ_p g[n, p, k] · base[p, j]`, summed over the points in order.
private func affineGridBackward<T: FloatScalar>(_ g: Tensor, _: T.Type, n: Int, spatial: [Int], bases: [[T]]) -> Tensor {
    let dims = spatial.count, points = spatial.reduce(1, *)
    let out = Tensor(shape: [n, dims, dims + 1], dtype: g.dtype, zeroed: true)
    guard g.count > 0 else { return out }
    let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
    for b in 0..<n {
        let d = po + b * dims * (dims + 1)
        var s = pg + b * points * dims
        forEachBasePoint(spatial: spatial, bases: bases) { x, y, z in
            for k in 0..<dims {
                let row = d + k * (dims + 1), v = s[k]
                row[0] += v * x
                row[1] += v * y
                if dims == 3 { row[2] += v * z }
                row[dims] += v
            }
            s += dims
        }
    }
    return out
}
