import CApusKernels

// The 3-D convolution kernels that Ops/Convolution3d.swift builds conv3d and convTranspose3d from.
//
// float32 runs the implicit GEMMs of ConvGemm (the 2-D drivers, generic over the geometry): the
// forward packs vol2col panels straight from the NCDHW volume (`apus_conv3d_pack_columns`), the
// input gradient of a stride-1 convolution is a forward convolution of dY with the flipped
// kernel, and the weight gradient packs tap panels from an NDHWC copy (`apus_conv3d_pack_taps`).
// The rest (float64, strided input gradients, tiny weight gradients) takes the reference path
// below: vol2col / col2vol of a few output rows at a time and a GEMM per group on the engine's
// GEMM. Both paths sum every output in an order fixed by the shapes, whatever the thread count.

/// The shapes of one 3-D convolution: input `[N, C, D, H, W]`, weight `[O, C/groups, kD, kH, kW]`,
/// output `[N, O, outD, outH, outW]`.
///
/// Padding is given per side at the front, top and left; the back, bottom and right padding is
/// whatever makes the output size (so asymmetric `same` padding needs no extra field).
struct Conv3dGeometry: Sendable, Equatable {
    var batch: Int, channels: Int, depth: Int, height: Int, width: Int
    var outChannels: Int, groups: Int
    var kernelD: Int, kernelH: Int, kernelW: Int
    var strideD: Int, strideH: Int, strideW: Int
    var padFront: Int, padTop: Int, padLeft: Int
    var dilationD: Int, dilationH: Int, dilationW: Int
    var outD: Int, outH: Int, outW: Int

    /// Values per input image, `C·D·H·W`.
    var inputPlane: Int { channels * inputPositions }
    /// Values per output image, `O·outD·outH·outW`.
    var outputPlane: Int { outChannels * positions }
    /// Rows of the whole vol2col matrix, `C·kD·kH·kW`.
    var columnRows: Int { channels * taps }

    /// The convolution whose forward pass is this one's input gradient when the stride is 1: input
    /// dY `[N, O, outD, outH, outW]`, the kernel flipped with its channels swapped, padding
    /// `d·(k − 1) − p`, output `[N, C, D, H, W]`.
    var flippedForInputGradient: Conv3dGeometry {
        Conv3dGeometry(
            batch: batch, channels: outChannels, depth: outD, height: outH, width: outW, outChannels: channels, groups: groups,
            kernelD: kernelD, kernelH: kernelH, kernelW: kernelW, strideD: 1, strideH: 1, strideW: 1,
            padFront: dilationD * (kernelD - 1) - padFront, padTop: dilationH * (kernelH - 1) - padTop,
            padLeft: dilationW * (kernelW - 1) - padLeft, dilationD: dilationD, dilationH: dilationH, dilationW: dilationW,
            outD: depth, outH: height, outW: width)
    }

    /// Whether the input gradient is a forward convolution of dY (``flippedForInputGradient``):
    /// stride 1 and padding within the dilated kernel's reach, so the flipped padding is not negative.
    var inputGradientIsConvolution: Bool {
        strideD == 1 && strideH == 1 && strideW == 1 && padFront <= dilationD * (kernelD - 1)
            && padTop <= dilationH * (kernelH - 1) && padLeft <= dilationW * (kernelW - 1)
    }

    /// The packing loops' view of group `group` (input side).
    func shape(group: Int) -> apus_conv3d_shape {
        let cg = channels / groups
        return apus_conv3d_shape(
            channels: channels, depth: depth, height: height, width: width, kernel_d: kernelD, kernel_h: kernelH,
            kernel_w: kernelW, stride_d: strideD, stride_h: strideH, stride_w: strideW, pad_front: padFront,
            pad_top: padTop, pad_left: padLeft, dilation_d: dilationD, dilation_h: dilationH, dilation_w: dilationW,
            out_d: outD, out_h: outH, out_w: outW, channel0: group * cg, group_channels: cg)
    }
}

