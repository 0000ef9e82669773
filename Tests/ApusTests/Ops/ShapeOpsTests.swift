import Foundation
import Testing
@testable import Apus

// The shape ops beyond the PyTorch comparisons of the op table (OpInfo+Shape.swift): which results
// are views, large inputs that take the threaded and coalesced copy paths (checked against index
// formulas), identities between ops (unfold and conv2d, fold and unfold), the layers, and the
// messages of refused calls.

/// Row-major multi-index of flat position `i` in `shape`.
private func multiIndex(_ i: Int, _ shape: [Int]) -> [Int] {
    var rest = i
    var index = [Int](repeating: 0, count: shape.count)
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
        index[d] = rest % shape[d]
        rest /= shape[d]
    }
    return index
}

/// Flat position of a multi-index in `shape`.
private func flatIndex(_ index: [Int], _ shape: [Int]) -> Int {
    zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 }
}

/// Every element of `out` against `expected(multi-index of out)`, a flat position in `source`.
private func expectGathered(_ out: Tensor, from source: Tensor, _ expected: ([Int]) -> Int,
                            sourceLocation: SourceLocation = #_sourceLocation) {
    let o = out.toDoubles(), s = source.toDoubles()
    let wrong = o.indices.first { o[$0] != s[expected(multiIndex($0, out.shape))] }
    #expect(wrong == nil, "first wrong element at \(wrong.map { multiIndex($0, out.shape) } ?? [])", sourceLocation: sourceLocation)
}

@Suite struct ShapeViewTests {
    let x = Tensor.arange(24).reshape([2, 3, 4]).cast(to: .float32)

    @Test func viewsShareStorage() {
        for (name, v) in [("diagonal", x.diagonal(offset: 1, axis1: 1, axis2: 2)), ("narrow", x.narrow(axis: 2, start: 1, length: 2)),
                          ("movedim", x.movedim(source: 0, destination: 2)), ("swapaxes", x.swapaxes(0, 1)),
                          ("unflatten", x.unflatten(axis: 2, sizes: [2, 2])), ("unfold", x.unfold(axis: 2, size: 2, step: 1)),
                          ("broadcastTo", x[.all, 0..<1].broadcastTo([2, 5, 4])), ("squeezed", x[.all, 0..<1].squeezed(axes: [1])),
                          ("meshgrid", meshgrid([x[0, 0], x[1, 1]])[0])] {
            #expect(v.storage === x.storage, "\(name) copied")
        }
        // Copies, as in PyTorch.
        #expect(x.flip(axes: [0]).storage !== x.storage)
    }

    @Test func unflattenOfATransposedTensorIsAView() {
        let t = Tensor.arange(12).reshape([3, 4]).T  // [4, 3], strides [1, 4]
        let u = t.unflatten(axis: 0, sizes: [2, 2])
        #expect(u.storage === t.storage)
        #expect(u.strides == [2, 1, 4])
        #expect(u.toArray(as: Int64.self) == t.contiguous().reshape([2, 2, 3]).toArray(as: Int64.self))
    }

    @Test func diagonalIsAViewWithTheRightStrides() {
        let d = x.diagonal(offset: -1, axis1: 2, axis2: 1)  // d[b, i] = x[b, i, i + 1]
        #expect(d.shape == [2, 3])
        #expect(d.strides == [12, 5])
        expectGathered(d, from: x) { i in flatIndex([i[0], i[1], i[1] + 1], [2, 3, 4]) }
    }

    @Test func windowsOfTensorUnfold() {
        let w = x.unfold(axis: 1, size: 2, step: 1)  // [2, 2, 4, 2]
        #expect(w.shape == [2, 2, 4, 2])
        expectGathered(w, from: x) { i in flatIndex([i[0], i[1] + i[3], i[2]], [2, 3, 4]) }
    }

    @Test func expandResolvesMinusOne() {
        let c = Tensor([[1], [2], [3]])
        #expect(c.expand(to: [2, -1, 4]).shape == [2, 3, 4])
        #expect(c.broadcastTo([-1, 0]).shape == [3, 0])
    }
}

@Suite struct ShapeCopyTests {
    /// Large enough for several threads and for the row coalescing to matter.
    let big = Tensor.arange(300 * 257).reshape([300, 257]).cast(to: .float32)

    @Test func flipLargeAlongEachAxis() {
        let s = [300, 257]
        expectGathered(big.flip(axes: [0]), from: big) { i in flatIndex([299 - i[0], i[1]], s) }
        expectGathered(big.flip(axes: [1]), from: big) { i in flatIndex([i[0], 256 - i[1]], s) }
        expectGathered(big.flip(axes: [0, 1]), from: big) { i in flatIndex([299 - i[0], 256 - i[1]], s) }
        // A transposed input: the copy walks a strided source.
        let t = big.T
        expectGathered(t.flip(axes: [1]), from: big) { i in flatIndex([299 - i[1], i[0]], s) }
    }

