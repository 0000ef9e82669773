import CApusKernels
import Foundation

/// float32 GEMM in the style of BLIS/GotoBLAS: blocks of B (KC×NC) and A (MC×KC) are packed
/// into panels that a register tile (`apus_sgemm_tile`, in C, chosen for the CPU at run time)
/// streams through. Packing reads any strides, so transposed operands cost no copy.
///
/// Threads split the output into disjoint column (or row) ranges; every element of C is
/// accumulated in the same order whatever the split, so results do not depend on the
/// thread count.
enum PackedSgemm {
    /// The register tile chosen for this CPU: rows, columns, instruction set.
    static let tile: (mr: Int, nr: Int, isa: String) = {
        let info = apus_sgemm_query()
        return (Int(info.mr), Int(info.nr), String(cString: info.isa))
    }()
    static let mr = tile.mr
    static let nr = tile.nr
    /// Depth of a packed block: a KC×NR panel of B stays in L1 while a tile runs.
    /// That panel fills the L1 data cache (read from the system; 32 KiB if unknown), between 128
    /// and 512 deep: 384 on 48 KiB L1s (Intel since Ice Lake, Zen 5), 256 on 32 KiB ones (Zen 4).
    /// Deeper blocks write C back less often; 384 instead of 256 took a 4096² GEMM on an Emerald
    /// Rapids core from 0.93 to 0.97 of OpenBLAS's speed.
    static let kc: Int = {
        let l1 = sysconf(Int32(_SC_LEVEL1_DCACHE_SIZE))
        let bytes = l1 > 0 ? Int(l1) : 32 << 10
        return Swift.min(512, Swift.max(128, bytes / (nr * 4) / 64 * 64))
    }()
    /// Depth blocks of a product of depth `k`: equal blocks no deeper than ``kc`` (rounded up to
    /// 8), so that no short last block costs a pass over C's tiles for little work (2048 as
    /// 5 × 344 + 328 rather than 5 × 384 + 128; 576 as 2 × 288 rather than 384 + 192).
    static func depthBlock(_ k: Int) -> Int {
        let blocks = Swift.max(1, (k + kc - 1) / kc)
        return Swift.min(kc, ((k + blocks - 1) / blocks + 7) / 8 * 8)
    }

    /// Rows of A per packed block (fits L2 together with the B panels in flight).
    static let mc = mr * 24
    /// Columns of B per packed block.
    static let nc = nr * 128

    /// The instruction set the micro-kernel uses ("avx512", "avx2+fma", "neon", "generic").
    static var isa: String { tile.isa }

    /// One matrix operand: base pointer and the strides between rows and between columns.
    struct Operand: @unchecked Sendable {
        let base: UnsafePointer<Float>
        let rowStride: Int
        let colStride: Int
    }

