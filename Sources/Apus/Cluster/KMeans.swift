/// k-means clustering, as scikit-learn's `KMeans`: `clusters` centres chosen by k-means++ and
/// refined by Lloyd's iterations (assign each point to its nearest centre, move each centre to the
/// mean of its points) until the centres stop moving.
///
/// ```swift
/// let kmeans = KMeans(clusters: 10, generator: RandomGenerator(seed: 0))
/// kmeans.fit(codes)                       // codes [N, D]
/// let cluster = kmeans.predict(codes)     // [N] int64 in 0..<10
/// print(kmeans.inertia)                   // Σ squared distance to the nearest centre
/// ```
///
/// - k-means++ (Arthur and Vassilvitskii, 2007): the first centre is a random point, each next one
///   a point drawn with probability proportional to its squared distance to the nearest centre so far.
/// - Lloyd's iterations stop when no point changes cluster, when the centres move in all (sum of
///   squared shifts) by at most `tolerance` times the mean variance of the features (scikit-learn's
///   rule), or after `maxIterations`. A cluster left empty takes the point farthest from its centre.
/// - With `restarts` > 1 the whole procedure runs that many times and keeps the lowest inertia.
///
/// Computed in float64; the same generator state gives the same clustering.
public final class KMeans {
    /// Number of clusters k.
    public let clusters: Int
    /// Most Lloyd iterations per run.
    public let maxIterations: Int
    /// Convergence threshold, relative to the mean variance of the features.
    public let tolerance: Double
    /// Runs from different k-means++ starts; the one with the lowest inertia is kept.
    public let restarts: Int
    private let generator: RandomGenerator

    /// The centres `[clusters, D]` (float64) after ``fit(_:)``.
    public private(set) var centers: Tensor?
    /// Sum of squared distances of the fitted points to their nearest centre.
    public private(set) var inertia = Double.nan
    /// Lloyd iterations of the kept run.
    public private(set) var iterations = 0

    /// A k-means model with scikit-learn's defaults (300 iterations, tolerance 10⁻⁴), not yet fitted.
    ///
    /// - Parameters:
    ///   - clusters: the number of clusters k (≥ 1).
    ///   - maxIterations: most Lloyd iterations per run.
    ///   - tolerance: stop when the centres' total squared shift is at most this times the features' mean variance.
    ///   - restarts: independent runs from different k-means++ starts; the lowest inertia wins (scikit-learn's `n_init`).
    ///   - generator: the random numbers for k-means++; the same state gives the same clustering.
    public init(clusters: Int, maxIterations: Int = 300, tolerance: Double = 1e-4, restarts: Int = 1,
                generator: RandomGenerator = .default) {
        require(clusters >= 1, "KMeans: clusters must be at least 1, got \(clusters)")
        require(maxIterations >= 1 && restarts >= 1, "KMeans: maxIterations and restarts must be at least 1")
        require(tolerance >= 0, "KMeans: tolerance must be non-negative, got \(tolerance)")
        (self.clusters, self.maxIterations, self.tolerance, self.restarts) = (clusters, maxIterations, tolerance, restarts)
        self.generator = generator
    }

    /// Clusters the rows of `x` `[N, D]` (N ≥ clusters); sets ``centers``, ``inertia`` and ``iterations``.
    @discardableResult
    public func fit(_ x: Tensor) -> KMeans {
        let points = Points(x, op: "KMeans.fit")
        require(points.count >= clusters, "KMeans.fit: \(points.count) points for \(clusters) clusters (input shape \(x.shape))")
        let threshold = tolerance * points.meanVariance
        var best: (centers: [Double], inertia: Double, iterations: Int)?
        for _ in 0..<restarts {
            let run = lloyd(points, start: plusPlus(points), threshold: threshold)
            if best == nil || run.inertia < best!.inertia { best = run }
        }
        centers = Tensor(shape: [clusters, points.dimension], values: best!.centers, dtype: .float64)
        (inertia, iterations) = (best!.inertia, best!.iterations)
        return self
    }

    /// The index of the nearest centre of each row of `x` `[N, D]`, as int64 `[N]`.
    public func predict(_ x: Tensor) -> Tensor {
        guard let centers else { fatalError("KMeans.predict: call fit(_:) first") }
        let points = Points(x, op: "KMeans.predict")
        require(points.dimension == centers.shape[1],
                "KMeans.predict: points of shape \(x.shape) do not match centres of shape \(centers.shape)")
        let labels = assign(points, centers: centers.toDoubles()).labels
        return Tensor(shape: [points.count], values: labels.map(Double.init), dtype: .int64)
    }

