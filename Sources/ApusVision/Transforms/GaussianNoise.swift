import Apus

/// Adds independent Gaussian noise to every pixel: `out = in + mean + std·ε`, ε ~ N(0, 1).
public struct GaussianNoise: Transform {
    public let mean: Double, std: Double
    public let generator: RandomGenerator

    public init(mean: Double = 0, std: Double, generator: RandomGenerator = .default) {
        require(std >= 0, "GaussianNoise: std must be non-negative, got \(std)")
        (self.mean, self.std, self.generator) = (mean, std, generator)
    }

    public func callAsFunction(_ images: Tensor) -> Tensor {
        var x = ImageBatch(images, op: "GaussianNoise")
        let (mean, std) = (mean, std)
        generator.forEachNormal(x.values.count) { i, e in x.values[i] += Float(mean + std * e) }
        return x.tensor
    }
}
