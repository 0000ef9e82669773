// The argument types of the spatial ops, one style for all of them (PyTorch's): every kernel
// size, stride, padding, dilation and output size of a 2-d op (conv2d, convTranspose2d, the 2-d
// pools, adaptive pools, upsample and their layers) is an `IntPair`: an integer for both axes
// (`stride: 2`) or a pair (`kernelSize: [3, 5]`, `IntPair(3, 5)`, `IntPair((3, 5))`); 1-d ops take
// an `Int`, 3-d ops an `IntTriple`. Scale factors are a `ScaleFactor`, a number or a pair of numbers. Convolutions (not
// pools, as in PyTorch) also take `.same` and `.valid` padding (`ConvPadding`).

/// Two integers (height, width) for a kernel size, stride, padding, dilation or output size: an
/// integer literal means the same value for both (`stride: 2`), an array literal gives them apart
/// (`kernelSize: [2, 3]`), as an `int` or a tuple does in PyTorch.
public struct IntPair: Sendable, Equatable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible {
    /// Value along the height (first spatial axis).
    public var height: Int
    /// Value along the width (second spatial axis).
    public var width: Int

    /// `(height, width)`.
    public init(_ height: Int, _ width: Int) { (self.height, self.width) = (height, width) }
    /// The same value along both axes.
    public init(_ value: Int) { self.init(value, value) }
    /// A `(height, width)` tuple.
    public init(_ pair: (Int, Int)) { self.init(pair.0, pair.1) }
    /// An integer literal, the same value along both axes: `stride: 2` is `(2, 2)`.
    public init(integerLiteral value: Int) { self.init(value) }
    /// `[h, w]`, or `[v]` for both.
    public init(arrayLiteral elements: Int...) {
        require(elements.count == 1 || elements.count == 2, "IntPair: expected 1 or 2 values, got \(elements)")
        self.init(elements[0], elements.last!)
    }

    /// `(height, width)` as a tuple.
    public var pair: (Int, Int) { (height, width) }

    /// One number when both axes agree (`2`), else `(height, width)` as in PyTorch's printing (`(3, 5)`).
    public var description: String { height == width ? "\(height)" : "(\(height), \(width))" }
}

/// Three integers (depth, height, width) for a kernel size, stride, padding, dilation or output
/// size of a 3-d op (conv3d, the 3-d pools): an integer literal means the same value for all three
/// (`stride: 2`), an array literal gives them apart (`kernelSize: [1, 3, 3]`), as an `int` or a
/// triple does in PyTorch.
public struct IntTriple: Sendable, Equatable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible {
    /// Value along the depth (first spatial axis: time for video).
    public var depth: Int
    /// Value along the height.
    public var height: Int
    /// Value along the width.
    public var width: Int

    /// `(depth, height, width)`.
    public init(_ depth: Int, _ height: Int, _ width: Int) { (self.depth, self.height, self.width) = (depth, height, width) }
    /// The same value along all three axes.
    public init(_ value: Int) { self.init(value, value, value) }
    /// An integer literal, the same value along all three axes: `stride: 2` is `(2, 2, 2)`.
    public init(integerLiteral value: Int) { self.init(value) }
    /// `[d, h, w]`, or `[v]` for all three.
    public init(arrayLiteral elements: Int...) {
        require(elements.count == 1 || elements.count == 3, "IntTriple: expected 1 or 3 values, got \(elements)")
        self = elements.count == 1 ? IntTriple(elements[0]) : IntTriple(elements[0], elements[1], elements[2])
    }

    /// The values as an array `[depth, height, width]`.
    public var values: [Int] { [depth, height, width] }

    /// One number when all axes agree (`2`), else `(depth, height, width)` as in PyTorch's printing.
    public var description: String { depth == height && height == width ? "\(depth)" : "(\(depth), \(height), \(width))" }
}

/// Scale factors (height, width) of ``upsample(_:scaleFactor:mode:alignCorners:)-(Tensor,ScaleFactor,UpsampleMode,Bool)``: a number
/// for both axes (`scaleFactor: 2`, `scaleFactor: 1.5`) or a pair (`scaleFactor: [2, 1.5]`), as a
/// float or a tuple in PyTorch's `interpolate`.
public struct ScaleFactor: Sendable, Equatable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByArrayLiteral, CustomStringConvertible {
    /// Factor along the height.
    public var height: Double
    /// Factor along the width.
    public var width: Double

    /// `(height, width)`.
    public init(_ height: Double, _ width: Double) { (self.height, self.width) = (height, width) }
    /// The same factor along both axes.
    public init(_ value: Double) { self.init(value, value) }
    /// A `(height, width)` tuple.
    public init(_ pair: (Double, Double)) { self.init(pair.0, pair.1) }
    /// An integer literal, the same factor along both axes: `scaleFactor: 2`.
    public init(integerLiteral value: Int) { self.init(Double(value)) }
    /// A float literal, the same factor along both axes: `scaleFactor: 1.5`.
    public init(floatLiteral value: Double) { self.init(value) }
    /// `[h, w]`, or `[v]` for both.
    public init(arrayLiteral elements: Double...) {
        require(elements.count == 1 || elements.count == 2, "ScaleFactor: expected 1 or 2 values, got \(elements)")
        self.init(elements[0], elements.last!)
    }

    /// One number when both axes agree (`2.0`), else `(height, width)`.
    public var description: String { height == width ? "\(height)" : "(\(height), \(width))" }
}

/// Zero-padding of a convolution's input, as PyTorch's `padding` argument.
///
/// - `.explicit(p)`: `p.height` rows above and below, `p.width` columns left and right
///   (an integer literal `1` or an array literal `[1, 2]` make one);
/// - `.valid`: no padding;
/// - `.same`: enough padding that the output has the input's size (stride 1 only): `d·(k−1)` in
///   all per axis, half (rounded down) before and the rest after, as PyTorch does.
public enum ConvPadding: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// `height` rows of zeros above and below the input, `width` columns left and right.
    case explicit(IntPair)
    /// No padding: windows stay inside the input (with stride 1 each spatial size shrinks by `d·(k − 1)`).
    case valid
    /// Enough padding that the output has the input's size (stride 1 only).
    case same

    /// An integer literal pads every side by the same amount: `padding: 1` is `.explicit(IntPair(1))`.
    public init(integerLiteral value: Int) { self = .explicit(IntPair(value)) }
    /// `[h, w]` pads `h` rows above and below and `w` columns left and right; `[p]` is `p` for both.
    public init(arrayLiteral elements: Int...) {
        require(elements.count == 1 || elements.count == 2, "ConvPadding: expected 1 or 2 values, got \(elements)")
        self = .explicit(IntPair(elements[0], elements.last!))
    }

    /// The amount for explicit padding (`1`, `(1, 2)`), else `valid` or `same`.
    public var description: String {
        switch self {
        case .explicit(let p): "\(p)"
        case .valid: "valid"
        case .same: "same"
        }
    }

    /// Padding (before, after) along one axis of size `size` for kernel `kernel`, dilation `dilation`.
    func sides(axis: KeyPath<IntPair, Int>, kernel: Int, dilation: Int) -> (Int, Int) {
        switch self {
        case .explicit(let p): (p[keyPath: axis], p[keyPath: axis])
        case .valid: (0, 0)
        case .same:
            { let total = dilation * (kernel - 1); return (total / 2, total - total / 2) }()
        }
    }
}
