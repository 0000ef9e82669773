// Shape ops: the op table's entries (cases in Scripts/opinfo/shape.py).

@testable import Apus

extension OpArgs {
    /// An `IntPair` argument: one integer for both axes or `[height, width]`.
    fileprivate func pair(_ key: String, default d: Int) -> IntPair {
        guard has(key) else { return IntPair(d) }
        let v = ints(key)
        return IntPair(v[0], v.last!)
    }

    /// Whether the argument is a single integer (not a list).
    fileprivate func isInt(_ key: String) -> Bool {
        if case .int? = values[key] { return true }
        return false
    }
}

extension OpInfoTable {
    static let shape: [OpInfo] = [
        OpInfo("flip") { x, a in [x[0]!.flip(axes: a.ints("axes"))] },
        .unary("fliplr") { $0.fliplr() },
        .unary("flipud") { $0.flipud() },
        OpInfo("roll") { x, a in [x[0]!.roll(shifts: a.ints("shifts"), axes: a.optionalInts("axes"))] },
        OpInfo("rot90") { x, a in [x[0]!.rot90(k: a.int("k", default: 1), axes: a.optionalInts("axes") ?? [0, 1])] },
        OpInfo("movedim") { x, a in
            if a.isInt("source") && a.isInt("destination") {
                return [x[0]!.movedim(source: a.int("source"), destination: a.int("destination"))]
            }
            return [x[0]!.movedim(source: a.ints("source"), destination: a.ints("destination"))]
        },
        OpInfo("swapaxes") { x, a in [x[0]!.swapaxes(a.int("axis0"), a.int("axis1"))] },
        OpInfo("swapdims") { x, a in [x[0]!.swapdims(a.int("axis0"), a.int("axis1"))] },
        OpInfo("repeat") { x, a in [x[0]!.repeat(a.has("repeats") ? a.ints("repeats") : [])] },
        OpInfo("tile") { x, a in [x[0]!.tile(a.has("reps") ? a.ints("reps") : [])] },
        OpInfo("repeatInterleave") { x, a in [x[0]!.repeatInterleave(repeats: a.int("repeats"), axis: a.optionalInt("axis"))] },
        OpInfo("repeatInterleaveTensor") { x, a in [x[0]!.repeatInterleave(repeats: x[1]!, axis: a.optionalInt("axis"))] },
        OpInfo("repeatInterleaveIndices", differentiable: false) { x, _ in [repeatInterleave(x[0]!)] },
        OpInfo("tril") { x, a in [x[0]!.tril(diagonal: a.int("diagonal", default: 0))] },
        OpInfo("triu") { x, a in [x[0]!.triu(diagonal: a.int("diagonal", default: 0))] },
        OpInfo("diag") { x, a in [x[0]!.diag(diagonal: a.int("diagonal", default: 0))] },
        OpInfo("diagonal") { x, a in
            [x[0]!.diagonal(offset: a.int("offset", default: 0), axis1: a.int("axis1", default: 0), axis2: a.int("axis2", default: 1))]
        },
        OpInfo("diagEmbed") { x, a in
            [x[0]!.diagEmbed(offset: a.int("offset", default: 0), axis1: a.int("axis1", default: -2), axis2: a.int("axis2", default: -1))]
        },
        .unary("trace") { $0.trace() },
        OpInfo("unflatten") { x, a in [x[0]!.unflatten(axis: a.int("axis"), sizes: a.has("sizes") ? a.ints("sizes") : [])] },
        OpInfo("broadcastTo") { x, a in [x[0]!.broadcastTo(a.ints("shape"))] },
        OpInfo("expand") { x, a in [x[0]!.expand(to: a.ints("shape"))] },
        OpInfo("narrow") { x, a in [x[0]!.narrow(axis: a.int("axis"), start: a.int("start"), length: a.int("length"))] },
        OpInfo("squeeze") { x, a in
            guard a.has("axes") else { return [x[0]!.squeezed()] }
            return [x[0]!.squeezed(axes: a.ints("axes"))]
        },
        OpInfo("meshgrid") { x, a in meshgrid(x.map { $0! }, indexing: a.string("indexing") == "xy" ? .xy : .ij) },
        OpInfo("broadcastTensors") { x, _ in broadcastTensors(x.map { $0! }) },
        .unary("atleast1d") { atleast1d($0) },
        .unary("atleast2d") { atleast2d($0) },
        .unary("atleast3d") { atleast3d($0) },
        OpInfo("pixelShuffle") { x, a in [pixelShuffle(x[0]!, upscaleFactor: a.int("upscaleFactor"))] },
        OpInfo("pixelUnshuffle") { x, a in [pixelUnshuffle(x[0]!, downscaleFactor: a.int("downscaleFactor"))] },
        OpInfo("unfold") { x, a in
            [unfold(x[0]!, kernelSize: a.pair("kernelSize", default: 1), dilation: a.pair("dilation", default: 1),
                    padding: a.pair("padding", default: 0), stride: a.pair("stride", default: 1))]
        },
        OpInfo("fold") { x, a in
            [fold(x[0]!, outputSize: a.pair("outputSize", default: 1), kernelSize: a.pair("kernelSize", default: 1),
                  dilation: a.pair("dilation", default: 1), padding: a.pair("padding", default: 0), stride: a.pair("stride", default: 1))]
        },
        OpInfo("unfoldWindows") { x, a in [x[0]!.unfold(axis: a.int("axis"), size: a.int("size"), step: a.int("step"))] },
    ]
}
