import Testing
@testable import Apus

struct KMeansTests {
    /// Three tight blobs around (0, 0), (10, 0) and (0, 10), 20 points each, in shuffled order.
    private func blobs(seed: UInt64 = 1) -> (points: Tensor, labels: [Int]) {
        let g = RandomGenerator(seed: seed)
        let centres: [(Double, Double)] = [(0, 0), (10, 0), (0, 10)]
        let order = g.permutation(60)
        let noise = g.normals(120)
        var values = [Double](), labels = [Int]()
        for i in order {
            let c = centres[i / 20]
            values += [c.0 + 0.5 * noise[2 * i], c.1 + 0.5 * noise[2 * i + 1]]
            labels.append(i / 20)
        }
        return (Tensor(shape: [60, 2], values: values, dtype: .float64), labels)
    }

    @Test func findsSeparatedBlobs() throws {
        let (x, labels) = blobs()
        let kmeans = KMeans(clusters: 3, generator: RandomGenerator(seed: 0)).fit(x)
        let predicted = kmeans.predict(x)
        #expect(predicted.dtype == .int64 && predicted.shape == [60])
        #expect(clusterPurity(clusters: predicted.toDoubles().map { Int($0) }, labels: labels) == 1)
        // Each centre is the mean of its points, and the inertia is the sum of squared distances to them.
        let centers = try #require(kmeans.centers)
        #expect(centers.shape == [3, 2])
        let xs = x.toDoubles(), cs = centers.toDoubles(), assigned = predicted.toDoubles().map { Int($0) }
        var inertia = 0.0
        for c in 0..<3 {
            let members = (0..<60).filter { assigned[$0] == c }
            for d in 0..<2 {
                let mean = members.map { xs[2 * $0 + d] }.reduce(0, +) / Double(members.count)
                #expect(Swift.abs(mean - cs[2 * c + d]) < 1e-12)
            }
            for i in members { inertia += (0..<2).map { (xs[2 * i + $0] - cs[2 * c + $0]) * (xs[2 * i + $0] - cs[2 * c + $0]) }.reduce(0, +) }
        }
        #expect(Swift.abs(kmeans.inertia - inertia) < 1e-9)
        #expect(kmeans.iterations >= 1 && kmeans.iterations < 10)
        // New points go to the nearest centre.
        let near = Tensor(shape: [2, 2], values: [9.5, 0.3, 0.2, 9.1], dtype: .float64)
        let blobOf = { (p: Int) in assigned[labels.firstIndex(of: p)!] }
        #expect(kmeans.predict(near).toDoubles().map { Int($0) } == [blobOf(1), blobOf(2)])
        // float32 points work the same.
        #expect(KMeans(clusters: 3, generator: RandomGenerator(seed: 0)).fitPredict(x.cast(to: .float32)) == predicted)
    }

    @Test func sameSeedSameClustering() {
        let x = Tensor.randn([200, 4], dtype: .float64, generator: RandomGenerator(seed: 5))
        let a = KMeans(clusters: 5, generator: RandomGenerator(seed: 7)).fit(x)
        let b = KMeans(clusters: 5, generator: RandomGenerator(seed: 7)).fit(x)
        #expect(a.centers == b.centers && a.inertia == b.inertia)
        // More restarts from the same generator begin with the same run, so they never do worse.
        let more = KMeans(clusters: 5, restarts: 4, generator: RandomGenerator(seed: 7)).fit(x)
        #expect(more.inertia <= a.inertia)
        // One iteration only when asked.
        #expect(KMeans(clusters: 5, maxIterations: 1, generator: RandomGenerator(seed: 7)).fit(x).iterations == 1)
    }

    @Test func duplicatePointsAndAsManyClustersAsPoints() {
        let same = Tensor.full([6, 3], value: 2, dtype: .float64)
        let kmeans = KMeans(clusters: 2, generator: RandomGenerator(seed: 0)).fit(same)
        #expect(kmeans.inertia == 0)
        let four = Tensor(shape: [4, 1], values: [0, 1, 5, 9], dtype: .float64)
        let each = KMeans(clusters: 4, generator: RandomGenerator(seed: 3)).fit(four)
        #expect(each.inertia == 0)
        #expect(Set(each.predict(four).toDoubles()).count == 4)
    }
}
