import Testing
@testable import Apus

// matmul against a naive triple loop for every rank combination, broadcast batch dimensions,
// non-contiguous operands and the multi-threaded path.

/// `torch.matmul` written out: 1-D operands become a row (left) or column (right) vector and that
/// dimension is dropped afterwards; batch dimensions broadcast; each product is a triple loop.
private func naiveMatmul(_ a: [Double], _ aShape: [Int], _ b: [Double], _ bShape: [Int]) -> (values: [Double], shape: [Int]) {
    let aIs1D = aShape.count == 1, bIs1D = bShape.count == 1
    let sa = aIs1D ? [1] + aShape : aShape
    let sb = bIs1D ? bShape + [1] : bShape
    let (m, k) = (sa[sa.count - 2], sa[sa.count - 1])
    let (k2, n) = (sb[sb.count - 2], sb[sb.count - 1])
    precondition(k == k2)
    let batchA = Array(sa.dropLast(2)), batchB = Array(sb.dropLast(2))
    let rank = max(batchA.count, batchB.count)
    let padA = [Int](repeating: 1, count: rank - batchA.count) + batchA
    let padB = [Int](repeating: 1, count: rank - batchB.count) + batchB
    let batch = zip(padA, padB).map { max($0, $1) }
    let batchCount = batch.reduce(1, *)
    var out = [Double](repeating: 0, count: batchCount * m * n)
    for flat in 0..<batchCount {
        // Multi-index of this batch entry, then the (broadcast) entry of each operand.
        var rest = flat, idx = [Int](repeating: 0, count: rank)
        for d in stride(from: rank - 1, through: 0, by: -1) { idx[d] = rest % batch[d]; rest /= batch[d] }
        var ia = 0, ib = 0
        for d in 0..<rank {
            ia = ia * padA[d] + (padA[d] == 1 ? 0 : idx[d])
            ib = ib * padB[d] + (padB[d] == 1 ? 0 : idx[d])
        }
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k { s += a[ia * m * k + i * k + p] * b[ib * k * n + p * n + j] }
                out[flat * m * n + i * n + j] = s
            }
        }
    }
    var shape = batch + [m, n]
    if bIs1D { shape.removeLast() }
    if aIs1D { shape.remove(at: shape.count - (bIs1D ? 1 : 2)) }
    return (out, shape)
}

/// Small random integers as float32: products and sums stay exact, so results compare with `==`.
private func integerValued(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.randint(-4, 5, shape: shape, generator: RandomGenerator(seed: seed)).cast(to: .float32)
}

@Suite struct MatmulTests {
    @Test func handComputedProducts() {
        let a = Tensor([[1.0, 2.0], [3.0, 4.0]]), b = Tensor([[5.0, 6.0], [7.0, 8.0]])
        #expect(matmul(a, b).toDoubles() == [19, 22, 43, 50])
        #expect(a.matmul(b) == matmul(a, b))
        let dot = matmul(Tensor([1.0, 2.0, 3.0]), Tensor([4.0, 5.0, 6.0]))
        #expect(dot.shape == [] && dot.item() == 32)
        let mv = matmul(Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), Tensor([1.0, 0.0, -1.0]))
        #expect(mv.shape == [2] && mv.toDoubles() == [-2, -2])
        let vm = matmul(Tensor([1.0, -1.0]), Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        #expect(vm.shape == [3] && vm.toDoubles() == [-3, -3, -3])
    }