extension Conv3dGeometry: ImplicitConvShape {
    var positions: Int { outD * outH * outW }
    var inputPositions: Int { depth * height * width }
    var taps: Int { kernelD * kernelH * kernelW }
    var groupOut: Int { outChannels / groups }
    var groupDepth: Int { channels / groups * taps }
    var isPointwise: Bool {
        taps == 1 && strideD == 1 && strideH == 1 && strideW == 1 && padFront == 0 && padTop == 0 && padLeft == 0
            && outD == depth && outH == height && outW == width
    }

    func packColumns(group: Int, x: UnsafePointer<Float>, k0: Int, depth: Int, first: Int, count: Int, nr: Int,
                     into dst: UnsafeMutablePointer<Float>) {
        var s = shape(group: group)
        apus_conv3d_pack_columns(&s, x, k0, depth, first, count, nr, dst)
    }

    func packTaps(group: Int, xt: UnsafePointer<Float>, p0: Int, depth: Int, k0: Int, count: Int, nr: Int,
                  into dst: UnsafeMutablePointer<Float>) {
        var s = shape(group: group)
        apus_conv3d_pack_taps(&s, xt, p0, depth, k0, count, nr, dst)
    }
}

/// The reference 3-D convolution kernels: vol2col matrices `[C·kD·kH·kW, rows·outW]` of a few
/// output rows (an output row is one `(od, oh)`) times the weight matrix `[O, C/groups·kD·kH·kW]`
/// per group, on the engine's GEMM (float32: the packed SGEMM; float64: its portable loop).
///
/// Images and their chunks of output rows run one after another, each product in parallel inside
/// the GEMM and the unfolding in parallel over channels; the weight gradient accumulates chunk
/// after chunk in that order, so results do not depend on the thread count.
enum Conv3dKernels {
    /// Output rows `(od, oh)` per chunk: as many as keep a chunk's vol2col matrix within 2²¹
    /// elements (8 MB in float32), at least one.
    static func rowsPerChunk(_ g: Conv3dGeometry) -> Int {
        Swift.max(1, (1 << 21) / Swift.max(1, g.columnRows * g.outW))
    }

    /// Unfolds output rows `rows` (index `od·outH + oh`) of channels `channels` of one image
    /// `[C, D, H, W]` into `col`, rows `ld` apart: row `(c − channels.lowerBound)·taps + (a·kH + i)·kW + j`
    /// holds the input under tap (a, i, j) of channel c at every output position of those rows
    /// (0 in the padding).
    static func vol2col<T: FloatScalar>(_ x: UnsafePointer<T>, _ g: Conv3dGeometry, rows: Range<Int>, channels: Range<Int>,
                                        into col: UnsafeMutablePointer<T>, ld: Int) {
        let (H, W, oH, oW) = (g.height, g.width, g.outH, g.outW)
        var row = 0
        for c in channels {
            let volume = x + c * g.inputPositions
            for a in 0..<g.kernelD {
                for i in 0..<g.kernelH {
                    for j in 0..<g.kernelW {
                        let wOff = j * g.dilationW - g.padLeft
                        let (lo, hi) = ConvKernels.validRange(offset: wOff, stride: g.strideW, width: W, outW: oW)
                        var dst = col + row * ld
                        for r in rows {
                            let (od, oh) = (r / oH, r % oH)
                            let id = od * g.strideD + a * g.dilationD - g.padFront
                            let ih = oh * g.strideH + i * g.dilationH - g.padTop
                            if id < 0 || id >= g.depth || ih < 0 || ih >= H || lo == hi {
                                ConvKernels.zero(dst, count: oW)
                            } else {
                                let src = volume + (id * H + ih) * W + wOff
                                for ow in 0..<lo { dst[ow] = 0 }
                                for ow in hi..<oW { dst[ow] = 0 }
                                if g.strideW == 1 {
                                    ConvKernels.copy(src + lo, to: dst + lo, count: hi - lo)
                                } else {
                                    for ow in lo..<hi { dst[ow] = src[ow * g.strideW] }
                                }
                            }
                            dst += oW
                        }
                        row += 1
                    }
                }
            }
        }
    }

