// Data movement that never looks at the values: strided copies, block replication, row fills.
// The shape ops (flip, roll, repeat, tril/triu, pixel shuffle, diagonal, …) are copies of strided
// views; these kernels move elements by their width (1, 2, 4 or 8 bytes), so they serve every
// dtype, present and future, with four specialisations instead of one per dtype.

/// The bits of one element, as the unsigned integer of its width: what width kernels move.
protocol ElementBits: FixedWidthInteger, UnsignedInteger, SIMDScalar {}
extension UInt8: ElementBits {}
extension UInt16: ElementBits {}
extension UInt32: ElementBits {}
extension UInt64: ElementBits {}

/// A kernel over elements of one width, written once with a fixed-width unsigned integer standing
/// for the element (moved as raw bits, never interpreted).
protocol WidthKernel {
    associatedtype Result
    func run<W: ElementBits>(_: W.Type) -> Result
}

/// Runs `kernel` with the unsigned integer type of `bytes` bytes (an element's size).
func dispatchWidth<K: WidthKernel>(_ bytes: Int, _ kernel: K) -> K.Result {
    switch bytes {
    case 1: kernel.run(UInt8.self)
    case 2: kernel.run(UInt16.self)
    case 4: kernel.run(UInt32.self)
    case 8: kernel.run(UInt64.self)
    default: fatalError("no width kernel for elements of \(bytes) bytes")
    }
}

/// The iteration space of a strided copy after simplification: dimensions of size 1 dropped,
/// neighbours that step through both operands as one dimension merged, and the innermost
/// dimension (the row, walked by a tight loop) chosen long.
struct StridedWalk {
    /// Sizes of the outer dimensions (the row excluded).
    private(set) var shape: [Int] = []
    /// Strides of the outer dimensions in the destination and the source, in elements.
    private(set) var dstStrides: [Int] = []
    private(set) var srcStrides: [Int] = []
    /// Elements per row and their strides.
    private(set) var length = 1
    private(set) var dstStep = 1
    private(set) var srcStep = 1
    /// Number of rows (0 when the space has no elements).
    private(set) var rows = 1

    init(shape: [Int], dstStrides: [Int], srcStrides: [Int]) {
        var dims: [(n: Int, d: Int, s: Int)] = []
        for i in shape.indices {
            if shape[i] == 0 { rows = 0; length = 0; return }
            if shape[i] != 1 { dims.append((shape[i], dstStrides[i], srcStrides[i])) }
        }
        // Merge from the inside out: an outer dimension that continues an inner one in both operands.
        var merged: [(n: Int, d: Int, s: Int)] = []
        for dim in dims.reversed() {
            if let inner = merged.last, dim.d == inner.d * inner.n, dim.s == inner.s * inner.n {
                merged[merged.count - 1] = (dim.n * inner.n, inner.d, inner.s)
            } else {
                merged.append(dim)
            }
        }
        merged.reverse()  // outermost first
        // A short strided row (pixel shuffle's factor r) under a longer dimension: walk the longer one
        // inside. (A short row contiguous in both operands stays: it is a run of adjacent elements.)
        if merged.count >= 2, let last = merged.last, last.n < 16, !(last.d == 1 && last.s == 1),
           merged[merged.count - 2].n > last.n {
            merged.swapAt(merged.count - 1, merged.count - 2)
        }
        guard let row = merged.popLast() else { return }  // a single element
        (length, dstStep, srcStep) = (row.n, row.d, row.s)
        self.shape = merged.map(\.n)
        self.dstStrides = merged.map(\.d)
        self.srcStrides = merged.map(\.s)
        rows = self.shape.reduce(1, *)
    }

    /// Elements in the space.
    var count: Int { rows * length }

