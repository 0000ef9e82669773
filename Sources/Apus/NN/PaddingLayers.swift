// Padding layers, as `torch.nn.ZeroPad2d`, `ConstantPad2d`, `ReflectionPad2d`, `ReplicationPad2d`,
// `CircularPad2d` and their 1-d and 3-d forms: each stores the amounts and calls
// `pad(_:_:mode:)` (Ops/Padding.swift). An amount is one integer for every side or the full list,
// last dimension first (`[left, right]`, `[left, right, top, bottom]`, `[left, right, top, bottom,
// front, back]`), as PyTorch's `padding` argument. They hold no parameters.

/// A layer that pads the last 1, 2 or 3 dimensions of its input: the common part of ``ZeroPad2d``,
/// ``ConstantPad2d``, ``ReflectionPad2d``, ``ReplicationPad2d``, ``CircularPad2d`` and their 1-d
/// and 3-d forms.
public class PaddingLayer: Module {
    /// The amounts, last dimension first: `[left, right]`, `[left, right, top, bottom]` or
    /// `[left, right, top, bottom, front, back]`.
    public let padding: [Int]
    /// How the border is filled.
    public let mode: PaddingMode

    init(_ name: String, dimensions: Int, padding: [Int], mode: PaddingMode) {
        let sides = ["left", "right", "top", "bottom", "front", "back"].prefix(2 * dimensions).joined(separator: ", ")
        require(padding.count == 2 * dimensions,
                "\(name): padding must be one integer or \(2 * dimensions) integers (\(sides)), got \(padding)")
        (self.padding, self.mode) = (padding, mode)
    }

    public override func forward(_ x: Tensor) -> Tensor { pad(x, padding, mode: mode) }
}

/// Zero padding of the last dimension of `[N, C, W]` or `[C, W]` (any input with at least 1 dimension), as
/// `torch.nn.ZeroPad1d`; see ``pad(_:_:mode:)``.
public final class ZeroPad1d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 2))
    }

    /// Pads by `[left, right]` elements.
    public init(_ padding: [Int]) {
        super.init("ZeroPad1d", dimensions: 1, padding: padding, mode: .constant(0))
    }
}

/// Zero padding of the last two dimensions of `[N, C, H, W]` or `[C, H, W]` (any input with at least 2 dimensions),
/// as `torch.nn.ZeroPad2d`; see ``pad(_:_:mode:)``.
public final class ZeroPad2d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 4))
    }

    /// Pads by `[left, right, top, bottom]` elements.
    public init(_ padding: [Int]) {
        super.init("ZeroPad2d", dimensions: 2, padding: padding, mode: .constant(0))
    }
}

/// Zero padding of the last three dimensions of `[N, C, D, H, W]` or `[C, D, H, W]` (any input with at least 3
/// dimensions), as `torch.nn.ZeroPad3d`; see ``pad(_:_:mode:)``.
public final class ZeroPad3d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 6))
    }

    /// Pads by `[left, right, top, bottom, front, back]` elements.
    public init(_ padding: [Int]) {
        super.init("ZeroPad3d", dimensions: 3, padding: padding, mode: .constant(0))
    }
}

/// Constant padding of the last dimension of `[N, C, W]` or `[C, W]` (any input with at least 1 dimension), as
/// `torch.nn.ConstantPad1d`; see ``pad(_:_:mode:)``.
public final class ConstantPad1d: PaddingLayer {
    /// The fill value.
    public let value: Double

    /// Pads every side by `padding` elements holding `value`.
    public convenience init(_ padding: Int, value: Double) {
        self.init([Int](repeating: padding, count: 2), value: value)
    }

    /// Pads by `[left, right]` elements holding `value`.
    public init(_ padding: [Int], value: Double) {
        self.value = value
        super.init("ConstantPad1d", dimensions: 1, padding: padding, mode: .constant(value))
    }
}

/// Constant padding of the last two dimensions of `[N, C, H, W]` or `[C, H, W]` (any input with at least 2
/// dimensions), as `torch.nn.ConstantPad2d`; see ``pad(_:_:mode:)``.
public final class ConstantPad2d: PaddingLayer {
    /// The fill value.
    public let value: Double

    /// Pads every side by `padding` elements holding `value`.
    public convenience init(_ padding: Int, value: Double) {
        self.init([Int](repeating: padding, count: 4), value: value)
    }

    /// Pads by `[left, right, top, bottom]` elements holding `value`.
    public init(_ padding: [Int], value: Double) {
        self.value = value
        super.init("ConstantPad2d", dimensions: 2, padding: padding, mode: .constant(value))
    }
}

/// Constant padding of the last three dimensions of `[N, C, D, H, W]` or `[C, D, H, W]` (any input with at least 3
/// dimensions), as `torch.nn.ConstantPad3d`; see ``pad(_:_:mode:)``.
public final class ConstantPad3d: PaddingLayer {
    /// The fill value.
    public let value: Double

