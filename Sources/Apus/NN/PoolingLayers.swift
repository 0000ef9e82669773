// Pooling layers, as `torch.nn.MaxPool2d`, `AvgPool3d`, `AdaptiveAvgPool2d`, `MaxUnpool2d`,
// `LPPool2d`, …: each stores its hyper-parameters, with PyTorch's defaults, and calls the
// functional op (Ops/Pooling.swift). Sizes of the 1-d layers are `Int`s, of the 2-d layers
// `IntPair`s (one integer for both axes or `[height, width]`), of the 3-d layers `IntTriple`s.
// They hold no parameters.
//
// PyTorch's `return_indices=True` makes a max-pooling module return a (values, indices) pair; a
// Swift module's `forward` returns one tensor, so these layers keep the flag and return the pair
// from `callAsFunction(withIndices:)`, which `MaxUnpool*d` takes back.

/// 2-d max pooling, as `torch.nn.MaxPool2d`: see `maxPool2d(_:kernelSize:stride:padding:dilation:ceilMode:)`.
/// `[N, C, H, W]` (or `[C, H, W]`) → `[N, C, H_out, W_out]`.
public final class MaxPool2d: Module {
    /// Window height and width.
    public let kernelSize: IntPair
    /// Step between windows (PyTorch's default: the kernel size).
    public let stride: IntPair
    /// −∞ padding on each side.
    public let padding: IntPair
    /// Spacing between the taps of a window.
    public let dilation: IntPair
    /// Whether the output size rounds up (windows may run past the input).
    public let ceilMode: Bool
    /// PyTorch's `return_indices`: the layer is meant to be called with
    /// ``callAsFunction(withIndices:)`` (calling it plainly returns the values).
    public let returnIndices: Bool

    /// Max pooling over `kernelSize` windows every `stride` (nil: `kernelSize`): `MaxPool2d(2)`,
    /// `MaxPool2d([3, 2], stride: [1, 2])`.
    public init(_ kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0, dilation: IntPair = 1,
                returnIndices: Bool = false, ceilMode: Bool = false) {
        (self.kernelSize, self.stride, self.padding, self.dilation, self.ceilMode) =
            (kernelSize, stride ?? kernelSize, padding, dilation, ceilMode)
        self.returnIndices = returnIndices
    }