    /// Calls `body(dstOffset, srcOffset)` for the rows in `range`, in order, offsets in elements.
    @inline(__always)
    func forEachRow(_ range: Range<Int>, _ body: (_ dst: Int, _ src: Int) -> Void) {
        if range.isEmpty { return }
        let r = shape.count
        if r == 0 { body(0, 0); return }
        // The multi-index of the first row, then an odometer.
        var index = [Int](repeating: 0, count: r)
        var (od, os) = (0, 0)
        var rest = range.lowerBound
        for d in stride(from: r - 1, through: 0, by: -1) {
            let (q, i) = rest.quotientAndRemainder(dividingBy: shape[d])
            index[d] = i
            od += i * dstStrides[d]
            os += i * srcStrides[d]
            rest = q
        }
        for _ in range {
            body(od, os)
            var d = r - 1
            while d >= 0 {
                index[d] += 1
                od += dstStrides[d]
                os += srcStrides[d]
                if index[d] < shape[d] { break }
                od -= dstStrides[d] * shape[d]
                os -= srcStrides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}

enum Movement {
    /// Copies below this many elements stay on the calling thread.
    static let parallelGrain = 1 << 16

    /// Copies the elements of a strided source into a strided destination of the same `shape`:
    /// `dst[i·dstStrides] = src[i·srcStrides]` for every multi-index `i`. Strides are in elements and
    /// may be zero (the source repeats) or negative (it runs backwards); the destination's elements
    /// must not overlap. Large copies are split by rows over the thread pool.
    static func copy(shape: [Int], elementSize: Int,
                     from src: UnsafeRawPointer, strides srcStrides: [Int],
                     to dst: UnsafeMutableRawPointer, strides dstStrides: [Int]) {
        let walk = StridedWalk(shape: shape, dstStrides: dstStrides, srcStrides: srcStrides)
        if walk.count == 0 { return }
        if walk.rows == 1 && walk.dstStep == 1 && walk.srcStep == 1 {
            dst.copyMemory(from: src, byteCount: walk.length * elementSize)
            return
        }
        struct Kernel: WidthKernel {
            let walk: StridedWalk, src: UnsafeRawPointer, dst: UnsafeMutableRawPointer
            func run<W: ElementBits>(_: W.Type) {
                let (n, ds, ss) = (walk.length, walk.dstStep, walk.srcStep)
                if walk.rows == 1 {
                    // One long row (a flipped vector): split it.
                    ThreadPool.shared.parallelRanges(n, grain: Movement.parallelGrain) { r in
                        Movement.copyRow(W.self, r.count, from: src, r.lowerBound * ss, step: ss, to: dst, r.lowerBound * ds, step: ds)
                    }
                    return
                }
                let grain = Swift.max(1, Movement.parallelGrain / Swift.max(n, 1))
                ThreadPool.shared.parallelRanges(walk.rows, grain: grain) { rows in
                    walk.forEachRow(rows) { od, os in
                        Movement.copyRow(W.self, n, from: src, os, step: ss, to: dst, od, step: ds)
                    }
                }
            }
        }
        dispatchWidth(elementSize, Kernel(walk: walk, src: src, dst: dst))
    }

    /// One row: `n` elements from `src` (element `so`, step `ss`) to `dst` (element `do`, step `ds`).
    @inline(__always)
    static func copyRow<W: ElementBits>(_: W.Type, _ n: Int, from src: UnsafeRawPointer, _ so: Int, step ss: Int,
                                                              to dst: UnsafeMutableRawPointer, _ od: Int, step ds: Int) {
        let size = MemoryLayout<W>.stride
        let s = src + so * size, d = dst + od * size
        if ds == 1 {
            switch ss {
            case 1:
                d.copyMemory(from: s, byteCount: n * size)
            case 0:
                let v = s.load(as: W.self)
                for j in 0..<n { d.storeBytes(of: v, toByteOffset: j * size, as: W.self) }
            case -1:
                copyReversed(W.self, n, from: s, to: d)
            default:
                for j in 0..<n { d.storeBytes(of: s.load(fromByteOffset: j * ss * size, as: W.self), toByteOffset: j * size, as: W.self) }
            }
        } else if ss == 1 {
            for j in 0..<n { d.storeBytes(of: s.load(fromByteOffset: j * size, as: W.self), toByteOffset: j * ds * size, as: W.self) }
        } else {
            for j in 0..<n { d.storeBytes(of: s.load(fromByteOffset: j * ss * size, as: W.self), toByteOffset: j * ds * size, as: W.self) }
        }
    }

    /// `d[j] = s[−j]` for `j < n`: a row read backwards (flip), eight elements at a time reversed
    /// in registers.
    @inline(__always)
    static func copyReversed<W: ElementBits>(_: W.Type, _ n: Int, from s: UnsafeRawPointer, to d: UnsafeMutableRawPointer) {
        let size = MemoryLayout<W>.stride
        var j = 0
        while j + 8 <= n {
            let v = s.loadUnaligned(fromByteOffset: -(j + 7) * size, as: SIMD8<W>.self)
            d.storeBytes(of: SIMD8(v[7], v[6], v[5], v[4], v[3], v[2], v[1], v[0]), toByteOffset: j * size, as: SIMD8<W>.self)
            j += 8
        }
        while j < n {
            d.storeBytes(of: s.load(fromByteOffset: -j * size, as: W.self), toByteOffset: j * size, as: W.self)
            j += 1
        }
    }

    /// Sets `count` elements of `elementSize` bytes at `dst` to zero bits (0, +0.0 and false for
    /// every dtype).
    @inline(__always)
    static func zero(_ dst: UnsafeMutableRawPointer, count: Int, elementSize: Int) {
        if count > 0 { dst.initializeMemory(as: UInt8.self, repeating: 0, count: count * elementSize) }
    }

    /// Replicates the contiguous block `[base, base + block)` (bytes) `times − 1` more times right
    /// after itself, doubling the copied span each step (log₂ `times` library copies).
    @inline(__always)
    static func replicate(_ base: UnsafeMutableRawPointer, block: Int, times: Int) {
        var done = 1
        while done < times {
            let k = Swift.min(done, times - done)
            (base + done * block).copyMemory(from: base, byteCount: k * block)
            done += k
        }
    }
}

extension Tensor {
    /// Address of this tensor's first element (its offset applied), as raw bytes.
    var rawBase: UnsafeMutableRawPointer { storage.raw + offset * dtype.byteSize }

    /// A new contiguous tensor holding the elements of the view `self` (any strides, also negative
    /// or zero), without autograd: the forward of every copying shape op.
    func materialized() -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        Movement.copy(shape: shape, elementSize: dtype.byteSize, from: rawBase, strides: strides,
                      to: out.rawBase, strides: out.strides)
        return out
    }

    /// A view of the same storage with other shape, strides and offset (no autograd).
    func restrided(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
    }
}
