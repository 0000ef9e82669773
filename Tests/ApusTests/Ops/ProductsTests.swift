import Testing
@testable import Apus

// Products beyond the op table: einsum runs on the GEMM (the same bits as matmul, no copies of
// its operands), agrees with a naive loop on equations that combine every feature, batched
// products on worker threads agree with one product at a time, and refusals name the op and
// the shapes.

/// Σ over every assignment of the labels of `Π operands`, the output labels fixed: einsum
/// written out over the operands' values (row-major), labels given as one string per operand.
private func naiveEinsum(_ inputs: [String], _ output: String, _ operands: [Tensor]) -> [Double] {
    var sizes: [Character: Int] = [:]
    for (term, x) in zip(inputs, operands) { for (c, n) in zip(term, x.shape) { sizes[c] = n } }
    let summed = Array(Set(inputs.joined()).subtracting(output)).sorted()
    let outLabels = Array(output)
    let values = operands.map { $0.toDoubles() }
    func count(_ labels: [Character]) -> Int { labels.reduce(1) { $0 * sizes[$1]! } }
    func assignment(_ labels: [Character], _ flat: Int) -> [Character: Int] {
        var rest = flat, a: [Character: Int] = [:]
        for c in labels.reversed() { a[c] = rest % sizes[c]!; rest /= sizes[c]! }
        return a
    }
    return (0..<count(outLabels)).map { o in
        let fixed = assignment(outLabels, o)
        var total = 0.0
        for s in 0..<count(summed) {
            let all = fixed.merging(assignment(summed, s)) { a, _ in a }
            var product = 1.0
            for (k, term) in inputs.enumerated() {
                var index = 0
                for (c, n) in zip(term, operands[k].shape) { index = index * n + all[c]! }
                product *= values[k][index]
            }
            total += product
        }
        return total
    }
}

@Suite struct EinsumTests {
    let generator = RandomGenerator(seed: 7)

    @Test func batchedProductsRunAsMatmulOnTheOperands() {
        let a = Tensor.uniform([3, 37, 29], low: -1, high: 1, generator: generator).requiringGrad()
        let b = Tensor.uniform([3, 29, 41], low: -1, high: 1, generator: generator)
        let e = einsum("bij,bjk->bik", a, b)
        #expect(e == matmul(a, b))
        #expect(e.gradFunctionName == "matmul")
        let q = Tensor.uniform([2, 3, 17, 8], low: -1, high: 1, generator: generator).requiringGrad()
        let k = Tensor.uniform([2, 3, 19, 8], low: -1, high: 1, generator: generator)
        let scores = einsum("bhqd,bhkd->bhqk", q, k)
        #expect(scores == matmul(q, k.transposed(-1, -2)))
        #expect(scores.gradFunctionName == "matmul")
        // Merged groups ([a, b] rows, [c, d] depth) are views of the contiguous operands.
        let x = Tensor.uniform([2, 3, 4, 5], low: -1, high: 1, generator: generator)
        let y = Tensor.uniform([4, 5, 6], low: -1, high: 1, generator: generator)
        #expect(einsum("abcd,cde->abe", x, y) == matmul(x.reshape([6, 20]), y.reshape([20, 6])).reshape([2, 3, 6]))
    }

    @Test(arguments: [
        (["ij", "jk", "kl"], "il", [[3, 4], [4, 5], [5, 2]]),
        (["bij", "bjk", "bkl"], "bli", [[2, 3, 4], [2, 4, 2], [2, 2, 3]]),
        (["iij", "jk"], "ik", [[3, 3, 4], [4, 2]]),
        (["abc", "cba", "b"], "a", [[2, 3, 4], [4, 3, 2], [3]]),
        (["ij", "jk", "ki"], "", [[3, 4], [4, 2], [2, 3]]),
        (["i", "j", "k"], "kji", [[2], [3], [4]]),
        (["ab", "bc", "cd", "de", "ea"], "", [[2, 3], [3, 4], [4, 2], [2, 3], [3, 2]]),
    ])
    func multiOperandEquationsMatchTheSumWrittenOut(inputs: [String], output: String, shapes: [[Int]]) {
        let operands = shapes.map { Tensor.uniform($0, low: -1, high: 1, generator: generator).cast(to: .float64) }
        let result = einsum(inputs.joined(separator: ",") + "->" + output, operands)
        let expected = naiveEinsum(inputs, output, operands)
        var sizes: [Character: Int] = [:]
        for (term, shape) in zip(inputs, shapes) { for (c, n) in zip(term, shape) { sizes[c] = n } }
        #expect(result.shape == output.map { sizes[$0]! })
        for (x, y) in zip(result.toDoubles(), expected) { #expect(Swift.abs(x - y) <= 1e-12 * Swift.max(1, Swift.abs(y))) }
    }

    @Test func chainContractsTheCheapPairFirst() {
        // (ij, jk, k): the matrix–vector product first costs 4·4 + 4·4 multiply-adds; left to right
        // would cost 4·4·4 + 4·4. The result is the same either way.
        let m = Tensor.uniform([4, 4], low: -1, high: 1, generator: generator).cast(to: .float64)
        let n = Tensor.uniform([4, 4], low: -1, high: 1, generator: generator).cast(to: .float64)
        let v = Tensor.uniform([4], low: -1, high: 1, generator: generator).cast(to: .float64)
        let terms = [LabeledTensor(m, [0, 1]), LabeledTensor(n, [1, 2]), LabeledTensor(v, [2])]
        #expect(Contraction.cheapestPair(terms) == (1, 2))
        let r = einsum("ij,jk,k->i", m, n, v), expected = matmul(m, matmul(n, v))
        for (x, y) in zip(r.toDoubles(), expected.toDoubles()) { #expect(Swift.abs(x - y) <= 1e-12) }
    }

    @Test func refusalsNameTheEquationAndTheShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = einsum("ij,jk->ik", Tensor.zeros([2, 3]), Tensor.zeros([4, 4]))
        }
        let message = stderrText(result)
        #expect(message.contains("einsum(\"ij,jk->ik\")"))
        #expect(message.contains("[2, 3], [4, 4]"))
        #expect(message.contains("subscript j has size 3 in operand 0 and 4 in operand 1"))
    }

