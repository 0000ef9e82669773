import Apus

/// Standardises each channel: `out[c] = (in[c] - mean[c]) / std[c]`, torchvision's `Normalize`.
///
/// ```swift
/// let normalize = Normalize(mean: [FashionMNIST.mean], std: [FashionMNIST.std])   // 0.2860, 0.3530
/// ```
public struct Normalize: Transform {
    /// Per-channel mean and standard deviation; one value serves every channel.
    public let mean: [Double], std: [Double]

    /// One mean and standard deviation per channel (or one for all channels); `std` must be positive.
    public init(mean: [Double], std: [Double]) {
        require(!mean.isEmpty && mean.count == std.count,
                "Normalize: mean \(mean) and std \(std) must have the same, positive number of values")
        require(std.allSatisfy { $0 > 0 }, "Normalize: std must be positive, got \(std)")
        (self.mean, self.std) = (mean, std)
    }

    /// The same mean and standard deviation for every channel.
    public init(mean: Double, std: Double) { self.init(mean: [mean], std: [std]) }

    /// The standardised images, same shape.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        var x = ImageBatch(images, op: "Normalize")
        require(mean.count == 1 || mean.count == x.c,
                "Normalize: \(mean.count) means for images of \(x.c) channels (shape \(images.shape))")
        let plane = x.h * x.w
        for n in 0..<x.n {
            for c in 0..<x.c {
                let m = mean[mean.count == 1 ? 0 : c], s = std[std.count == 1 ? 0 : c]
                let start = (n * x.c + c) * plane
                for i in start..<(start + plane) { x.values[i] = Float((Double(x.values[i]) - m) / s) }
            }
        }
        return x.tensor
    }
}