    @Test func rollLarge() {
        let s = [300, 257]
        expectGathered(big.roll(shifts: [7, -3], axes: [0, 1]), from: big) { i in
            flatIndex([(i[0] - 7 + 300) % 300, (i[1] + 3) % 257], s)
        }
        expectGathered(big.roll(shifts: 1000), from: big) { i in (flatIndex(i, s) - 1000 + 300 * 257) % (300 * 257) }
    }

    @Test func repeatAndTileLarge() {
        let x = Tensor.arange(600).reshape([200, 3]).cast(to: .float64)
        let r = x.repeat([2, 1, 100])
        #expect(r.shape == [2, 200, 300])
        expectGathered(r, from: x) { i in flatIndex([i[1], i[2] % 3], [200, 3]) }
        #expect(x.tile([3]) == x.repeat([1, 3]))
        let column = Tensor.arange(70_000).reshape([70_000, 1]).cast(to: .float32)
        expectGathered(column.repeat([1, 3]), from: column) { i in i[0] }
    }

    @Test func repeatInterleaveLarge() {
        let x = Tensor.arange(40_000).reshape([200, 200]).cast(to: .float32)
        let r = x.repeatInterleave(repeats: 3, axis: 1)
        expectGathered(r, from: x) { i in flatIndex([i[0], i[1] / 3], [200, 200]) }
        for times in [1, 2, 4, 5] {
            expectGathered(x.repeatInterleave(repeats: times), from: x) { i in i[0] / times }
        }
        let counts = Tensor(scalars: (0..<200).map { Int64($0 % 4) }, shape: [200])
        let rr = x.repeatInterleave(repeats: counts, axis: 0)
        var rows: [Int] = []
        for i in 0..<200 { rows += [Int](repeating: i, count: i % 4) }
        #expect(rr.shape == [rows.count, 200])
        expectGathered(rr, from: x) { i in flatIndex([rows[i[0]], i[1]], [200, 200]) }
    }

    @Test func trilTriuLargeBatchedAndStrided() {
        let b = Tensor.arange(3 * 200 * 150).reshape([3, 200, 150]).cast(to: .float32) + 1
        for k in [-40, 0, 17] {
            let lower = b.tril(diagonal: k).toDoubles(), upper = b.triu(diagonal: k).toDoubles(), v = b.toDoubles()
            let bad = v.indices.first { p in
                let i = multiIndex(p, [3, 200, 150])
                return lower[p] != (i[2] <= i[1] + k ? v[p] : 0) || upper[p] != (i[2] >= i[1] + k ? v[p] : 0)
            }
            #expect(bad == nil, "diagonal \(k): element \(bad.map { multiIndex($0, [3, 200, 150]) } ?? [])")
        }
        // A single large matrix (rows split over threads), read transposed.
        let m = big.T  // [257, 300], strides [1, 257]
        #expect(m.tril(diagonal: 5) == m.contiguous().tril(diagonal: 5))
        #expect(m.triu(diagonal: -5) == m.contiguous().triu(diagonal: -5))
        #expect(m.tril() + m.triu(diagonal: 1) == m.contiguous())
    }

    @Test func pixelShuffleLargeRoundTrip() {
        let x = Tensor.arange(2 * 16 * 40 * 36).reshape([2, 16, 40, 36]).cast(to: .float32)
        let y = pixelShuffle(x, upscaleFactor: 4)
        #expect(y.shape == [2, 1, 160, 144])
        expectGathered(y, from: x) { i in
            flatIndex([i[0], i[1] * 16 + (i[2] % 4) * 4 + i[3] % 4, i[2] / 4, i[3] / 4], [2, 16, 40, 36])
        }
        #expect(pixelUnshuffle(y, downscaleFactor: 4) == x)
    }

    @Test func rot90FourTimesIsTheIdentity() {
        let x = Tensor.arange(24).reshape([2, 3, 4])
        var r = x
        for _ in 0..<4 { r = r.rot90(axes: [1, 2]) }
        #expect(r == x)
        #expect(x.rot90(k: 1, axes: [1, 2]) == x.rot90(k: -3, axes: [1, 2]))
        #expect(x.rot90(k: 1, axes: [2, 1]) == x.rot90(k: -1, axes: [1, 2]))
    }
}

