// Gradcheck rows for pooling (max, average, adaptive, global; 1-d and 2-d), upsampling and local
// response normalisation. Max pooling inputs come from `distinct` (values at least 0.15 apart),
// so no window has a tie that a finite difference could flip.

import Testing
@testable import Apus

extension GradcheckTests {
    static let poolingFamily = GradcheckFamily(
        ops: [
            "maxPool2d", "maxPool1d", "avgPool2d", "avgPool1d", "adaptiveAvgPool2d", "adaptiveMaxPool2d",
            "globalAvgPool2d", "upsample", "localResponseNorm",
            "MaxPool2d", "MaxPool1d", "AvgPool2d", "AvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
            "GlobalAvgPool2d", "Upsample", "LocalResponseNorm",
        ],
        broadcasting: [],
        cases: maxPoolCases + averagePoolCases + upsampleCases)

    /// A `[n, c, h, w]` view of a `[n, c, w, h]` tensor (non-contiguous).
    @Sendable static func transposedImage(_ t: Tensor) -> Tensor { t.permute([0, 1, 3, 2]) }

    // MARK: Max pooling

    static let maxPoolCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        c.append(plain("maxPool2d", "2×2 stride 2 (fast path), [2,2,4,6]") { g in [distinct(g, [2, 2, 4, 6])] } f: { x in
            maxPool2d(x[0], kernelSize: 2)
        })
        c.append(plain("maxPool2d", "3×3 stride 2 padding 1, overlapping windows") { g in [distinct(g, [1, 2, 7, 6])] } f: { x in
            maxPool2d(x[0], kernelSize: 3, stride: 2, padding: 1)
        })
        c.append(plain("maxPool2d", "3×3 stride 2 padding 1 ceil mode") { g in [distinct(g, [1, 2, 6, 7])] } f: { x in
            maxPool2d(x[0], kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
        })
        c.append(plain("maxPool2d", "kernel (2,3) stride (1,2) padding (1,0) dilation (2,1), unbatched [2,5,7]") { g in
            [distinct(g, [2, 5, 7])]
        } f: { x in maxPool2d(x[0], kernelSize: [2, 3], stride: [1, 2], padding: [1, 0], dilation: [2, 1]) })
        c.append(strided("maxPool2d", "transposed input, 2×2 stride 1", [0]) { g in [transposedImage(distinct(g, [1, 2, 5, 4]))] } f: { x in
            maxPool2d(x[0], kernelSize: 2, stride: 1)
        })
        c.append(plain("MaxPool2d", "module 3×3 stride 2 ceil mode") { g in [distinct(g, [2, 1, 5, 5])] } f: { x in
            MaxPool2d(3, stride: 2, ceilMode: true)(x[0])
        })
        c.append(strided("MaxPool2d", "module 2×2, transposed input", [0]) { g in [transposedImage(distinct(g, [1, 2, 4, 6]))] } f: { x in
            MaxPool2d(2)(x[0])
        })
        c.append(plain("maxPool1d", "kernel 3 stride 2 padding 1 ceil mode, [2,2,8]") { g in [distinct(g, [2, 2, 8])] } f: { x in
            maxPool1d(x[0], kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
        })
        c.append(strided("maxPool1d", "unbatched [3,7] as a transposed view, dilation 2", [0]) { g in [distinct(g, [7, 3]).T] } f: { x in
            maxPool1d(x[0], kernelSize: 2, stride: 1, dilation: 2)
        })
        c.append(plain("MaxPool1d", "module kernel 2") { g in [distinct(g, [2, 3, 6])] } f: { x in MaxPool1d(2)(x[0]) })
        c.append(strided("MaxPool1d", "module, strided slice", [0]) { g in [distinct(g, [2, 12]).slice(axis: 1, step: 2)] } f: { x in
            MaxPool1d(3, stride: 1)(x[0])
        })
        c.append(plain("adaptiveMaxPool2d", "[2,2,5,7] → (3,4), overlapping windows") { g in [distinct(g, [2, 2, 5, 7])] } f: { x in
            adaptiveMaxPool2d(x[0], outputSize: [3, 4])
        })
        c.append(strided("adaptiveMaxPool2d", "transposed input → 2", [0]) { g in [transposedImage(distinct(g, [1, 2, 5, 4]))] } f: { x in
            adaptiveMaxPool2d(x[0], outputSize: 2)
        })
        c.append(plain("AdaptiveMaxPool2d", "module → (1, 2)") { g in [distinct(g, [1, 3, 4, 5])] } f: { x in AdaptiveMaxPool2d([1, 2])(x[0]) })
        c.append(strided("AdaptiveMaxPool2d", "module, transposed input", [0]) { g in [transposedImage(distinct(g, [1, 2, 4, 3]))] } f: { x in
            AdaptiveMaxPool2d(2)(x[0])
        })
        return c
    }()

    // MARK: Average, adaptive and global pooling

    static let averagePoolCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        c.append(plain("avgPool2d", "2×2 stride 2") { g in [randn(g, [2, 2, 4, 6])] } f: { x in avgPool2d(x[0], kernelSize: 2) })
        c.append(plain("avgPool2d", "3×3 stride 2 padding 1 ceil mode, count_include_pad") { g in [randn(g, [1, 2, 6, 7])] } f: { x in
            avgPool2d(x[0], kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
        })
        c.append(plain("avgPool2d", "3×3 stride 2 padding 1 ceil mode, count_include_pad false") { g in [randn(g, [1, 2, 6, 7])] } f: { x in
            avgPool2d(x[0], kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)
        })
        c.append(plain("avgPool2d", "kernel (3,2) stride (1,2) padding (1,1), divisor override 4, unbatched") { g in [randn(g, [2, 4, 5])] } f: { x in
            avgPool2d(x[0], kernelSize: [3, 2], stride: [1, 2], padding: [1, 1], divisorOverride: 4)
        })
        c.append(strided("avgPool2d", "transposed input, 3×3 stride 1 padding 1", [0]) { g in [transposedImage(randn(g, [1, 2, 4, 5]))] } f: { x in
            avgPool2d(x[0], kernelSize: 3, stride: 1, padding: 1)
        })
        c.append(plain("AvgPool2d", "module 2×2 stride 1 count_include_pad false") { g in [randn(g, [1, 2, 3, 4])] } f: { x in
            AvgPool2d(2, stride: 1, countIncludePad: false)(x[0])
        })
        c.append(strided("AvgPool2d", "module 2×2, transposed input", [0]) { g in [transposedImage(randn(g, [1, 2, 4, 6]))] } f: { x in
            AvgPool2d(2)(x[0])
        })
        c.append(plain("avgPool1d", "kernel 4 stride 3 padding 2 ceil mode, count_include_pad false") { g in [randn(g, [2, 2, 9])] } f: { x in
            avgPool1d(x[0], kernelSize: 4, stride: 3, padding: 2, ceilMode: true, countIncludePad: false)
        })
        c.append(strided("avgPool1d", "transposed [3,7] view, padding 1", [0]) { g in [randn(g, [7, 3]).T] } f: { x in
            avgPool1d(x[0], kernelSize: 3, stride: 2, padding: 1)
        })
        c.append(plain("AvgPool1d", "module kernel 2") { g in [randn(g, [2, 2, 6])] } f: { x in AvgPool1d(2)(x[0]) })
        c.append(strided("AvgPool1d", "module, strided slice", [0]) { g in [strideSlice(g, 2, 5)] } f: { x in AvgPool1d(2, stride: 1)(x[0]) })
        c.append(plain("adaptiveAvgPool2d", "[2,2,5,7] → (3,4)") { g in [randn(g, [2, 2, 5, 7])] } f: { x in
            adaptiveAvgPool2d(x[0], outputSize: [3, 4])
        })
        c.append(plain("adaptiveAvgPool2d", "→ 1 (one pass per plane)") { g in [randn(g, [2, 3, 3, 4])] } f: { x in
            adaptiveAvgPool2d(x[0], outputSize: 1)
        })
        c.append(strided("adaptiveAvgPool2d", "transposed input → (4, 2), upsampling rows", [0]) { g in [transposedImage(randn(g, [1, 2, 3, 3]))] } f: { x in
            adaptiveAvgPool2d(x[0], outputSize: [4, 2])
        })
        c.append(plain("AdaptiveAvgPool2d", "module → 2") { g in [randn(g, [1, 2, 5, 5])] } f: { x in AdaptiveAvgPool2d(2)(x[0]) })
        c.append(strided("AdaptiveAvgPool2d", "module → 1, transposed input", [0]) { g in [transposedImage(randn(g, [2, 2, 3, 4]))] } f: { x in
            AdaptiveAvgPool2d(1)(x[0])
        })
        c.append(plain("globalAvgPool2d", "[2,3,3,4] → [2,3]") { g in [randn(g, [2, 3, 3, 4])] } f: { x in globalAvgPool2d(x[0]) })
        c.append(strided("globalAvgPool2d", "transposed input", [0]) { g in [transposedImage(randn(g, [2, 2, 3, 4]))] } f: { x in
            globalAvgPool2d(x[0])
        })
        c.append(plain("GlobalAvgPool2d", "module, unbatched [3,2,5] → [3]") { g in [randn(g, [3, 2, 5])] } f: { x in GlobalAvgPool2d()(x[0]) })
        c.append(strided("GlobalAvgPool2d", "module, transposed input", [0]) { g in [transposedImage(randn(g, [1, 3, 2, 4]))] } f: { x in
            GlobalAvgPool2d()(x[0])
        })
        return c
    }()

    // MARK: Upsampling and local response norm

    static let upsampleCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        c.append(plain("upsample", "nearest, scale 2") { g in [randn(g, [1, 2, 3, 4])] } f: { x in upsample(x[0], scaleFactor: 2) })
        c.append(plain("upsample", "nearest, size (5, 3): up rows, down columns") { g in [randn(g, [2, 1, 3, 4])] } f: { x in
            upsample(x[0], size: [5, 3])
        })
        c.append(plain("upsample", "bilinear, size (5, 7), align corners false") { g in [randn(g, [1, 2, 3, 4])] } f: { x in
            upsample(x[0], size: [5, 7], mode: .bilinear)
        })
        c.append(plain("upsample", "bilinear, scale (1.5, 2.5), align corners false") { g in [randn(g, [1, 2, 3, 3])] } f: { x in
            upsample(x[0], scaleFactor: [1.5, 2.5], mode: .bilinear)
        })
        c.append(plain("upsample", "bilinear, size (5, 7), align corners true") { g in [randn(g, [1, 2, 3, 4])] } f: { x in
            upsample(x[0], size: [5, 7], mode: .bilinear, alignCorners: true)
        })
        c.append(plain("upsample", "bilinear downsampling, size (2, 3), align corners true") { g in [randn(g, [1, 1, 5, 6])] } f: { x in
            upsample(x[0], size: [2, 3], mode: .bilinear, alignCorners: true)
        })
        c.append(strided("upsample", "bilinear scale 2 on a transposed input", [0]) { g in [transposedImage(randn(g, [1, 2, 4, 3]))] } f: { x in
            upsample(x[0], scaleFactor: 2, mode: .bilinear)
        })
        c.append(plain("Upsample", "module nearest scale 1.5") { g in [randn(g, [1, 2, 3, 3])] } f: { x in Upsample(scaleFactor: 1.5)(x[0]) })
        c.append(strided("Upsample", "module bilinear align corners, transposed input", [0]) { g in
            [transposedImage(randn(g, [1, 1, 3, 4]))]
        } f: { x in Upsample(size: [6, 5], mode: .bilinear, alignCorners: true)(x[0]) })

        c.append(plain("localResponseNorm", "size 3, [2,5,2,3]") { g in [randn(g, [2, 5, 2, 3])] } f: { x in
            localResponseNorm(x[0], size: 3, alpha: 0.5, beta: 0.75, k: 1.5)
        })
        c.append(plain("localResponseNorm", "even size 4 wider than the 3 channels, rank 3") { g in [randn(g, [2, 3, 4])] } f: { x in
            localResponseNorm(x[0], size: 4, alpha: 0.8, beta: 0.5, k: 1)
        })
        c.append(strided("localResponseNorm", "size 2, transposed input", [0]) { g in [transposedImage(randn(g, [2, 4, 3, 2]))] } f: { x in
            localResponseNorm(x[0], size: 2, alpha: 0.6, beta: 0.75, k: 2)
        })
        c.append(plain("LocalResponseNorm", "module size 5, rank 5") { g in [randn(g, [1, 6, 2, 2, 2])] } f: { x in
            LocalResponseNorm(size: 5, alpha: 1, beta: 0.75, k: 2)(x[0])
        })
        c.append(strided("LocalResponseNorm", "module, transposed input", [0]) { g in [transposedImage(randn(g, [1, 4, 3, 2]))] } f: { x in
            LocalResponseNorm(size: 3, alpha: 0.5)(x[0])
        })
        return c
    }()
}