    /// The adjoint of ``vol2col(_:_:rows:channels:into:ld:)``: adds every entry of `col` back onto
    /// the input position it was read from.
    static func col2vol<T: FloatScalar>(_ col: UnsafePointer<T>, ld: Int, _ g: Conv3dGeometry, rows: Range<Int>,
                                        channels: Range<Int>, into x: UnsafeMutablePointer<T>) {
        let (H, W, oH, oW) = (g.height, g.width, g.outH, g.outW)
        var row = 0
        for c in channels {
            let volume = x + c * g.inputPositions
            for a in 0..<g.kernelD {
                for i in 0..<g.kernelH {
                    for j in 0..<g.kernelW {
                        let wOff = j * g.dilationW - g.padLeft
                        let (lo, hi) = ConvKernels.validRange(offset: wOff, stride: g.strideW, width: W, outW: oW)
                        var src = col + row * ld
                        for r in rows {
                            let (od, oh) = (r / oH, r % oH)
                            let id = od * g.strideD + a * g.dilationD - g.padFront
                            let ih = oh * g.strideH + i * g.dilationH - g.padTop
                            if id >= 0 && id < g.depth && ih >= 0 && ih < H && lo < hi {
                                let dst = volume + (id * H + ih) * W + wOff
                                if g.strideW == 1 {
                                    ConvKernels.add(src + lo, to: dst + lo, count: hi - lo)
                                } else {
                                    for ow in lo..<hi { dst[ow * g.strideW] += src[ow] }
                                }
                            }
                            src += oW
                        }
                        row += 1
                    }
                }
            }
        }
    }

    /// Channel blocks of `count` channels for the parallel unfolding: about 2¹⁵ values of col each.
    static func channelGrain(_ g: Conv3dGeometry, rows: Int) -> Int {
        Swift.max(1, (1 << 15) / Swift.max(1, g.taps * rows * g.outW))
    }

    /// `y = conv3d(x, w) (+ bias)` for contiguous tensors: per image, chunk of output rows and group,
    /// `Y[O/g, chunk] = W[O/g, K] · col[K, chunk]`.
    static func forward<T: FloatScalar>(_: T.Type, _ g: Conv3dGeometry, x: UnsafePointer<T>, weight: UnsafePointer<T>,
                                        bias: UnsafePointer<T>?, y: UnsafeMutablePointer<T>, pool: ThreadPool = .shared) {
        let (L, K, Og, O) = (g.positions, g.groupDepth, g.groupOut, g.outChannels)
        let outRows = g.outD * g.outH, per = rowsPerChunk(g)
        let io = ConvKernels.Pointers(x: UnsafeMutablePointer(mutating: x), w: UnsafeMutablePointer(mutating: weight),
                                      b: bias.map { UnsafeMutablePointer(mutating: $0) }, y: y)
        ConvKernels.withScratch(T.self, count: g.columnRows * Swift.min(per, outRows) * g.outW) { col in
            let scratch = ConvKernels.Pointers(x: col, w: col, b: nil, y: col)
            for n in 0..<g.batch {
                for r0 in stride(from: 0, to: outRows, by: per) {
                    let rows = r0..<Swift.min(outRows, r0 + per), ld = rows.count * g.outW
                    pool.parallelRanges(g.channels, grain: channelGrain(g, rows: rows.count)) { cs in
                        vol2col(UnsafePointer(io.x + n * g.inputPlane), g, rows: rows, channels: cs,
                                into: scratch.x + cs.lowerBound * g.taps * ld, ld: ld)
                    }
                    for gi in 0..<g.groups {
                        Kernels.gemm(T.self, m: Og, n: ld, k: K,
                                     a: UnsafePointer(io.w + gi * Og * K), aRowStride: K, aColStride: 1,
                                     b: UnsafePointer(scratch.x + gi * K * ld), bRowStride: ld, bColStride: 1,
                                     c: io.y + (n * O + gi * Og) * L + r0 * g.outW, cRowStride: L)
                    }
                }
                if let b = io.b {
                    for o in 0..<O {
                        let row = io.y + (n * O + o) * L
                        ConvKernels.copy(UnsafePointer(row), to: row, count: L, adding: b[o])
                    }
                }
            }
        }
    }