@Suite struct FoldTests {
    @Test func unfoldTimesWeightsIsConv2d() {
        seed(5)
        let x = Tensor.randn([2, 3, 7, 6]), w = Tensor.randn([4, 3, 3, 2])
        let cols = unfold(x, kernelSize: [3, 2], dilation: [1, 2], padding: [1, 0], stride: [2, 1])  // [2, 18, L]
        let y = conv2d(x, weight: w, stride: [2, 1], padding: [1, 0], dilation: [1, 2])
        let viaUnfold = matmul(w.reshape([4, -1]), cols).reshape(y.shape)
        let difference = (viaUnfold - y).abs().max().item()
        #expect(difference < 1e-5)
    }

    @Test func foldOfUnfoldCountsTheOverlaps() {
        seed(6)
        let x = Tensor.randn([1, 2, 5, 5], dtype: .float64)
        let params = (kernel: IntPair(3), padding: IntPair(1), stride: IntPair(1))
        let folded = fold(unfold(x, kernelSize: params.kernel, padding: params.padding, stride: params.stride),
                          outputSize: 5, kernelSize: params.kernel, padding: params.padding, stride: params.stride)
        let counts = fold(unfold(.ones([1, 2, 5, 5], dtype: .float64), kernelSize: params.kernel, padding: params.padding),
                          outputSize: 5, kernelSize: params.kernel, padding: params.padding)
        #expect(((folded - x * counts).abs().max().item()) < 1e-12)
        #expect(counts.value(at: [0, 0, 2, 2]) == 9 && counts.value(at: [0, 0, 0, 0]) == 4)
    }

    @Test func largeUnfoldMatchesPerPlaneReference() {
        // Many planes: the (image, channel) pairs run on several threads.
        let x = Tensor.arange(4 * 16 * 40 * 40).reshape([4, 16, 40, 40]).cast(to: .float32)
        let cols = unfold(x, kernelSize: 3, dilation: [1, 2])  // [4, 144, 38 · 36]
        #expect(cols.shape == [4, 144, 38 * 36])
        expectGathered(cols, from: x) { i in
            let (c, tap) = (i[1] / 9, i[1] % 9)
            let (oh, ow) = (i[2] / 36, i[2] % 36)
            return flatIndex([i[0], c, oh + tap / 3, ow + 2 * (tap % 3)], [4, 16, 40, 40])
        }
    }
}

@Suite struct ShapeLayerTests {
    @Test func layersCallTheFunctions() {
        seed(7)
        let x = Tensor.randn([2, 8, 3, 4])
        #expect(PixelShuffle(upscaleFactor: 2)(x) == pixelShuffle(x, upscaleFactor: 2))
        #expect(PixelUnshuffle(downscaleFactor: 2)(pixelShuffle(x, upscaleFactor: 2)) == x)
        let cols = Unfold(kernelSize: 2, padding: 1)(x)
        #expect(cols == unfold(x, kernelSize: 2, padding: 1))
        #expect(Fold(outputSize: [3, 4], kernelSize: 2, padding: 1)(cols) == fold(cols, outputSize: [3, 4], kernelSize: 2, padding: 1))
        #expect(Unflatten(axis: 1, sizes: [2, -1])(x).shape == [2, 2, 4, 3, 4])
    }

    @Test func flattenThenUnflattenInASequentialHasNoParameters() {
        let model = Sequential(Flatten(), Unflatten(axis: 1, sizes: [8, 3, 4]), PixelShuffle(upscaleFactor: 2))
        #expect(model.parameters().isEmpty)
        let x = Tensor.randn([2, 8, 3, 4]).requiringGrad()
        let y = model(x)
        #expect(y.shape == [2, 2, 6, 8])
        y.sum().backward()
        #expect(x.grad == Tensor.ones([2, 8, 3, 4]))
    }
}

@Suite struct ShapeErrorTests {
    @Test func refusalsNameTheOpAndTheShapes() async {
        var result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).flip(axes: [0, -2])
        }
        #expect(stderrText(result).contains("flip: axes [0, -2] name an axis twice (shape [2, 3])"))
        result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).repeat([2])
        }
        #expect(stderrText(result).contains("repeat: 1 repeats [2] for tensor of shape [2, 3]"))
        result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 6]).unflatten(axis: 1, sizes: [4, -1])
        }
        #expect(stderrText(result).contains("unflatten: sizes [4, -1] do not multiply to the size 6 of axis 1 (shape [2, 6])"))
        result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = fold(.zeros([1, 8, 8]), outputSize: 4, kernelSize: 2)
        }
        #expect(stderrText(result).contains("gives 3 × 3 = 9 blocks, but the input of shape [1, 8, 8] has 8"))
        result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 1]).broadcastTo([-1, 3, 4])
        }
        #expect(stderrText(result).contains("expand: size -1 is not allowed for the new leading dimension 0"))
    }
}
