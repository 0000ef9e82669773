import Testing
@testable import Apus

/// Max pooling's vector paths (float32: windows that lie inside the input, eight outputs at a time;
/// small maps through a −∞-padded copy) against the scalar one (float64): the same maxima and the
/// same argmax (first largest tap, the last NaN), over strides 1 and 2, paddings, dilation, ceil
/// mode, widths around multiples of 8, ties, NaN and −∞.
struct PoolKernelTests {
    @Test(arguments: [
        // size, kernel, stride, padding, dilation, ceil mode
        ([9, 37], 3, 2, 1, 1, false), ([16, 16], 3, 2, 1, 1, false), ([12, 33], 3, 1, 1, 1, false),
        ([7, 20], 2, 1, 0, 1, false), ([11, 40], 3, 2, 0, 1, false), ([10, 29], 5, 2, 2, 1, false),
        ([9, 26], 3, 1, 1, 2, false), ([8, 19], 3, 2, 1, 2, false),
        // Small maps: the padded copy (GoogLeNet's 3×3 pools, ceil mode).
        ([7, 7], 3, 1, 1, 1, true), ([4, 5], 3, 2, 1, 1, true), ([14, 13], 3, 2, 0, 1, true), ([3, 9], 2, 1, 0, 1, false),
        ([6, 6], 3, 2, 0, 1, false),
    ] as [([Int], Int, Int, Int, Int, Bool)])
    func float32MatchesScalarPath(_ c: ([Int], Int, Int, Int, Int, Bool)) {
        let (size, kernel, step, padding, dilation, ceilMode) = c
        let g = RandomGenerator(seed: UInt64(size[1] * 10 + kernel))
        // Small integers: many ties; a few NaNs and −∞.
        var values = (0..<(3 * 4 * size[0] * size[1])).map { _ in Double(Int(g.normals(1)[0] * 2)) }
        for i in stride(from: 5, to: values.count, by: 97) { values[i] = .nan }
        for i in stride(from: 11, to: values.count, by: 53) { values[i] = -.infinity }
        let x64 = Tensor(shape: [3, 4] + size, values: values, dtype: .float64)
        func run(_ dtype: DType) -> (Tensor, Tensor) {
            let x = x64.cast(to: dtype).requiringGrad()
            let y = maxPool2d(x, kernelSize: IntPair(kernel), stride: IntPair(step), padding: IntPair(padding), dilation: IntPair(dilation),
                              ceilMode: ceilMode)
            y.backward(Tensor.linspace(1, 2, count: y.count, dtype: dtype).reshape(y.shape))
            return (y, x.grad!)
        }
        let (y32, g32) = run(.float32), (y64, g64) = run(.float64)
        let same = zip(y32.toDoubles(), y64.toDoubles()).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        #expect(same)
        // The same argmax: each input's gradient sums the same upstream values (float32 rounding aside).
        #expect(zip(g32.toDoubles(), g64.toDoubles()).allSatisfy { Swift.abs($0 - $1) <= 1e-5 * (1 + Swift.abs($1)) })
    }
}
