import Apus

/// Mirrors each image left to right with probability `p`: torchvision's `RandomHorizontalFlip(p=0.5)`.
///
/// A flipped image has `out[c, y, x] = in[c, y, W-1-x]`; one uniform number is drawn per image
/// and the image is flipped when it is below `p`.
public struct RandomHorizontalFlip: Transform, Sendable {
    /// Probability of flipping each image.
    public let p: Double
    /// The source of the flip decisions.
    public let generator: RandomGenerator

    /// Flips with probability `p` (0.5 by default, as torchvision).
    public init(p: Double = 0.5, generator: RandomGenerator = .default) {
        require(p >= 0 && p <= 1, "RandomHorizontalFlip: p must be in [0, 1], got \(p)")
        (self.p, self.generator) = (p, generator)
    }

    /// The images, each flipped or not; same shape.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        var x = ImageBatch(images, op: "RandomHorizontalFlip")
        for n in 0..<x.n where generator.uniforms(1)[0] < p {
            for row in 0..<(x.c * x.h) {
                let start = (n * x.c * x.h + row) * x.w
                x.values[start..<(start + x.w)].reverse()
            }
        }
        return x.tensor
    }
}
