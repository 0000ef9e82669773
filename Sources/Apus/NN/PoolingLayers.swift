// Pooling layers, as `torch.nn.MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d`, …: each stores its
// hyper-parameters and calls the functional op (Ops/Pooling.swift). Sizes of the 2-d layers are
// `IntPair`s (one integer for both axes or `[height, width]`), of the 1-d layers `Int`s. They hold
// no parameters.

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

    /// Max pooling over `kernelSize` windows every `stride` (nil: `kernelSize`): `MaxPool2d(2)`,
    /// `MaxPool2d([3, 2], stride: [1, 2])`.
    public init(_ kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0, dilation: IntPair = 1,
                ceilMode: Bool = false) {
        (self.kernelSize, self.stride, self.padding, self.dilation, self.ceilMode) =
            (kernelSize, stride ?? kernelSize, padding, dilation, ceilMode)
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

    /// Max pooling over `kernelSize` windows every `stride` (nil: `kernelSize`).
    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
        (self.kernelSize, self.stride, self.padding, self.dilation, self.ceilMode) =
            (kernelSize, stride ?? kernelSize, padding, dilation, ceilMode)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        maxPool1d(x, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
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
    /// Pools to `outputSize`: one integer for a square output, or `[height, width]`.
    public init(_ outputSize: IntPair) { self.outputSize = outputSize }
    /// Pools to a `(height, width)` tuple.
    @available(*, deprecated, message: "pass an IntPair: AdaptiveMaxPool2d([3, 4])")
    public convenience init(_ outputSize: (Int, Int)) { self.init(IntPair(outputSize)) }
    public override func forward(_ x: Tensor) -> Tensor { adaptiveMaxPool2d(x, outputSize: outputSize) }
}

/// Global average pooling, `[N, C, H, W]` → `[N, C]`: the same as `AdaptiveAvgPool2d(1)` followed
/// by `Flatten()`, in one pass (see `globalAvgPool2d(_:)`). PyTorch has no such class.
public final class GlobalAvgPool2d: Module {
    /// Creates the layer; it has no parameters and works for any input height and width.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { globalAvgPool2d(x) }
}