    /// Max pooling with `(height, width)` tuples.
    @available(*, deprecated, message: "pass IntPairs: MaxPool2d([3, 2], stride: [1, 2])")
    public convenience init(_ kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                            dilation: (Int, Int) = (1, 1), ceilMode: Bool = false) {
        self.init(IntPair(kernelSize), stride: stride.map(IntPair.init), padding: IntPair(padding),
                  dilation: IntPair(dilation), ceilMode: ceilMode)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        maxPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// The pooled values and each maximum's flat index in its plane, as PyTorch's layer with
    /// `return_indices=True`; see ``maxPool2dWithIndices(_:kernelSize:stride:padding:dilation:ceilMode:)``.
    public func callAsFunction(withIndices x: Tensor) -> (values: Tensor, indices: Tensor) {
        maxPool2dWithIndices(x, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// 1-d max pooling over the last axis, as `torch.nn.MaxPool1d`: `[N, C, L]` (or `[C, L]`) →
/// `[N, C, L_out]`; see `maxPool1d(_:kernelSize:stride:padding:dilation:ceilMode:)`.
public final class MaxPool1d: Module {
    /// Window length.
    public let kernelSize: Int
    /// Step between windows (PyTorch's default: the kernel size).
    public let stride: Int
    /// Padding on each side (−∞ for max pooling, 0 for average pooling).
    public let padding: Int
    /// Spacing between the taps of a window.
    public let dilation: Int
    /// Whether the output size rounds up (the last window may run past the input).
    public let ceilMode: Bool
    /// PyTorch's `return_indices`: the layer is meant to be called with
    /// ``callAsFunction(withIndices:)`` (calling it plainly returns the values).
    public let returnIndices: Bool

    /// Max pooling over `kernelSize` windows every `stride` (nil: `kernelSize`).
    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, returnIndices: Bool = false,
                ceilMode: Bool = false) {
        (self.kernelSize, self.stride, self.padding, self.dilation, self.ceilMode) =
            (kernelSize, stride ?? kernelSize, padding, dilation, ceilMode)
        self.returnIndices = returnIndices
    }

    public override func forward(_ x: Tensor) -> Tensor {
        maxPool1d(x, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// The pooled values and each maximum's position along `L`, as PyTorch's layer with
    /// `return_indices=True`; see ``maxPool1dWithIndices(_:kernelSize:stride:padding:dilation:ceilMode:)``.
    public func callAsFunction(withIndices x: Tensor) -> (values: Tensor, indices: Tensor) {
        maxPool1dWithIndices(x, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// 2-d average pooling, as `torch.nn.AvgPool2d`: see
/// `avgPool2d(_:kernelSize:stride:padding:ceilMode:countIncludePad:divisorOverride:)`.
public final class AvgPool2d: Module {
    /// Window height and width.
    public let kernelSize: IntPair
    /// Step between windows (PyTorch's default: the kernel size).
    public let stride: IntPair
    /// Zero padding on each side.
    public let padding: IntPair
    /// Whether the output size rounds up (the last window may run past the input).
    public let ceilMode: Bool
    /// Whether padded positions count in the divisor.
    public let countIncludePad: Bool
    /// A fixed divisor instead of the window size.
    public let divisorOverride: Int?

    /// Average pooling over `kernelSize` windows every `stride` (nil: `kernelSize`): `AvgPool2d(2)`,
    /// `AvgPool2d([2, 3], stride: [2, 1], padding: [1, 0])`.
    public init(_ kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
        (self.ceilMode, self.countIncludePad, self.divisorOverride) = (ceilMode, countIncludePad, divisorOverride)
    }

    /// Average pooling with `(height, width)` tuples.
    @available(*, deprecated, message: "pass IntPairs: AvgPool2d([2, 3], stride: [2, 1])")
    public convenience init(_ kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                            ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        self.init(IntPair(kernelSize), stride: stride.map(IntPair.init), padding: IntPair(padding), ceilMode: ceilMode,
                  countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        avgPool2d(x, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                  countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }
}

/// 1-d average pooling over the last axis, as `torch.nn.AvgPool1d`: see
/// `avgPool1d(_:kernelSize:stride:padding:ceilMode:countIncludePad:)`.
public final class AvgPool1d: Module {
    /// Window length.
    public let kernelSize: Int
    /// Step between windows (PyTorch's default: the kernel size).
    public let stride: Int
    /// Padding on each side (−∞ for max pooling, 0 for average pooling).
    public let padding: Int
    /// Whether the output size rounds up (the last window may run past the input).
    public let ceilMode: Bool
    /// Whether padded positions count in the divisor.
    public let countIncludePad: Bool

    /// Average pooling over `kernelSize` windows every `stride` (nil: `kernelSize`).
    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
        (self.kernelSize, self.stride, self.padding, self.ceilMode, self.countIncludePad) =
            (kernelSize, stride ?? kernelSize, padding, ceilMode, countIncludePad)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        avgPool1d(x, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }
}

/// Adaptive average pooling to a fixed output size, as `torch.nn.AdaptiveAvgPool2d`:
/// `[N, C, H, W]` → `[N, C, outputSize.height, outputSize.width]` for any `H, W`; see `adaptiveAvgPool2d(_:outputSize:)`.
public final class AdaptiveAvgPool2d: Module {
    /// Output height and width.
    public let outputSize: IntPair
    /// Pools to `outputSize`: one integer for a square output, or `[height, width]`.
    public init(_ outputSize: IntPair) { self.outputSize = outputSize }
    /// Pools to a `(height, width)` tuple.
    @available(*, deprecated, message: "pass an IntPair: AdaptiveAvgPool2d([3, 4])")
    public convenience init(_ outputSize: (Int, Int)) { self.init(IntPair(outputSize)) }
    public override func forward(_ x: Tensor) -> Tensor { adaptiveAvgPool2d(x, outputSize: outputSize) }
}

/// Adaptive max pooling to a fixed output size, as `torch.nn.AdaptiveMaxPool2d`; see `adaptiveMaxPool2d(_:outputSize:)`.
public final class AdaptiveMaxPool2d: Module {
    /// Output height and width.
    public let outputSize: IntPair
    /// PyTorch's `return_indices`: the layer is meant to be called with
    /// ``callAsFunction(withIndices:)`` (calling it plainly returns the values).
    public let returnIndices: Bool
    /// Pools to `outputSize`: one integer for a square output, or `[height, width]`.
    public init(_ outputSize: IntPair, returnIndices: Bool = false) {
        (self.outputSize, self.returnIndices) = (outputSize, returnIndices)
    }
    /// Pools to a `(height, width)` tuple.
    @available(*, deprecated, message: "pass an IntPair: AdaptiveMaxPool2d([3, 4])")
    public convenience init(_ outputSize: (Int, Int)) { self.init(IntPair(outputSize)) }
    public override func forward(_ x: Tensor) -> Tensor { adaptiveMaxPool2d(x, outputSize: outputSize) }
    /// The pooled values and each maximum's flat index `h·W + w` in its plane, as PyTorch's layer
    /// with `return_indices=True`.
    public func callAsFunction(withIndices x: Tensor) -> (values: Tensor, indices: Tensor) {
        adaptiveMaxPool2dWithIndices(x, outputSize: outputSize)
    }
}

/// Global average pooling, `[N, C, H, W]` → `[N, C]`: the same as `AdaptiveAvgPool2d(1)` followed
/// by `Flatten()`, in one pass (see `globalAvgPool2d(_:)`). PyTorch has no such class.
public final class GlobalAvgPool2d: Module {
    /// Creates the layer; it has no parameters and works for any input height and width.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { globalAvgPool2d(x) }
}

/// 3-d max pooling, as `torch.nn.MaxPool3d`: `[N, C, D, H, W]` (or `[C, D, H, W]`) →
/// `[N, C, D_out, H_out, W_out]`; see ``maxPool3d(_:kernelSize:stride:padding:dilation:ceilMode:)``.
public final class MaxPool3d: Module {
    /// Window depth, height and width.
    public let kernelSize: IntTriple
    /// Step between windows (PyTorch's default: the kernel size).
    public let stride: IntTriple
    /// −∞ padding on each side.
    public let padding: IntTriple
    /// Spacing between the taps of a window.
    public let dilation: IntTriple
    /// PyTorch's `return_indices`: the layer is meant to be called with
    /// ``callAsFunction(withIndices:)`` (calling it plainly returns the values).
    public let returnIndices: Bool
    /// Whether the output size rounds up (windows may run past the input).
    public let ceilMode: Bool

    /// Max pooling over `kernelSize` boxes every `stride` (nil: `kernelSize`): `MaxPool3d(2)`,
    /// `MaxPool3d([1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1])`.
    public init(_ kernelSize: IntTriple, stride: IntTriple? = nil, padding: IntTriple = 0, dilation: IntTriple = 1,
                returnIndices: Bool = false, ceilMode: Bool = false) {
        (self.kernelSize, self.stride, self.padding, self.dilation) = (kernelSize, stride ?? kernelSize, padding, dilation)
        (self.returnIndices, self.ceilMode) = (returnIndices, ceilMode)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        maxPool3d(x, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// The pooled values and each maximum's flat index in its volume, as PyTorch's layer with
    /// `return_indices=True`; see ``maxPool3dWithIndices(_:kernelSize:stride:padding:dilation:ceilMode:)``.
    public func callAsFunction(withIndices x: Tensor) -> (values: Tensor, indices: Tensor) {
        maxPool3dWithIndices(x, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// 3-d average pooling, as `torch.nn.AvgPool3d`: see
/// ``avgPool3d(_:kernelSize:stride:padding:ceilMode:countIncludePad:divisorOverride:)``.
public final class AvgPool3d: Module {
    /// Window depth, height and width.
    public let kernelSize: IntTriple
    /// Step between windows (PyTorch's default: the kernel size).
    public let stride: IntTriple
    /// Zero padding on each side.
    public let padding: IntTriple
    /// Whether the output size rounds up (the last window may run past the input).
    public let ceilMode: Bool
    /// Whether padded positions count in the divisor.
    public let countIncludePad: Bool
    /// A fixed divisor instead of the window size.
    public let divisorOverride: Int?

    /// Average pooling over `kernelSize` boxes every `stride` (nil: `kernelSize`): `AvgPool3d(2)`,
    /// `AvgPool3d([1, 3, 3], stride: 1, padding: [0, 1, 1], countIncludePad: false)`.
    public init(_ kernelSize: IntTriple, stride: IntTriple? = nil, padding: IntTriple = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
        (self.ceilMode, self.countIncludePad, self.divisorOverride) = (ceilMode, countIncludePad, divisorOverride)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        avgPool3d(x, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                  countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }
}

/// 1-d adaptive average pooling, as `torch.nn.AdaptiveAvgPool1d`: `[N, C, L]` → `[N, C, outputSize]`
/// for any `L`; see ``adaptiveAvgPool1d(_:outputSize:)``.
public final class AdaptiveAvgPool1d: Module {
    /// Output length.
    public let outputSize: Int
    /// Pools to `outputSize` values along the last axis.
    public init(_ outputSize: Int) { self.outputSize = outputSize }
    public override func forward(_ x: Tensor) -> Tensor { adaptiveAvgPool1d(x, outputSize: outputSize) }
}

/// 1-d adaptive max pooling, as `torch.nn.AdaptiveMaxPool1d`; see ``adaptiveMaxPool1d(_:outputSize:)``.
public final class AdaptiveMaxPool1d: Module {
    /// Output length.
    public let outputSize: Int
    /// PyTorch's `return_indices`: the layer is meant to be called with
    /// ``callAsFunction(withIndices:)`` (calling it plainly returns the values).
    public let returnIndices: Bool
    /// Pools to `outputSize` values along the last axis.
    public init(_ outputSize: Int, returnIndices: Bool = false) { (self.outputSize, self.returnIndices) = (outputSize, returnIndices) }
    public override func forward(_ x: Tensor) -> Tensor { adaptiveMaxPool1d(x, outputSize: outputSize) }
    /// The pooled values and each maximum's position along `L`, as PyTorch's layer with `return_indices=True`.
    public func callAsFunction(withIndices x: Tensor) -> (values: Tensor, indices: Tensor) {
        adaptiveMaxPool1dWithIndices(x, outputSize: outputSize)
    }
}

/// 3-d adaptive average pooling, as `torch.nn.AdaptiveAvgPool3d`: `[N, C, D, H, W]` →
/// `[N, C, outD, outH, outW]` for any input size; see ``adaptiveAvgPool3d(_:outputSize:)``.
public final class AdaptiveAvgPool3d: Module {
    /// Output depth, height and width.
    public let outputSize: IntTriple
    /// Pools to `outputSize`: one integer for a cube, or `[depth, height, width]`.
    public init(_ outputSize: IntTriple) { self.outputSize = outputSize }
    public override func forward(_ x: Tensor) -> Tensor { adaptiveAvgPool3d(x, outputSize: outputSize) }
}

/// 3-d adaptive max pooling, as `torch.nn.AdaptiveMaxPool3d`; see ``adaptiveMaxPool3d(_:outputSize:)``.
public final class AdaptiveMaxPool3d: Module {
    /// Output depth, height and width.
    public let outputSize: IntTriple
    /// PyTorch's `return_indices`: the layer is meant to be called with
    /// ``callAsFunction(withIndices:)`` (calling it plainly returns the values).
    public let returnIndices: Bool
    /// Pools to `outputSize`: one integer for a cube, or `[depth, height, width]`.
    public init(_ outputSize: IntTriple, returnIndices: Bool = false) {
        (self.outputSize, self.returnIndices) = (outputSize, returnIndices)
    }
    public override func forward(_ x: Tensor) -> Tensor { adaptiveMaxPool3d(x, outputSize: outputSize) }
    /// The pooled values and each maximum's flat index in its volume, as PyTorch's layer with `return_indices=True`.
    public func callAsFunction(withIndices x: Tensor) -> (values: Tensor, indices: Tensor) {
        adaptiveMaxPool3dWithIndices(x, outputSize: outputSize)
    }
}

/// 1-d max unpooling, as `torch.nn.MaxUnpool1d`: puts pooled values back at the positions
/// ``MaxPool1d`` found (zeros elsewhere); call it with the indices,
/// `unpool(y, indices: i)`. See ``maxUnpool1d(_:indices:kernelSize:stride:padding:outputSize:)``.
public final class MaxUnpool1d: Module {
    /// The pooling's window length.
    public let kernelSize: Int
    /// The pooling's step (PyTorch's default: the kernel size).
    public let stride: Int
    /// The pooling's padding.
    public let padding: Int

    /// Unpooling for a pooling of `kernelSize` windows every `stride` (nil: `kernelSize`) with `padding`.
    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
    }

    /// Stops: unpooling needs the indices, `unpool(x, indices: i)`.
    public override func forward(_ x: Tensor) -> Tensor {
        require(false, "MaxUnpool1d: call it with the pooling's indices, unpool(x, indices: i)")
        return x
    }

    /// `x` written at `indices` of a zero output of length `outputSize` (nil: `(L − 1)·stride − 2·padding + kernelSize`).
    public func callAsFunction(_ x: Tensor, indices: Tensor, outputSize: [Int]? = nil) -> Tensor {
        maxUnpool1d(x, indices: indices, kernelSize: kernelSize, stride: stride, padding: padding, outputSize: outputSize)
    }
}

/// 2-d max unpooling, as `torch.nn.MaxUnpool2d`: puts pooled values back at the positions
/// ``MaxPool2d`` found (zeros elsewhere); call it with the indices,
/// `unpool(y, indices: i)`. See ``maxUnpool2d(_:indices:kernelSize:stride:padding:outputSize:)``.
public final class MaxUnpool2d: Module {
    /// The pooling's window height and width.
    public let kernelSize: IntPair
    /// The pooling's step (PyTorch's default: the kernel size).
    public let stride: IntPair
    /// The pooling's padding.
    public let padding: IntPair

    /// Unpooling for a pooling of `kernelSize` windows every `stride` (nil: `kernelSize`) with `padding`.
    public init(_ kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
    }

    /// Stops: unpooling needs the indices, `unpool(x, indices: i)`.
    public override func forward(_ x: Tensor) -> Tensor {
        require(false, "MaxUnpool2d: call it with the pooling's indices, unpool(x, indices: i)")
        return x
    }

    /// `x` written at `indices` of a zero output of `outputSize` (`[H, W]` or `[N, C, H, W]`; nil:
    /// `(H − 1)·stride − 2·padding + kernel`, likewise `W`).
    public func callAsFunction(_ x: Tensor, indices: Tensor, outputSize: [Int]? = nil) -> Tensor {
        maxUnpool2d(x, indices: indices, kernelSize: kernelSize, stride: stride, padding: padding, outputSize: outputSize)
    }
}

/// 3-d max unpooling, as `torch.nn.MaxUnpool3d`: puts pooled values back at the positions
/// ``MaxPool3d`` found (zeros elsewhere); call it with the indices,
/// `unpool(y, indices: i)`. See ``maxUnpool3d(_:indices:kernelSize:stride:padding:outputSize:)``.
public final class MaxUnpool3d: Module {
    /// The pooling's window depth, height and width.
    public let kernelSize: IntTriple
    /// The pooling's step (PyTorch's default: the kernel size).
    public let stride: IntTriple
    /// The pooling's padding.
    public let padding: IntTriple

    /// Unpooling for a pooling of `kernelSize` boxes every `stride` (nil: `kernelSize`) with `padding`.
    public init(_ kernelSize: IntTriple, stride: IntTriple? = nil, padding: IntTriple = 0) {
        (self.kernelSize, self.stride, self.padding) = (kernelSize, stride ?? kernelSize, padding)
    }

    /// Stops: unpooling needs the indices, `unpool(x, indices: i)`.
    public override func forward(_ x: Tensor) -> Tensor {
        require(false, "MaxUnpool3d: call it with the pooling's indices, unpool(x, indices: i)")
        return x
    }

    /// `x` written at `indices` of a zero output of `outputSize` (`[D, H, W]` or `[N, C, D, H, W]`;
    /// nil: `(D − 1)·stride − 2·padding + kernel` on each axis).
    public func callAsFunction(_ x: Tensor, indices: Tensor, outputSize: [Int]? = nil) -> Tensor {
        maxUnpool3d(x, indices: indices, kernelSize: kernelSize, stride: stride, padding: padding, outputSize: outputSize)
    }
}

/// 1-d power-average pooling, as `torch.nn.LPPool1d`: `(Σ xᵖ)^(1/p)` over windows of
/// `kernelSize`; see ``lpPool1d(_:normType:kernelSize:stride:ceilMode:)``.
public final class LPPool1d: Module {
    /// The power `p` (∞: max pooling of `|x|`).
    public let normType: Double
    /// Window length.
    public let kernelSize: Int
    /// Step between windows (PyTorch's default: the kernel size).
    public let stride: Int
    /// Whether the output size rounds up (the last window may run past the input).
    public let ceilMode: Bool

    /// LP pooling with power `normType` over `kernelSize` windows every `stride` (nil: `kernelSize`):
    /// `LPPool1d(normType: 2, kernelSize: 3, stride: 2)`.
    public init(normType: Double, kernelSize: Int, stride: Int? = nil, ceilMode: Bool = false) {
        (self.normType, self.kernelSize, self.stride, self.ceilMode) = (normType, kernelSize, stride ?? kernelSize, ceilMode)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        lpPool1d(x, normType: normType, kernelSize: kernelSize, stride: stride, ceilMode: ceilMode)
    }
}

/// 2-d power-average pooling, as `torch.nn.LPPool2d`: `(Σ xᵖ)^(1/p)` over `kernelSize` windows;
/// see ``lpPool2d(_:normType:kernelSize:stride:ceilMode:)``.
public final class LPPool2d: Module {
    /// The power `p` (∞: max pooling of `|x|`).
    public let normType: Double
    /// Window height and width.
    public let kernelSize: IntPair
    /// Step between windows (PyTorch's default: the kernel size).
    public let stride: IntPair
    /// Whether the output size rounds up (windows may run past the input).
    public let ceilMode: Bool

    /// LP pooling with power `normType` over `kernelSize` windows every `stride` (nil: `kernelSize`):
    /// `LPPool2d(normType: 2, kernelSize: 3, stride: 2)`.
    public init(normType: Double, kernelSize: IntPair, stride: IntPair? = nil, ceilMode: Bool = false) {
        (self.normType, self.kernelSize, self.stride, self.ceilMode) = (normType, kernelSize, stride ?? kernelSize, ceilMode)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        lpPool2d(x, normType: normType, kernelSize: kernelSize, stride: stride, ceilMode: ceilMode)
    }
}

/// 3-d power-average pooling, as `torch.nn.LPPool3d`: `(Σ xᵖ)^(1/p)` over `kernelSize` boxes;
/// see ``lpPool3d(_:normType:kernelSize:stride:ceilMode:)``.
public final class LPPool3d: Module {
    /// The power `p` (∞: max pooling of `|x|`).
    public let normType: Double
    /// Window depth, height and width.
    public let kernelSize: IntTriple
    /// Step between windows (PyTorch's default: the kernel size).
    public let stride: IntTriple
    /// Whether the output size rounds up (windows may run past the input).
    public let ceilMode: Bool

    /// LP pooling with power `normType` over `kernelSize` boxes every `stride` (nil: `kernelSize`):
    /// `LPPool3d(normType: 2, kernelSize: 2)`.
    public init(normType: Double, kernelSize: IntTriple, stride: IntTriple? = nil, ceilMode: Bool = false) {
        (self.normType, self.kernelSize, self.stride, self.ceilMode) = (normType, kernelSize, stride ?? kernelSize, ceilMode)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        lpPool3d(x, normType: normType, kernelSize: kernelSize, stride: stride, ceilMode: ceilMode)
    }
}

extension MaxPool3d: SlidingWindowLayer {
    public var windowGeometry: [(kernel: Int, stride: Int, dilation: Int)] {
        [(kernelSize.depth, stride.depth, dilation.depth), (kernelSize.height, stride.height, dilation.height),
         (kernelSize.width, stride.width, dilation.width)]
    }
}

extension AvgPool3d: SlidingWindowLayer {
    public var windowGeometry: [(kernel: Int, stride: Int, dilation: Int)] {
        [(kernelSize.depth, stride.depth, 1), (kernelSize.height, stride.height, 1), (kernelSize.width, stride.width, 1)]
    }
}
