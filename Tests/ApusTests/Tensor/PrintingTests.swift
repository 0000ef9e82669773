import Testing
@testable import Apus

// `description` follows PyTorch's repr: one format for all elements, 4 decimals, scientific
// notation for wide or extreme magnitudes, rows aligned under the first bracket, and large
// tensors summarised with `...`. (Examples use elements of equal width: PyTorch would also
// right-align elements of different widths, which Apus does not do.)

@Suite struct PrintingTests {
    @Test(arguments: [
        (Tensor([1.0, 2.0, 3.0]), "tensor([1., 2., 3.])"),
        (Tensor([0.5, 1.25]), "tensor([0.5000, 1.2500])"),
        (Tensor([-1.5, -2.25]), "tensor([-1.5000, -2.2500])"),
        (Tensor([100.5, 200.25]), "tensor([100.5000, 200.2500])"),
        (Tensor.zeros([3]), "tensor([0., 0., 0.])"),
        (Tensor([1, 2]), "tensor([1, 2])"),
        (Tensor([123_456_789_012, -5]), "tensor([123456789012, -5])"),
        (Tensor([true, false]), "tensor([true, false])"),
        (Tensor([1.5, 2.0], dtype: .float64), "tensor([1.5000, 2.0000], dtype: float64)"),
        (Tensor([1, 2], dtype: .float64), "tensor([1., 2.], dtype: float64)"),
    ])
    func vectors(tensor: Tensor, expected: String) {
        #expect(tensor.description == expected)
    }

    @Test func int64PrintsExactly() {
        #expect(Tensor(scalars: [Int64.max, Int64.min]).description == "tensor([9223372036854775807, -9223372036854775808])")
        #expect(Tensor([9_007_199_254_740_993]).description == "tensor([9007199254740993])")  // 2^53 + 1
    }

    @Test func scalars() {
        #expect(Tensor(scalar: 2.5).description == "tensor(2.5000)")
        #expect(Tensor(scalar: 3).description == "tensor(3.)")
        let i: Tensor = 3
        #expect(i.description == "tensor(3)")
        #expect(Tensor(scalar: 0.25, dtype: .float64).description == "tensor(0.2500, dtype: float64)")
    }

    @Test func matrixRowsAlignUnderTheFirstBracket() {
        #expect(Tensor([[1, 2], [3, 4]]).description == """
            tensor([[1, 2],
                    [3, 4]])
            """)
        #expect(Tensor([[0.25, 0.5], [0.75, 1.0]]).description == """
            tensor([[0.2500, 0.5000],
                    [0.7500, 1.0000]])
            """)
    }

    @Test func threeDimensionsSeparateBlocksWithABlankLine() {
        #expect(Tensor.arange(8).reshape([2, 2, 2]).description == """
            tensor([[[0, 1],
                     [2, 3]],

                    [[4, 5],
                     [6, 7]]])
            """)
    }

    @Test func nonContiguousPrintsLogicalOrder() {
        #expect(Tensor([[1, 2], [3, 4]]).T.description == """
            tensor([[1, 3],
                    [2, 4]])
            """)
    }

    @Test(arguments: [
        (Tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),            // tiny
        (Tensor([1e9, 2.5]), "tensor([1.0000e+09, 2.5000e+00])"),             // huge
        (Tensor([0.001, 2.5]), "tensor([1.0000e-03, 2.5000e+00])"),           // span > 1000
        (Tensor([1.0, 100_000.0]), "tensor([1.0000e+00, 1.0000e+05])"),       // integral, span > 1000
        (Tensor([2e9, 3e9]), "tensor([2.0000e+09, 3.0000e+09])"),             // integral, > 1e8
        (Tensor([0.0, 1e-5]), "tensor([0.0000e+00, 1.0000e-05])"),            // zero ignored for the span
    ])
    func scientificNotation(tensor: Tensor, expected: String) {
        #expect(tensor.description == expected)
    }

    @Test func nonFiniteValues() {
        let t = Tensor(scalars: [Float(1), .nan, .infinity, -.infinity])
        #expect(t.description == "tensor([1., nan, inf, -inf])")
        let u = Tensor(scalars: [Float(0.5), .nan])
        #expect(u.description == "tensor([0.5000, nan])")
    }

    @Test func gradientInformation() {
        let x = Tensor([1.0, 2.0]).requiringGrad()
        #expect(x.description == "tensor([1., 2.], requiresGrad: true)")
        #expect((x * 2).description == "tensor([2., 4.], grad: multiply)")
        #expect(x.sum().description == "tensor(3., grad: sum)")
        #expect(x.detached().description == "tensor([1., 2.])")
        #expect(noGrad { x * 2 }.description == "tensor([2., 4.])")
        let d = Tensor([1.0], dtype: .float64).requiringGrad()
        #expect(d.description == "tensor([1.], dtype: float64, requiresGrad: true)")
    }

    @Test func emptyTensorsShowTheirShape() {
        #expect(Tensor.zeros([0]).description == "tensor([], shape: [0])")
        #expect(Tensor.zeros([0, 3]).description == "tensor([], shape: [0, 3])")
    }

    @Test func thousandElementsAreNotSummarised() {
        let d = Tensor.zeros([1000]).description
        #expect(!d.contains("..."))
        #expect(d.components(separatedBy: ", ").count == 1000)
    }

    @Test func largeVectorIsSummarised() {
        #expect(Tensor.full([1001], value: 0.5).description
            == "tensor([0.5000, 0.5000, 0.5000, ..., 0.5000, 0.5000, 0.5000], shape: [1001])")
        let d = Tensor.arange(2000).description
        #expect(d.contains("..."))
        #expect(d.hasSuffix(", shape: [2000])"))
        #expect(numbers(in: d) == [0, 1, 2, 1997, 1998, 1999, 2000])  // 2000 from the shape
    }

    @Test func largeMatrixSummarisesRowsAndColumns() {
        let d = Tensor.arange(2000).reshape([40, 50]).description
        let lines = d.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 7)  // 3 rows, "...", 3 rows
        #expect(lines[3] == "        ...,")
        #expect(numbers(in: lines[0]) == [0, 1, 2, 47, 48, 49])
        #expect(numbers(in: lines[2]) == [100, 101, 102, 147, 148, 149])
        #expect(numbers(in: lines[4]) == [1850, 1851, 1852, 1897, 1898, 1899])
        #expect(numbers(in: lines[6]) == [1950, 1951, 1952, 1997, 1998, 1999, 40, 50])
        #expect(lines.allSatisfy { $0.contains("...") })
    }

    @Test func interpolationUsesDescription() {
        let t = Tensor([1, 2])
        #expect("\(t)" == "tensor([1, 2])")
        #expect(t.debugDescription == t.description)
    }
}

/// The non-negative integers written in `text`, in order.
private func numbers(in text: String) -> [Int] {
    text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
}
