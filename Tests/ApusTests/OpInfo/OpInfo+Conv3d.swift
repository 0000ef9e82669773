// 3-D convolutions and transposed convolutions: conv3d, convTranspose3d, convTranspose1d (cases
// in Scripts/opinfo/conv3d.py, arguments under PyTorch's keyword names).

@testable import Apus

extension OpInfoTable {
    /// An `IntTriple` argument: one integer for all three axes or a list of three.
    private static func triple(_ a: OpArgs, _ key: String, default d: Int) -> IntTriple {
        guard a.has(key) else { return IntTriple(d) }
        let v = a.ints(key)
        return v.count == 1 ? IntTriple(v[0]) : IntTriple(v[0], v[1], v[2])
    }

    /// conv3d's padding: an integer, a list of three, or PyTorch's strings "same" and "valid".
    private static func padding3d(_ a: OpArgs) -> Conv3dPadding {
        if case .string(let s)? = a.values["padding"] { return s == "same" ? .same : .valid }
        return .explicit(triple(a, "padding", default: 0))
    }

    static let conv3d: [OpInfo] = [
        OpInfo("conv3d") { x, a in
            [Apus.conv3d(x[0]!, weight: x[1]!, bias: x[2], stride: triple(a, "stride", default: 1), padding: padding3d(a),
                         dilation: triple(a, "dilation", default: 1), groups: a.int("groups", default: 1))]
        },
        OpInfo("convTranspose3d") { x, a in
            [convTranspose3d(x[0]!, weight: x[1]!, bias: x[2], stride: triple(a, "stride", default: 1),
                             padding: triple(a, "padding", default: 0), outputPadding: triple(a, "output_padding", default: 0),
                             groups: a.int("groups", default: 1), dilation: triple(a, "dilation", default: 1))]
        },
        OpInfo("convTranspose1d") { x, a in
            [convTranspose1d(x[0]!, weight: x[1]!, bias: x[2], stride: a.int("stride", default: 1),
                             padding: a.int("padding", default: 0), outputPadding: a.int("output_padding", default: 0),
                             groups: a.int("groups", default: 1), dilation: a.int("dilation", default: 1))]
        },
    ]
}
