import CApusKernels

// Stride-1 3×3 convolutions (float32) by Winograd's F(2×2, 3×3): each 2×2 block of outputs is
// Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A of its 4×4 input patch d, so the sum over channels becomes 16 GEMMs
// `M_e[O, tiles] = U_e[O, C] · V_e[C, tiles]` (e = the 16 elements of a transformed tile) with
// 2.25 times fewer multiply-adds than the direct convolution (36 per 2×2 outputs and channel
// pair instead of 16 · 81/36...). The transforms (CApusKernels/conv_winograd.c) only add,
// subtract and halve, and the products run on the same register tile as every other GEMM.
//
// Tiles are processed in blocks of a few dozen, so a block's transformed input V (16 × C × tiles)
// and products M (16 × O × tiles) stay in L2 between the three steps. Blocks are split among the
// threads; each output element is computed by one thread, the channel sum in blocks of `kc`, so
// results do not depend on the thread count. Used for the forward pass and, through the flipped
// kernel, for the input gradient; the weight gradient stays a direct GEMM.
enum ConvWinograd {
    /// Whether `g` runs here: 3×3, stride and dilation 1, the AVX-512 tile (whose 32-column panels the
    /// vector transforms write), and enough tiles and channels for the transforms to pay off.
    static func applies(_ g: ConvGeometry) -> Bool {
        g.kernelH == 3 && g.kernelW == 3 && g.strideH == 1 && g.strideW == 1 && g.dilationH == 1 && g.dilationW == 1
            && PackedSgemm.nr == 32 && PackedSgemm.isa == "avx512"
            && g.channels / g.groups >= 16 && g.groupOut >= 16 && tiles(g) >= 64
    }

    /// Output tiles of 2×2 in the batch.
    static func tiles(_ g: ConvGeometry) -> Int { g.batch * ((g.outH + 1) / 2) * ((g.outW + 1) / 2) }

    /// `y = conv(x, w) (+ bias)` for a geometry that ``applies(_:)`` (or any 3×3 stride-1 one:
    /// the portable transforms serve every panel width, which the tests use).
    static func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, weights: ConvGemm.Weights,
                        bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, pool: ThreadPool,
                        keep: ConvGemm.KeptWeight? = nil) {
        let (m, depth, nr) = (g.groupOut, g.channels / g.groups, PackedSgemm.nr)
        let total = tiles(g)
        if total == 0 || m == 0 { return }
        let rows = ConvGemm.panelRows(m)
        let mPadded = (m + rows - 1) / rows * rows
        let kc = ConvGemm.kc
        // A block's products M (16 × O × tiles) within about 1 MB.
        let block = Swift.max(nr, Swift.min(4 * nr, 16_384 / Swift.max(mPadded, 1) / nr * nr))
        let blocks = (total + block - 1) / block
        let perElement = mPadded * depth
        // U_e for group `gi`, 16 × perElement floats, into `packed`.
        func transformWeights(group gi: Int, into packed: UnsafeMutablePointer<Float>) {
            // Row panels split among the threads.
            let panels = mPadded / rows, packers = Swift.min(pool.size, panels)
            let out = ConvGemm.Buffers(x: x, y: packed, a: x, bias: nil)
            pool.parallelFor(packers) { t in
                let first = t * panels / packers * rows, count = ((t + 1) * panels / packers) * rows - first
                switch weights {
                case .plain(let w):
                    apus_winograd_pack_weights(w + gi * m * depth * 9, m, depth, 0, rows, kc, first, count, out.y)
                case .flipped(let w, let og):
                    // Rows: this group's input channels of the original; depth: its output channels.
                    apus_winograd_pack_weights(w + gi * og * m * 9, og, m, 1, rows, kc, first, count, out.y)
                case .packed:
                    fatalError("ConvWinograd: weights packed for a GEMM")
                }
            }
        }
        let kept = weights.isPlain ? keep?.form("ConvWinograd.transformedWeights", [g.groups, m, depth, rows, kc], count: g.groups * 16 * perElement) { dst in
            for gi in 0..<g.groups { transformWeights(group: gi, into: dst + gi * 16 * perElement) }
        } : nil
        ConvKernels.withScratch(Float.self, count: kept == nil ? 16 * perElement : 0) { scratch in
            for gi in 0..<g.groups {
                let packed: UnsafePointer<Float>
                if let kept {
                    packed = kept + gi * 16 * perElement
                } else {
                    transformWeights(group: gi, into: scratch)
                    packed = UnsafePointer(scratch)
                }
                var shape = ConvGemm.shape(g, group: gi)
                let io = ConvGemm.Buffers(x: x, y: y, a: packed, bias: bias)
                let parts = Swift.min(pool.size, blocks)
                pool.parallelFor(parts) { t in
                    let first = t * blocks / parts, end = (t + 1) * blocks / parts
                    withUnsafePointer(to: &shape) { s in
                        run(s, g, group: gi, x: io.x, u: io.a, panelRows: rows, mPadded: mPadded, depth: depth,
                            tiles: (first * block)..<Swift.min(total, end * block), block: block, bias: io.bias, y: io.y)
                    }
                }
            }
        }
    }

    /// One thread's blocks of tiles: transform the input, 16 GEMMs, transform the products.
    static func run(_ shape: UnsafePointer<apus_conv_shape>, _ g: ConvGeometry, group: Int, x: UnsafePointer<Float>,
                    u: UnsafePointer<Float>, panelRows mr: Int, mPadded: Int, depth: Int, tiles: Range<Int>, block: Int,
                    bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        let (m, nr, kc) = (g.groupOut, PackedSgemm.nr, ConvGemm.kc)
        let kcMax = Swift.min(kc, depth)
        let vCount = 16 * kcMax * block, mCount = 16 * mPadded * block
        ConvKernels.withScratch(Float.self, count: vCount + mCount) { v in
            let products = v + vCount
            for t0 in stride(from: tiles.lowerBound, to: tiles.upperBound, by: block) {
                let count = Swift.min(block, tiles.upperBound - t0)
                let columns = (count + nr - 1) / nr * nr
                for pc in stride(from: 0, to: depth, by: kc) {
                    let kcur = Swift.min(kc, depth - pc)
                    apus_winograd_input(shape, x, t0, count, pc, kcur, nr, v)
                    let accumulate: Int32 = pc > 0 ? 1 : 0
                    for e in 0..<16 {
                        let ue = u + e * mPadded * depth + pc * mPadded, ve = v + e * columns * kcur
                        let me = products + e * mPadded * block
                        for jr in stride(from: 0, to: count, by: nr) {
                            let nValid = Swift.min(nr, count - jr)
                            for ir in stride(from: 0, to: m, by: mr) {
                                ConvGemm.tile(mr, kcur, ue + ir * kcur, ve + jr * kcur, me + ir * block + jr, block,
                                              accumulate, Swift.min(mr, m - ir), nValid)
                            }
                        }
                    }
                }
                apus_winograd_output(products, block, mPadded * block, m, group * m, t0, count, g.outChannels,
                                     g.outH, g.outW, bias, y)
            }
        }
    }
}