    /// Gradients of ``forward(_:_:x:weight:bias:y:pool:)`` from the output gradient `dy`: `dx`
    /// (if non-nil) `= col2vol(Wᵀ · dY)` and `dw` (if non-nil) `= Σ dY · colᵀ` (needs `x`). Both
    /// are overwritten.
    static func backward<T: FloatScalar>(_: T.Type, _ g: Conv3dGeometry, dy: UnsafePointer<T>, weight: UnsafePointer<T>,
                                         x: UnsafePointer<T>?, dx: UnsafeMutablePointer<T>?, dw: UnsafeMutablePointer<T>?,
                                         pool: ThreadPool = .shared) {
        let (L, K, Og, O) = (g.positions, g.groupDepth, g.groupOut, g.outChannels)
        let outRows = g.outD * g.outH, per = rowsPerChunk(g)
        let colCount = g.columnRows * Swift.min(per, outRows) * g.outW
        // float64's GEMM loop needs B with unit column stride: its weight gradient reads colᵀ
        // from a transposed copy.
        let transposeColumns = T.self != Float.self && dw != nil
        dw?.update(repeating: 0, count: O * K)
        ConvKernels.withScratch(T.self, count: colCount * (transposeColumns ? 2 : 1)) { col in
            let io = ConvKernels.Pointers(x: UnsafeMutablePointer(mutating: x ?? dy), w: UnsafeMutablePointer(mutating: weight),
                                          b: dx, y: UnsafeMutablePointer(mutating: dy))
            let scratch = ConvKernels.Pointers(x: col, w: col + colCount, b: nil, y: col)
            for n in 0..<g.batch {
                if let dxn = io.b { (dxn + n * g.inputPlane).update(repeating: 0, count: g.inputPlane) }
                for r0 in stride(from: 0, to: outRows, by: per) {
                    let rows = r0..<Swift.min(outRows, r0 + per), ld = rows.count * g.outW
                    let grain = channelGrain(g, rows: rows.count)
                    if let dw {
                        pool.parallelRanges(g.channels, grain: grain) { cs in
                            vol2col(UnsafePointer(io.x + n * g.inputPlane), g, rows: rows, channels: cs,
                                    into: scratch.x + cs.lowerBound * g.taps * ld, ld: ld)
                        }
                        var (b, bRow, bCol, groupStride) = (UnsafePointer(scratch.x), 1, ld, K * ld)
                        if transposeColumns {
                            let t = scratch.w, rowsCount = g.columnRows
                            pool.parallelRanges(ld, grain: 64) { ls in
                                for l in ls { for r in 0..<rowsCount { t[l * rowsCount + r] = scratch.x[r * ld + l] } }
                            }
                            (b, bRow, bCol, groupStride) = (UnsafePointer(t), g.columnRows, 1, K)
                        }
                        for gi in 0..<g.groups {
                            // dW_g[O/g, K] += dY_g[O/g, chunk] · col_gᵀ[chunk, K]
                            Kernels.gemm(T.self, m: Og, n: K, k: ld,
                                         a: UnsafePointer(io.y + (n * O + gi * Og) * L + r0 * g.outW), aRowStride: L, aColStride: 1,
                                         b: b + gi * groupStride, bRowStride: bRow, bColStride: bCol,
                                         c: dw + gi * Og * K, cRowStride: K, accumulate: true)
                        }
                    }
                    if let dxAll = io.b {
                        // dcol_g[K, chunk] = W_gᵀ[K, O/g] · dY_g[O/g, chunk], folded back by col2vol.
                        for gi in 0..<g.groups {
                            Kernels.gemm(T.self, m: K, n: ld, k: Og,
                                         a: UnsafePointer(io.w + gi * Og * K), aRowStride: 1, aColStride: K,
                                         b: UnsafePointer(io.y + (n * O + gi * Og) * L + r0 * g.outW), bRowStride: L, bColStride: 1,
                                         c: scratch.x + gi * K * ld, cRowStride: ld)
                        }
                        pool.parallelRanges(g.channels, grain: grain) { cs in
                            col2vol(UnsafePointer(scratch.x + cs.lowerBound * g.taps * ld), ld: ld, g, rows: rows, channels: cs,
                                    into: dxAll + n * g.inputPlane)
                        }
                    }
                }
            }
        }
    }
}
