import Apus

/// Two Gaussian blobs around (−2, −2) (class 0) and (2, 2) (class 1), alternating, for the
/// training tests: float32 inputs `[n, 2]`, int64 labels `[n]`.
func blobs(_ n: Int, seed: UInt64) -> TensorDataset {
    let g = RandomGenerator(seed: seed)
    let noise = g.normals(2 * n)
    var x: [Double] = [], y: [Int64] = []
    for i in 0..<n {
        let label = i % 2
        let center = label == 0 ? -2.0 : 2.0
        x += [center + 0.7 * noise[2 * i], center + 0.7 * noise[2 * i + 1]]
        y.append(Int64(label))
    }
    return TensorDataset(inputs: Tensor(shape: [n, 2], values: x), targets: Tensor(scalars: y))
}
