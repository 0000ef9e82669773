import Apus

/// Adds independent Gaussian noise to every pixel: `out = in + mean + std·ε`, ε ~ N(0, 1).
public struct GaussianNoise: Transform {
    /// Mean and standard deviation of the added noise.
    public let mean: Double, std: Double
    /// The source of the noise.
    public let generator: RandomGenerator

    /// Noise N(`mean`, `std`²) drawn from `generator`.
    public init(mean: Double = 0, std: Double, generator: RandomGenerator = .default) {
        require(std >= 0, "GaussianNoise: std must be non-negative, got \(std)")
        (self.mean, self.std, self.generator) = (mean, std, generator)
    }

    /// `images` plus noise, one normal draw per element in row-major order.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        var x = ImageBatch(images, op: "GaussianNoise")
        let (mean, std) = (mean, std)
        generator.forEachNormal(x.values.count) { i, e in x.values[i] += Float(mean + std * e) }
        return x.tensor
    }
}
