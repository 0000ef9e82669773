import Foundation

/// Small 2-D datasets for experiments and plots, as `sklearn.datasets.make_*`: inputs `[N, 2]`
/// float32 and int64 class labels `[N]`, reproducible from the generator.
public enum ToyDatasets {
    /// Two interleaving half circles (classes 0 and 1, `count / 2` each), with Gaussian `noise`.
    public static func moons(count: Int = 200, noise: Double = 0.1, generator: RandomGenerator = .default) -> TensorDataset {
        require(count >= 2, "ToyDatasets.moons: count must be at least 2, got \(count)")
        let outer = count / 2, inner = count - outer
        var points: [Double] = [], labels: [Double] = []
        for i in 0..<outer {
            let t = Double.pi * Double(i) / Double(Swift.max(outer - 1, 1))
            points += [cos(t), sin(t)]
            labels.append(0)
        }
        for i in 0..<inner {
            let t = Double.pi * Double(i) / Double(Swift.max(inner - 1, 1))
            points += [1 - cos(t), 0.5 - sin(t)]
            labels.append(1)
        }
        return make(points, labels, noise: noise, generator: generator)
    }

    /// Two concentric circles: class 0 on the unit circle, class 1 on a circle of radius `factor`.
    public static func circles(count: Int = 200, noise: Double = 0.05, factor: Double = 0.5,
                               generator: RandomGenerator = .default) -> TensorDataset {
        require(count >= 2, "ToyDatasets.circles: count must be at least 2, got \(count)")
        require(factor > 0 && factor < 1, "ToyDatasets.circles: factor must be in (0, 1), got \(factor)")
        let outer = count / 2, inner = count - outer
        var points: [Double] = [], labels: [Double] = []
        for (n, radius, label) in [(outer, 1.0, 0.0), (inner, factor, 1.0)] {
            for i in 0..<n {
                let t = 2 * Double.pi * Double(i) / Double(n)
                points += [radius * cos(t), radius * sin(t)]
                labels.append(label)
            }
        }
        return make(points, labels, noise: noise, generator: generator)
    }

    /// `classes` interleaved spiral arms of `countPerClass` points each (a classic test that a
    /// linear model fails and an MLP passes).
    public static func spiral(countPerClass: Int = 100, classes: Int = 3, noise: Double = 0.2,
                              generator: RandomGenerator = .default) -> TensorDataset {
        require(countPerClass >= 1 && classes >= 2,
                "ToyDatasets.spiral: need at least one point per class and two classes, got \(countPerClass), \(classes)")
        var points: [Double] = [], labels: [Double] = []
        let jitter = generator.normals(countPerClass * classes)
        for c in 0..<classes {
            for i in 0..<countPerClass {
                let r = Double(i) / Double(countPerClass)
                let t = Double(c) * 4 + 4 * r + noise * jitter[c * countPerClass + i]
                points += [r * sin(t), r * cos(t)]
                labels.append(Double(c))
            }
        }
        return make(points, labels, noise: 0, generator: generator)
    }

    /// Gaussian blobs around `centers` (one class per centre) with standard deviation `std`.
    public static func blobs(countPerClass: Int = 100, centers: [(Double, Double)], std: Double = 1,
                             generator: RandomGenerator = .default) -> TensorDataset {
        require(countPerClass >= 1 && !centers.isEmpty, "ToyDatasets.blobs: need points and at least one centre")
        var points: [Double] = [], labels: [Double] = []
        for (c, center) in centers.enumerated() {
            for _ in 0..<countPerClass {
                points += [center.0, center.1]
                labels.append(Double(c))
            }
        }
        return make(points, labels, noise: std, generator: generator)
    }

    private static func make(_ points: [Double], _ labels: [Double], noise: Double, generator: RandomGenerator) -> TensorDataset {
        let n = labels.count
        let noisy = noise > 0 ? zip(points, generator.normals(points.count)).map { $0 + noise * $1 } : points
        return TensorDataset(inputs: Tensor(shape: [n, 2], values: noisy, dtype: .float32),
                             targets: Tensor(shape: [n], values: labels, dtype: .int64))
    }
}
