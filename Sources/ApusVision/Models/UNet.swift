import Apus

/// U-Net (Ronneberger et al., 2015), with padded convolutions and batch norm as in
/// milesial/Pytorch-UNet and fastai: an encoder of `depth` max-pool downsamplings, a decoder that
/// upsamples back and concatenates the encoder's feature map of the same size at each level (the
/// skip connections), and a 1×1 convolution to `classes` logits.
///
/// Channels double at each level: `width`, `2·width`, …, `2^depth·width` at the bottom. Every
/// block is ``doubleConv(_:_:generator:)`` (two 3×3 convolutions with padding 1, each followed by
/// batch norm and ReLU). Going up, the deeper map is resized to the skip's exact size (bilinear),
/// or a 2×2 stride-2 transposed convolution halves its channels and zero rows or columns are added
/// at the bottom and right where a pooling rounded down; so the output has the input's size for
/// any `H`, `W` (also odd, and not multiples of `2^depth`).
///
/// Images `[N, inputChannels, H, W]` → logits `[N, classes, H, W]`. State-dict names:
/// `inc.*`, `down.<i>.*` (`down.0` is the first pooling level), `up.<i>.up.*` (transposed
/// convolutions only), `up.<i>.conv.*` (`up.0` is the deepest), `outc.*`.
public final class UNet: Module, SegmentationModel, HasClassifierHead {
    /// How the decoder doubles the resolution.
    public enum Upsampling: Sendable, CaseIterable {
        /// Bilinear resizing (`align_corners=False`) to the skip connection's size: no parameters,
        /// the default (milesial's `bilinear=True`).
        case bilinear
        /// A learned 2×2 stride-2 transposed convolution halving the channels, as in the paper.
        case transposed
    }

    /// A decoder level: upsampling, concatenation with the skip connection, ``doubleConv(_:_:generator:)``.
    public final class Up: Module {
        /// The transposed convolution, nil for bilinear upsampling.
        public let up: ConvTranspose2d?
        /// The double convolution over the concatenation `[skip, upsampled]`.
        public let conv: Sequential

        init(deep: Int, skip: Int, mode: Upsampling, generator: RandomGenerator) {
            up = mode == .transposed ? ConvTranspose2d(deep, skip, kernelSize: 2, stride: 2, generator: generator) : nil
            conv = doubleConv(skip + (mode == .transposed ? skip : deep), skip, generator: generator)
        }

        /// Upsamples `deep` to `skip`'s size and runs the double convolution on their concatenation.
        public func callAsFunction(_ deep: Tensor, skip: Tensor) -> Tensor {
            let (h, w) = (skip.shape[2], skip.shape[3])
            var x: Tensor
            if let up {
                x = up(deep)
                // A pooling of an odd size rounded down: one more row or column at the bottom or right.
                if x.shape[2] != h || x.shape[3] != w { x = pad(x, [0, w - x.shape[3], 0, h - x.shape[2]]) }
            } else {
                x = interpolate(deep, size: [h, w], mode: .bilinear, alignCorners: false)
            }
            return conv(concat([skip, x], axis: 1))
        }

        /// Not used: a decoder level takes two inputs, see ``callAsFunction(_:skip:)``.
        public override func forward(_ input: Tensor) -> Tensor {
            fatalError("UNet.Up takes the deeper features and the skip connection: call it as up(deep, skip: skip)")
        }
    }

    /// The input block: `inputChannels` → `width`.
    public let inc: Sequential
    /// The encoder levels, each a 2×2 max-pool and a double convolution doubling the channels.
    public let down: [Sequential]
    /// The decoder levels, deepest first.
    public let up: [Up]
    /// The head: a 1×1 convolution from `width` channels to `classes` logits.
    public private(set) var outc: Conv2d
    /// Channels of the input images.
    public let inputChannels: Int
    /// The number of max-pool downsamplings.
    public let depth: Int
    /// The channels of the first level.
    public let width: Int
    /// How the decoder upsamples.
    public let upsampling: Upsampling

    /// A U-Net for `classes` classes on images of `inputChannels` channels.
    ///
    /// - Parameters:
    ///   - inputChannels: channels of the input images (3: RGB).
    ///   - classes: output channels (one logit per class and pixel).
    ///   - depth: the number of downsamplings (4, the paper's); the input needs no particular size,
    ///     but each side should be at least `2^depth` pixels for the deepest level to see more than one pixel.
    ///   - width: channels of the first level (16; the paper and milesial use 64, 16 times the
    ///     computation, which is more than a small data set on a laptop's CPU needs).
    ///   - upsampling: ``Upsampling/bilinear`` (default) or ``Upsampling/transposed``.
    ///   - generator: the random numbers for every layer (PyTorch's default initialisation), encoder first.
    public init(inputChannels: Int = 3, classes: Int = 2, depth: Int = 4, width: Int = 16, upsampling: Upsampling = .bilinear,
                generator: RandomGenerator = .default) {
        require(inputChannels > 0 && classes > 0, "UNet: inputChannels and classes must be positive, got \(inputChannels) and \(classes)")
        require(depth >= 1 && width >= 1, "UNet: depth and width must be positive, got depth \(depth), width \(width)")
        (self.inputChannels, self.depth, self.width, self.upsampling) = (inputChannels, depth, width, upsampling)
        let channels = (0...depth).map { width << $0 }
        inc = doubleConv(inputChannels, width, generator: generator)
        down = (1...depth).map { Sequential(MaxPool2d(2), doubleConv(channels[$0 - 1], channels[$0], generator: generator)) }
        up = (1...depth).reversed().map { Up(deep: channels[$0], skip: channels[$0 - 1], mode: upsampling, generator: generator) }
        outc = Conv2d(width, classes, kernelSize: 1, generator: generator)
    }

    /// Logits `[N, classes, H, W]` for images `[N, inputChannels, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        require(x.rank == 4 && x.shape[1] == inputChannels, "UNet: expected images [N, \(inputChannels), H, W], got shape \(x.shape)")
        var skips = [inc(x)]
        for level in down { skips.append(level(skips[skips.count - 1])) }
        var y = skips.removeLast()
        for level in up { y = level(y, skip: skips.removeLast()) }
        return outc(y)
    }

    /// The logits and no auxiliary output.
    public func segmentationOutputs(_ images: Tensor) -> (out: Tensor, aux: Tensor?) { (forward(images), nil) }

    /// `outc`.
    public var classifierHeads: [Conv2d] { [outc] }

    /// Replaces `outc` by a 1×1 convolution to `classes` channels.
    public func replaceHead(classes: Int, generator: RandomGenerator) {
        outc = newHead(like: outc, classes: classes, generator: generator)
    }
}

/// Two 3×3 convolutions (padding 1, no bias), each followed by batch norm and ReLU, as
/// milesial's `DoubleConv`: `[N, inChannels, H, W]` → `[N, outChannels, H, W]`, named `0` … `5`.
public func doubleConv(_ inChannels: Int, _ outChannels: Int, generator: RandomGenerator = .default) -> Sequential {
    Sequential(Conv2d(inChannels, outChannels, kernelSize: 3, padding: 1, bias: false, generator: generator), BatchNorm2d(outChannels), ReLU(),
               Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1, bias: false, generator: generator), BatchNorm2d(outChannels), ReLU())
}