    /// `C[m×n] = A[m×k] · B[k×n]`, C row-major with leading dimension `ldc` (overwritten, or
    /// added to when `accumulate`: `C += A·B`).
    static func multiply(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                         c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
                         threads: Int = ThreadPool.threadCount) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if accumulate { return }
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
            return
        }
        if a.colStride == 1 && b.rowStride == 1 && streamsB(m: m, n: n, k: k) {
            // A few rows against a large Bᵀ (a fully connected layer's forward on a small batch,
            // X·Wᵀ): dot products straight from W's rows read it once; packing it would read it,
            // write panels and read those again, and a 12-row tile would be part padding. Checked
            // before the serial dot products below: a 4096 → 1000 layer on one image is both.
            let out = Output(base: c, ldc: ldc)
            let parts = threads > 1 && n >= 8 * threads ? threads : 1
            ThreadPool.shared.parallelFor(parts) { t in
                let lo = n * t / parts / 4 * 4, hi = t == parts - 1 ? n : n * (t + 1) / parts / 4 * 4
                if lo < hi {
                    apus_sgemm_nt(m, hi - lo, k, a.base, a.rowStride, b.base + lo * b.colStride, b.colStride,
                                  out.base + lo, out.ldc, accumulate ? 1 : 0)
                }
            }
            return
        }
        if a.colStride == 1 && b.rowStride == 1 && prefersDotProducts(m: m, n: n, k: k) {
            apus_sgemm_nt(m, n, k, a.base, a.rowStride, b.base, b.colStride, c, ldc, accumulate ? 1 : 0)
            return
        }
        let out = Output(base: c, ldc: ldc)
        let threads = m * n * k >= 1 << 17 ? threads : 1
        let columnPanels = (n + nr - 1) / nr, rowPanels = (m + mr - 1) / mr
        if threads <= 1 {
            block(rows: 0..<m, cols: 0..<n, k: k, a: a, b: b, c: out, accumulate: accumulate)
        } else if (columnPanels >= 2 * threads && !(m >= 4 * n && rowPanels >= 2 * threads)) || columnPanels >= rowPanels {
            // Split the columns: each thread packs all of A and its part of B. When A is much
            // larger than B (a deep layer's weight against a few images), split the rows instead
            // (below), so that A is not packed once per thread.
            let per = (columnPanels + threads - 1) / threads * nr
            ThreadPool.shared.parallelFor(threads) { t in
                let lo = t * per, hi = Swift.min(n, lo + per)
                if lo < hi { block(rows: 0..<m, cols: lo..<hi, k: k, a: a, b: b, c: out, accumulate: accumulate) }
            }
        } else {
            let per = (rowPanels + threads - 1) / threads * mr
            ThreadPool.shared.parallelFor(threads) { t in
                let lo = t * per, hi = Swift.min(m, lo + per)
                if lo < hi { block(rows: lo..<hi, cols: 0..<n, k: k, a: a, b: b, c: out, accumulate: accumulate) }
            }
        }
    }

    /// Both operands run along the depth (`A·Bᵀ` of row-major matrices) and C is small next to
    /// the depth: dot products straight from the rows (`apus_sgemm_nt`) beat packing both
    /// operands into panels for a few tiles, most of them padding (a small convolution's weight
    /// gradient: `dY[O, positions] · colᵀ`). Serial: such products are small.
    static func prefersDotProducts(m: Int, n: Int, k: Int) -> Bool {
        m * n <= 4096 && k >= 4 * Swift.max(m, n)
    }

    /// `A·Bᵀ` with at most 16 rows of A and a B of at least 256 × 256: B is streamed once by dot
    /// products (each element of C is summed in the same fixed order whichever thread runs it).
    static func streamsB(m: Int, n: Int, k: Int) -> Bool {
        m <= 16 && n >= 256 && k >= 256
    }

    struct Output: @unchecked Sendable {
        let base: UnsafeMutablePointer<Float>
        let ldc: Int
    }

    /// The serial blocked loop over one range of C, with its own packing buffers.
    static func block(rows: Range<Int>, cols: Range<Int>, k: Int, a: Operand, b: Operand, c: Output, accumulate: Bool = false) {
        let kc = depthBlock(k), kcMax = Swift.min(kc, k)
        let ncMax = Swift.min(nc, (cols.count + nr - 1) / nr * nr)
        let mcMax = Swift.min(mc, (rows.count + mr - 1) / mr * mr)
        // Packing buffers come from the buffer cache: fresh pages for every product cost more
        // (page faults and zeroing) than packing itself on small problems.
        let (bBytes, aBytes) = (kcMax * ncMax * 4, kcMax * mcMax * 4)
        let rawB = BufferCache.shared.allocate(byteCount: bBytes), rawA = BufferCache.shared.allocate(byteCount: aBytes)
        defer {
            BufferCache.shared.release(rawB, byteCount: bBytes)
            BufferCache.shared.release(rawA, byteCount: aBytes)
        }
        let packedB = rawB.bindMemory(to: Float.self, capacity: kcMax * ncMax)
        let packedA = rawA.bindMemory(to: Float.self, capacity: kcMax * mcMax)

        for jc in stride(from: cols.lowerBound, to: cols.upperBound, by: nc) {
            let ncur = Swift.min(nc, cols.upperBound - jc)
            for pc in stride(from: 0, to: k, by: kc) {
                let kcur = Swift.min(kc, k - pc)
                packPanels(of: b, transposed: true, from: pc, jc, depth: kcur, width: ncur, panel: nr, into: packedB)
                for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: mc) {
                    let mcur = Swift.min(mc, rows.upperBound - ic)
                    packPanels(of: a, transposed: false, from: ic, pc, depth: kcur, width: mcur, panel: mr, into: packedA)
                    for jr in stride(from: 0, to: ncur, by: nr) {
                        let bPanel = packedB + jr * kcur
                        for ir in stride(from: 0, to: mcur, by: mr) {
                            apus_sgemm_tile(kcur, packedA + ir * kcur, bPanel,
                                            c.base + (ic + ir) * c.ldc + jc + jr, c.ldc,
                                            pc > 0 || accumulate ? 1 : 0, Int32(Swift.min(mr, mcur - ir)), Int32(Swift.min(nr, ncur - jr)))
                        }
                    }
                }
            }
        }
    }

    /// Whether panels are packed by the C loops with AVX-512: `apus_pack_adjacent` when a panel's
    /// lines are adjacent in memory, `apus_conv_pack_weights` (16×16 register transposes) when
    /// each line runs along the depth in 12- or 8-line panels (a row-major A: they took a 2048²
    /// product's packing of A from 3% to 1% of the time). The Swift loops below serve the rest.
    static let packsInC = isa == "avx512"

    /// Packs a `width`×`depth` block into panels of `panel` lines, each stored depth-major
    /// (`panel` consecutive values per step of depth), zero-padding the last panel.
    ///
    /// For A (`transposed` false) lines are rows starting at (`line0`, `depth0`);
    /// for B (`transposed` true) lines are columns starting at (`depth0`, `line0`).
    @inline(__always)
    static func packPanels(of x: Operand, transposed: Bool, from first: Int, _ second: Int,
                           depth: Int, width: Int, panel: Int, into dst: UnsafeMutablePointer<Float>) {
        // Stride between lines (rows of A, columns of B) and along the depth (k).
        let (depth0, line0) = transposed ? (first, second) : (second, first)
        let lineStride = transposed ? x.colStride : x.rowStride
        let depthStride = transposed ? x.rowStride : x.colStride
        let origin = x.base + line0 * lineStride + depth0 * depthStride
        if packsInC && lineStride == 1 && panel <= 32 {
            // Lines adjacent in memory (a row-major B, a column-major A): masked vector copies.
            apus_pack_adjacent(origin, width, depth, depthStride, panel, dst)
            return
        }
        if packsInC && depthStride == 1 && (panel == 12 || panel == 8) {
            // Lines along the depth (a row-major A): one block of depth `depth`.
            apus_conv_pack_weights(origin, width, depth, lineStride, panel, depth, dst)
            return
        }
        for p0 in stride(from: 0, to: width, by: panel) {
            let lines = Swift.min(panel, width - p0)
            let out = dst + p0 * depth
            let src = origin + p0 * lineStride
            if lineStride == 1 {
                // Lines adjacent in memory: copy `lines` consecutive values per depth step.
                // Inline vector copies: a library call per short line cost more than the copy.
                for p in 0..<depth {
                    let o = out + p * panel, s = src + p * depthStride
                    var i = 0
                    while i + 8 <= lines { store8(load8(s + i), o + i); i += 8 }
                    while i < lines { o[i] = s[i]; i += 1 }
                    while i < panel { o[i] = 0; i += 1 }
                }
            } else {
                // Depth-major: each step writes one contiguous group of `panel` values, reading
                // `lines` streams that each advance through their own cache lines. With unit
                // depth stride, four steps at a time read each line as one vector.
                var p0 = 0
                if depthStride == 1 {
                    while p0 + 4 <= depth {
                        let o = out + p0 * panel
                        var i = 0
                        // Four lines × four depth steps: a 4×4 transpose in registers, four vector stores.
                        while i + 4 <= lines {
                            let s0 = src + i * lineStride + p0
                            let r0 = load4(s0), r1 = load4(s0 + lineStride)
                            let r2 = load4(s0 + 2 * lineStride), r3 = load4(s0 + 3 * lineStride)
                            store4(SIMD4(r0[0], r1[0], r2[0], r3[0]), o + i)
                            store4(SIMD4(r0[1], r1[1], r2[1], r3[1]), o + panel + i)
                            store4(SIMD4(r0[2], r1[2], r2[2], r3[2]), o + 2 * panel + i)
                            store4(SIMD4(r0[3], r1[3], r2[3], r3[3]), o + 3 * panel + i)
                            i += 4
                        }
                        while i < lines {
                            let v = load4(src + i * lineStride + p0)
                            o[i] = v[0]; o[panel + i] = v[1]; o[2 * panel + i] = v[2]; o[3 * panel + i] = v[3]
                            i += 1
                        }
                        if lines < panel {
                            for j in 0..<4 { (o + j * panel + lines).update(repeating: 0, count: panel - lines) }
                        }
                        p0 += 4
                    }
                }
                for p in p0..<depth {
                    let o = out + p * panel, s = src + p * depthStride
                    for i in 0..<lines { o[i] = s[i * lineStride] }
                    if lines < panel { (o + lines).update(repeating: 0, count: panel - lines) }
                }
            }
        }
    }

    @inline(__always)
    static func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
    }
}