    @Test func unknownCharacterIsNamedWithItsIndex() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = einsum("i1,j->ij", Tensor.zeros([2, 3]), Tensor.zeros([4]))
        }
        let message = stderrText(result)
        #expect(message.contains("einsum(\"i1,j->ij\")"))
        #expect(message.contains("'1' at index 1"))
    }

    @Test func wrongOperandCountIsNamed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = einsum("ij,jk->ik", Tensor.zeros([2, 3]))
        }
        let message = stderrText(result)
        #expect(message.contains("names 2 operands, 1 was given"))
        #expect(message.contains("[2, 3]"))
    }
}

@Suite struct ProductTests {
    let generator = RandomGenerator(seed: 11)

    @Test func manySmallProductsOnWorkerThreadsMatchOneAtATime() {
        // 64 products of 5×7·7×3: below the size where one product splits, so the batch is shared out.
        for dtype in [DType.float32, .float64] {
            let a = Tensor.uniform([64, 5, 7], low: -1, high: 1, generator: generator).cast(to: dtype)
            let b = Tensor.uniform([64, 7, 3], low: -1, high: 1, generator: generator).cast(to: dtype)
            let batched = bmm(a, b)
            for i in [0, 17, 63] {
                #expect(batched[i] == matmul(a[i], b[i]))
            }
        }
    }

    @Test func int64ProductsAreExactAndWrap() {
        // Large enough for the threaded integer loop; small integers, so float64 is exact too.
        let a = Tensor.randint(-9, 10, shape: [70, 64], generator: generator)
        let b = Tensor.randint(-9, 10, shape: [64, 70], generator: generator)
        let p = matmul(a, b)
        #expect(p.dtype == .int64)
        #expect(p.toDoubles() == matmul(a.cast(to: .float64), b.cast(to: .float64)).toDoubles())
        // Two's-complement wrap-around, as PyTorch's integer GEMM.
        let big = Tensor(scalars: [Int64.max, 1], shape: [1, 2]), ones = Tensor(scalars: [Int64(1), 1], shape: [2, 1])
        #expect(matmul(big, ones).toArray(as: Int64.self) == [Int64.min])
    }

    @Test func crossOfTheUnitVectors() {
        let x = Tensor([1.0, 0.0, 0.0]), y = Tensor([0.0, 1.0, 0.0])
        #expect(cross(x, y).toDoubles() == [0, 0, 1])
        #expect(cross(y, x).toDoubles() == [0, 0, -1])
        #expect(x.cross(x).toDoubles() == [0, 0, 0])
    }

    @Test func matmulRefusesBoolWithTheShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([2, 3], dtype: .bool), Tensor.zeros([3, 2], dtype: .bool))
        }
        let message = stderrText(result)
        #expect(message.contains("matmul"))
        #expect(message.contains("bool"))
        #expect(message.contains("[2, 3]"))
    }

    @Test func tensordotNamesTheAxesThatDiffer() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = tensordot(Tensor.zeros([2, 3]), Tensor.zeros([3, 4]), axes: ([0], [0]))
        }
        let message = stderrText(result)
        #expect(message.contains("tensordot"))
        #expect(message.contains("axis 0 of [2, 3] (size 2)"))
        #expect(message.contains("axis 0 of [3, 4] (size 3)"))
    }

    @Test func matrixPowerRefusesNegativePowers() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matrixPower(Tensor.eye(2), -1)
        }
        #expect(stderrText(result).contains("negative powers"))
    }
}