    /// Pads every side by `padding` elements holding `value`.
    public convenience init(_ padding: Int, value: Double) {
        self.init([Int](repeating: padding, count: 6), value: value)
    }

    /// Pads by `[left, right, top, bottom, front, back]` elements holding `value`.
    public init(_ padding: [Int], value: Double) {
        self.value = value
        super.init("ConstantPad3d", dimensions: 3, padding: padding, mode: .constant(value))
    }
}

/// Reflection padding (the input mirrored at its edges, without repeating them) of the last dimension of `[N, C, W]`
/// or `[C, W]`, as `torch.nn.ReflectionPad1d`; see ``pad(_:_:mode:)``.
public final class ReflectionPad1d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 2))
    }

    /// Pads by `[left, right]` elements.
    public init(_ padding: [Int]) {
        super.init("ReflectionPad1d", dimensions: 1, padding: padding, mode: .reflect)
    }
}

/// Reflection padding (the input mirrored at its edges, without repeating them) of the last two dimensions of `[N, C,
/// H, W]` or `[C, H, W]`, as `torch.nn.ReflectionPad2d`; see ``pad(_:_:mode:)``.
public final class ReflectionPad2d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 4))
    }

    /// Pads by `[left, right, top, bottom]` elements.
    public init(_ padding: [Int]) {
        super.init("ReflectionPad2d", dimensions: 2, padding: padding, mode: .reflect)
    }
}

/// Reflection padding (the input mirrored at its edges, without repeating them) of the last three dimensions of `[N,
/// C, D, H, W]` or `[C, D, H, W]`, as `torch.nn.ReflectionPad3d`; see ``pad(_:_:mode:)``.
public final class ReflectionPad3d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 6))
    }

    /// Pads by `[left, right, top, bottom, front, back]` elements.
    public init(_ padding: [Int]) {
        super.init("ReflectionPad3d", dimensions: 3, padding: padding, mode: .reflect)
    }
}

/// Replication padding (the edge values repeated) of the last dimension of `[N, C, W]` or `[C, W]`, as
/// `torch.nn.ReplicationPad1d`; see ``pad(_:_:mode:)``.
public final class ReplicationPad1d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 2))
    }

    /// Pads by `[left, right]` elements.
    public init(_ padding: [Int]) {
        super.init("ReplicationPad1d", dimensions: 1, padding: padding, mode: .replicate)
    }
}

/// Replication padding (the edge values repeated) of the last two dimensions of `[N, C, H, W]` or `[C, H, W]`, as
/// `torch.nn.ReplicationPad2d`; see ``pad(_:_:mode:)``.
public final class ReplicationPad2d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 4))
    }

    /// Pads by `[left, right, top, bottom]` elements.
    public init(_ padding: [Int]) {
        super.init("ReplicationPad2d", dimensions: 2, padding: padding, mode: .replicate)
    }
}

/// Replication padding (the edge values repeated) of the last three dimensions of `[N, C, D, H, W]` or `[C, D, H,
/// W]`, as `torch.nn.ReplicationPad3d`; see ``pad(_:_:mode:)``.
public final class ReplicationPad3d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 6))
    }

    /// Pads by `[left, right, top, bottom, front, back]` elements.
    public init(_ padding: [Int]) {
        super.init("ReplicationPad3d", dimensions: 3, padding: padding, mode: .replicate)
    }
}

/// Circular padding (the input wrapped around) of the last dimension of `[N, C, W]` or `[C, W]`, as
/// `torch.nn.CircularPad1d`; see ``pad(_:_:mode:)``.
public final class CircularPad1d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 2))
    }

    /// Pads by `[left, right]` elements.
    public init(_ padding: [Int]) {
        super.init("CircularPad1d", dimensions: 1, padding: padding, mode: .circular)
    }
}

/// Circular padding (the input wrapped around) of the last two dimensions of `[N, C, H, W]` or `[C, H, W]`, as
/// `torch.nn.CircularPad2d`; see ``pad(_:_:mode:)``.
public final class CircularPad2d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 4))
    }

    /// Pads by `[left, right, top, bottom]` elements.
    public init(_ padding: [Int]) {
        super.init("CircularPad2d", dimensions: 2, padding: padding, mode: .circular)
    }
}

/// Circular padding (the input wrapped around) of the last three dimensions of `[N, C, D, H, W]` or `[C, D, H, W]`,
/// as `torch.nn.CircularPad3d`; see ``pad(_:_:mode:)``.
public final class CircularPad3d: PaddingLayer {
    /// Pads every side by `padding` elements.
    public convenience init(_ padding: Int) {
        self.init([Int](repeating: padding, count: 6))
    }

    /// Pads by `[left, right, top, bottom, front, back]` elements.
    public init(_ padding: [Int]) {
        super.init("CircularPad3d", dimensions: 3, padding: padding, mode: .circular)
    }
}