    /// ``fit(_:)`` then ``predict(_:)`` on the same points.
    public func fitPredict(_ x: Tensor) -> Tensor { fit(x).predict(x) }

    // MARK: The algorithm

    /// Rows of a matrix as float64, row-major.
    struct Points {
        let values: [Double]
        let count: Int
        let dimension: Int

        init(_ x: Tensor, op: String) {
            require(x.rank == 2, "\(op): expected points [N, D], got shape \(x.shape)")
            values = x.cast(to: .float64).contiguous().toDoubles()
            (count, dimension) = (x.shape[0], x.shape[1])
            require(values.allSatisfy(\.isFinite), "\(op): points must be finite")
        }

        /// Mean over the features of their variance (population).
        var meanVariance: Double {
            guard count > 0, dimension > 0 else { return 0 }
            var total = 0.0
            for d in 0..<dimension {
                var mean = 0.0
                for i in 0..<count { mean += values[i * dimension + d] }
                mean /= Double(count)
                for i in 0..<count { let v = values[i * dimension + d] - mean; total += v * v }
            }
            return total / Double(count * dimension)
        }

        func squaredDistance(_ i: Int, to centers: [Double], _ c: Int) -> Double {
            var sum = 0.0
            for d in 0..<dimension { let v = values[i * dimension + d] - centers[c * dimension + d]; sum += v * v }
            return sum
        }
    }

    /// k-means++ starting centres.
    private func plusPlus(_ points: Points) -> [Double] {
        let dim = points.dimension
        var centers = [Double]()
        centers.reserveCapacity(clusters * dim)
        func add(_ i: Int) { centers += points.values[(i * dim)..<((i + 1) * dim)] }
        add(generator.integer(below: points.count))
        var nearest = (0..<points.count).map { points.squaredDistance($0, to: centers, 0) }
        for c in 1..<clusters {
            let total: Double = nearest.reduce(0.0) { $0 + $1 }
            var chosen = generator.integer(below: points.count)
            if total > 0 {
                // Draw an index with probability nearest[i] / total.
                var target = generator.uniforms(1)[0] * total
                chosen = points.count - 1
                for (i, d) in nearest.enumerated() {
                    target -= d
                    if target < 0 { chosen = i; break }
                }
            }
            add(chosen)
            for i in 0..<points.count { nearest[i] = Swift.min(nearest[i], points.squaredDistance(i, to: centers, c)) }
        }
        return centers
    }

    /// The nearest centre of each point (the first on ties) and the squared distance to it.
    private func assign(_ points: Points, centers: [Double]) -> (labels: [Int], distances: [Double]) {
        let k = centers.count / Swift.max(points.dimension, 1)
        var labels = [Int](repeating: 0, count: points.count), distances = [Double](repeating: 0, count: points.count)
        for i in 0..<points.count {
            var best = (label: 0, distance: Double.infinity)
            for c in 0..<k {
                let d = points.squaredDistance(i, to: centers, c)
                if d < best.distance { best = (c, d) }
            }
            (labels[i], distances[i]) = best
        }
        return (labels, distances)
    }

    /// Lloyd's iterations from `start`.
    private func lloyd(_ points: Points, start: [Double], threshold: Double) -> (centers: [Double], inertia: Double, iterations: Int) {
        let dim = points.dimension
        var centers = start
        var (labels, distances) = assign(points, centers: centers)
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            // Move each centre to the mean of its points; an empty cluster takes the farthest point.
            var sums = [Double](repeating: 0, count: clusters * dim), counts = [Int](repeating: 0, count: clusters)
            for i in 0..<points.count {
                counts[labels[i]] += 1
                for d in 0..<dim { sums[labels[i] * dim + d] += points.values[i * dim + d] }
            }
            var taken = Set<Int>()
            for c in 0..<clusters where counts[c] == 0 {
                let far = distances.indices.filter { !taken.contains($0) }.max { distances[$0] < distances[$1] } ?? 0
                taken.insert(far)
                counts[c] = 1
                for d in 0..<dim { sums[c * dim + d] = points.values[far * dim + d] }
            }
            var shift = 0.0
            for c in 0..<clusters {
                for d in 0..<dim {
                    let moved = sums[c * dim + d] / Double(counts[c])
                    shift += (moved - centers[c * dim + d]) * (moved - centers[c * dim + d])
                    centers[c * dim + d] = moved
                }
            }
            let previous = labels
            (labels, distances) = assign(points, centers: centers)
            if labels == previous || shift <= threshold { break }
        }
        return (centers, distances.reduce(0.0) { $0 + $1 }, iteration)
    }
}
