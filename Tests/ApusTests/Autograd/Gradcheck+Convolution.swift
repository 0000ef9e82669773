// Gradcheck rows for the convolutions: conv2d (stride, padding including .same with an even
// kernel, dilation, groups, depthwise, 1×1, no bias), conv1d and convTranspose2d, each with
// respect to input, weight and bias, on contiguous and non-contiguous (permuted, sliced) inputs.

import Testing
@testable import Apus

extension GradcheckTests {
    static let convolutionFamily = GradcheckFamily(
        ops: ["conv2d", "conv1d", "convTranspose2d"],
        broadcasting: [],
        cases: conv2dCases + conv1dCases + convTransposeCases)

    static let conv2dCases: [GradcheckCase] = [
        plain("conv2d", "[2,3,5,4] * [4,3,3,3] + bias, padding 1") { g in
            [randn(g, [2, 3, 5, 4]), randn(g, [4, 3, 3, 3]), randn(g, [4])]
        } f: { x in conv2d(x[0], weight: x[1], bias: x[2], padding: 1) },
        plain("conv2d", "stride [2,1], padding [1,2], dilation [2,1], kernel 3×2") { g in
            [randn(g, [1, 2, 7, 6]), randn(g, [3, 2, 3, 2]), randn(g, [3])]
        } f: { x in conv2d(x[0], weight: x[1], bias: x[2], stride: [2, 1], padding: [1, 2], dilation: [2, 1]) },
        plain("conv2d", "padding .same, even kernel 2×4 (asymmetric), no bias") { g in
            [randn(g, [2, 3, 4, 5]), randn(g, [2, 3, 2, 4])]
        } f: { x in conv2d(x[0], weight: x[1], padding: .same) },
        plain("conv2d", "groups 2, stride 2, padding .valid") { g in
            [randn(g, [2, 4, 5, 5]), randn(g, [6, 2, 3, 3]), randn(g, [6])]
        } f: { x in conv2d(x[0], weight: x[1], bias: x[2], stride: 2, padding: .valid, groups: 2) },
        plain("conv2d", "depthwise (groups = C = 3), padding 1") { g in
            [randn(g, [2, 3, 4, 4]), randn(g, [3, 1, 3, 3]), randn(g, [3])]
        } f: { x in conv2d(x[0], weight: x[1], bias: x[2], padding: 1, groups: 3) },
        plain("conv2d", "1×1 kernel (plain GEMM), no bias") { g in
            [randn(g, [2, 3, 3, 2]), randn(g, [4, 3, 1, 1])]
        } f: { x in conv2d(x[0], weight: x[1]) },
        strided("conv2d", "x permuted [2,3,5,4] from [2,5,4,3], weight transposed, bias strided", [0, 1, 2]) { g in
            [randn(g, [2, 5, 4, 3]).permute([0, 3, 1, 2]), randn(g, [3, 4, 3, 3]).transposed(0, 1),
             randn(g, [8]).slice(axis: 0, step: 2)]
        } f: { x in conv2d(x[0], weight: x[1], bias: x[2], stride: 2, padding: 1) },
    ]

    static let conv1dCases: [GradcheckCase] = [
        plain("conv1d", "stride 2, padding 1, dilation 2") { g in
            [randn(g, [2, 3, 9]), randn(g, [4, 3, 3]), randn(g, [4])]
        } f: { x in conv1d(x[0], weight: x[1], bias: x[2], stride: 2, padding: 1, dilation: 2) },
        plain("conv1d", "padding .same, kernel 4, groups 2, no bias") { g in
            [randn(g, [2, 4, 7]), randn(g, [2, 2, 4])]
        } f: { x in conv1d(x[0], weight: x[1], padding: .same, groups: 2) },
        strided("conv1d", "x [2,3,8] transposed from [2,8,3]", [0]) { g in
            [randn(g, [2, 8, 3]).transposed(1, 2), randn(g, [2, 3, 3]), randn(g, [2])]
        } f: { x in conv1d(x[0], weight: x[1], bias: x[2], padding: 1) },
    ]

    static let convTransposeCases: [GradcheckCase] = [
        plain("convTranspose2d", "stride 2, padding 1, outputPadding 1, groups 2") { g in
            [randn(g, [2, 4, 3, 3]), randn(g, [4, 2, 3, 3]), randn(g, [4])]
        } f: { x in convTranspose2d(x[0], weight: x[1], bias: x[2], stride: 2, padding: 1, outputPadding: 1, groups: 2) },
        plain("convTranspose2d", "dilation 2, kernel 2×3, no bias") { g in
            [randn(g, [1, 3, 3, 4]), randn(g, [3, 2, 2, 3])]
        } f: { x in convTranspose2d(x[0], weight: x[1], dilation: 2) },
        strided("convTranspose2d", "x permuted, stride [2,1], padding [0,1]", [0]) { g in
            [randn(g, [2, 3, 4, 2]).permute([0, 3, 1, 2]), randn(g, [2, 3, 3, 3]), randn(g, [3])]
        } f: { x in convTranspose2d(x[0], weight: x[1], bias: x[2], stride: [2, 1], padding: [0, 1]) },
    ]
}