    @Test(arguments: [
        ([3], [3]),                      // vector · vector → scalar
        ([3], [3, 4]),                   // vector · matrix
        ([2, 3], [3]),                   // matrix · vector
        ([2, 3], [3, 4]),                // matrix · matrix
        ([5, 2, 3], [3, 4]),             // batch · matrix
        ([2, 3], [5, 3, 4]),             // matrix · batch
        ([5, 2, 3], [5, 3, 4]),          // batch · batch
        ([3], [5, 3, 4]),                // vector · batch
        ([5, 2, 3], [3]),                // batch · vector
        ([2, 1, 2, 3], [4, 3, 5]),       // broadcast batch dimensions: [2, 4]
        ([1, 3, 2, 3], [2, 1, 3, 2]),    // both broadcast: [2, 3]
        ([2, 2, 1, 4], [1, 4, 1]),       // inner size 1 and n = 1
        ([3, 0], [0, 2]),                // empty inner dimension: zeros
    ])
    func rankCombinationsMatchNaiveLoops(aShape: [Int], bShape: [Int]) {
        let a = integerValued(aShape, seed: 1), b = integerValued(bShape, seed: 2)
        let expected = naiveMatmul(a.toDoubles(), aShape, b.toDoubles(), bShape)
        let r = matmul(a, b)
        #expect(r.shape == expected.shape)
        #expect(r.toDoubles() == expected.values)
        #expect(r.dtype == .float32)
    }

    @Test func transposedAndSlicedOperands() {
        let a = integerValued([4, 3], seed: 3), b = integerValued([5, 4], seed: 4)
        // aᵀ [3, 4] and bᵀ [4, 5] are strided views; results must equal those of copies.
        let expected = naiveMatmul(a.T.contiguous().toDoubles(), [3, 4], b.T.contiguous().toDoubles(), [4, 5])
        let r = matmul(a.T, b.T)
        #expect(r.shape == [3, 5])
        #expect(r.toDoubles() == expected.values)
        #expect(matmul(a.T, b.T) == matmul(a.T.contiguous(), b.T.contiguous()))
        // Every other row and column.
        let big = integerValued([6, 8], seed: 5)
        let s = big[stride(from: 0, to: 6, by: 2), stride(from: 1, to: 8, by: 2)]  // [3, 4]
        #expect(matmul(s, b.T) == matmul(s.contiguous(), b.T.contiguous()))
        // Batched with a transposed last pair and a broadcast (stride-0) operand.
        let c = integerValued([2, 4, 3], seed: 6)
        let e = integerValued([4, 3], seed: 7).expand(to: [2, 4, 3])
        #expect(matmul(c.transposed(), e) == matmul(c.transposed().contiguous(), e.contiguous()))
    }

    @Test func largeProductUsesThreadsAndMatchesLoops() {
        // 64·64·64 = 2¹⁸ multiply-adds reaches the threaded path.
        let a = integerValued([64, 64], seed: 8), b = integerValued([64, 64], seed: 9)
        let expected = naiveMatmul(a.toDoubles(), [64, 64], b.toDoubles(), [64, 64])
        #expect(matmul(a, b).toDoubles() == expected.values)
        #expect(matmul(a.T, b).toDoubles() == naiveMatmul(a.T.contiguous().toDoubles(), [64, 64], b.toDoubles(), [64, 64]).values)
    }

    @Test func dtypes() {
        // int64 stays int64, as in PyTorch.
        let i = matmul(Tensor([[1, 2]]), Tensor([[3], [4]]))
        #expect(i.dtype == .int64 && i.toDoubles() == [11])
        let iv = matmul(Tensor([[1.5, 2.0]]), Tensor([[3], [4]]))
        #expect(iv.dtype == .float32 && iv.toDoubles() == [12.5])
        let d = matmul(Tensor([[0.1, 0.2]], dtype: .float64), Tensor([[0.3], [0.4]], dtype: .float64))
        #expect(d.dtype == .float64)
        #expect(d.item() == 0.1 * 0.3 + 0.2 * 0.4)
        let mixed = matmul(Tensor([[1.0, 2.0]]), Tensor([[1.0], [1.0]], dtype: .float64))
        #expect(mixed.dtype == .float64 && mixed.item() == 3)
    }

    @Test func identityLeavesMatricesUnchanged() {
        let a = integerValued([3, 3], seed: 10)
        #expect(matmul(Tensor.eye(3), a) == a)
        #expect(matmul(a, Tensor.eye(3)) == a)
    }
}
