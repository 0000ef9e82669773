// Sorting and selection along the rows of a tensor: radix sort of (key, index) pairs, top-k by a
// bounded heap, with keys that order floats as PyTorch does (NaN above +∞, −0 equal to +0).

/// An element type that sort kernels order through an unsigned integer key.
///
/// `sortKey` is monotone: `a < b` gives `key(a) < key(b)`, equal values (`0` and `−0`) give equal
/// keys, and every NaN gets the largest key, so NaN sorts after +∞ as in PyTorch. Sorting keys
/// instead of values makes one loop serve every dtype, lets a radix sort run on them, and needs
/// no NaN test in the comparisons.
protocol SortKeyScalar: TensorScalar {
    associatedtype SortKey: FixedWidthInteger & UnsignedInteger
    static func sortKey(_ v: Self) -> SortKey
    /// Whether `a > b` as numbers (false when either is NaN): a cheap test that `a` sorts after
    /// `b`, which may answer false when unsure; the keys decide the rest.
    static func surelyAfter(_ a: Self, _ b: Self) -> Bool
}

extension Float: SortKeyScalar {
    @inline(__always) static func sortKey(_ v: Float) -> UInt32 {
        if v.isNaN { return .max }
        let bits = (v == 0 ? 0 : v).bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }
    @inline(__always) static func surelyAfter(_ a: Float, _ b: Float) -> Bool { a > b }
}

extension Double: SortKeyScalar {
    @inline(__always) static func sortKey(_ v: Double) -> UInt64 {
        if v.isNaN { return .max }
        let bits = (v == 0 ? 0 : v).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }
    @inline(__always) static func surelyAfter(_ a: Double, _ b: Double) -> Bool { a > b }
}

extension Int64: SortKeyScalar {
    @inline(__always) static func sortKey(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) ^ (1 << 63) }
    @inline(__always) static func surelyAfter(_ a: Int64, _ b: Int64) -> Bool { a > b }
}

extension Bool: SortKeyScalar {
    @inline(__always) static func sortKey(_ v: Bool) -> UInt8 { v ? 1 : 0 }
    @inline(__always) static func surelyAfter(_ a: Bool, _ b: Bool) -> Bool { a && !b }
}

/// A kernel written once for every element type with a sort key.
protocol SortKeyKernel {
    associatedtype Result
    func run<T: SortKeyScalar>(_ type: T.Type) -> Result
}

extension DType {
    /// Runs `kernel` for this dtype's element type; nil for dtypes without a sort key, which the
    /// callers sort as float64 (exact for every narrower type).
    func dispatchSortable<K: SortKeyKernel>(_ kernel: K) -> K.Result? {
        // Comparisons rather than a switch: the dtypes without a key fall through, today and later.
        if self == .float32 { return kernel.run(Float.self) }
        if self == .float64 { return kernel.run(Double.self) }
        if self == .int64 { return kernel.run(Int64.self) }
        if self == .bool { return kernel.run(Bool.self) }
        return nil
    }
}

/// How sort and selection kernels see a tensor: contiguous `[outer, n, inner]` around the axis,
/// one row per (outer, inner) pair, its elements `inner` apart.
struct SortRows {
    let outer: Int, n: Int, inner: Int
    var rows: Int { outer * inner }

    init(shape: [Int], axis: Int) {
        outer = shape[..<axis].reduce(1, *)
        n = shape[axis]
        inner = shape[(axis + 1)...].reduce(1, *)
    }

    /// Offset of row `r`'s first element in a contiguous `[outer, m, inner]` tensor.
    @inline(__always) func base(_ r: Int, length m: Int) -> Int {
        let (o, i) = r.quotientAndRemainder(dividingBy: inner)
        return o * m * inner + i
    }
}

/// Scratch buffers of one thread: keys and indices twice (radix passes go back and forth) and
/// the digit histograms.
struct SortScratch<K: FixedWidthInteger & UnsignedInteger> {
    let keys: UnsafeMutablePointer<K>, keys2: UnsafeMutablePointer<K>
    let idx: UnsafeMutablePointer<UInt32>, idx2: UnsafeMutablePointer<UInt32>
    let counts: UnsafeMutablePointer<UInt32>

    /// Digit width for `n` keys: 11 bits (3 passes over 32-bit keys) for long rows, 8 bits for
    /// shorter ones, where clearing and summing 2048 buckets per pass would cost more than the
    /// pass it saves.
    @inline(__always) static func digitBits(_ n: Int) -> Int { K.bitWidth <= 8 || n < 1024 ? 8 : 11 }
    @inline(__always) static func passes(_ bits: Int) -> Int { (K.bitWidth + bits - 1) / bits }

    init(capacity n: Int) {
        let c = Swift.max(n, 1)
        keys = .allocate(capacity: c); keys2 = .allocate(capacity: c)
        idx = .allocate(capacity: c); idx2 = .allocate(capacity: c)
        counts = .allocate(capacity: Swift.max(Self.passes(8) << 8, Self.passes(11) << 11))
    }

    func deallocate() {
        keys.deallocate(); keys2.deallocate(); idx.deallocate(); idx2.deallocate(); counts.deallocate()
    }

    /// Sorts `keys[0..<n]` with `idx[0..<n]` alongside, stably (equal keys keep their order), and
    /// returns the buffers that hold the result (the first pair or the second).
    func sort(_ n: Int) -> (keys: UnsafeMutablePointer<K>, idx: UnsafeMutablePointer<UInt32>) {
        if n <= 48 {
            // Insertion sort: fewer moves than a radix pass's histogram for short rows.
            for i in 1..<Swift.max(n, 1) {
                let k = keys[i], x = idx[i]
                var j = i
                while j > 0 && keys[j - 1] > k {
                    keys[j] = keys[j - 1]; idx[j] = idx[j - 1]
                    j -= 1
                }
                keys[j] = k; idx[j] = x
            }
            return (keys, idx)
        }
        let bits = Self.digitBits(n), passes = Self.passes(bits), buckets = 1 << bits
        let mask = K(truncatingIfNeeded: buckets - 1)
        counts.update(repeating: 0, count: passes << bits)
        for i in 0..<n {
            var k = keys[i]
            for p in 0..<passes {
                counts[(p << bits) + Int(truncatingIfNeeded: k & mask)] &+= 1
                k = p + 1 < passes ? k >> K(bits) : 0
            }
        }
        var (srcK, srcI, dstK, dstI) = (keys, idx, keys2, idx2)
        for p in 0..<passes {
            let c = counts + (p << bits)
            let shift = K(p * bits)
            // A digit every key shares orders nothing: skip its pass.
            if c[Int(truncatingIfNeeded: (srcK[0] >> shift) & mask)] == UInt32(truncatingIfNeeded: n) { continue }
            var sum: UInt32 = 0
            for b in 0..<buckets { let v = c[b]; c[b] = sum; sum &+= v }
            for i in 0..<n {
                let k = srcK[i]
                let b = Int(truncatingIfNeeded: (k >> shift) & mask)
                let pos = Int(c[b])
                c[b] = UInt32(truncatingIfNeeded: pos + 1)
                dstK[pos] = k; dstI[pos] = srcI[i]
            }
            swap(&srcK, &dstK); swap(&srcI, &dstI)
        }
        return (srcK, srcI)
    }
}

enum SortKernels {
    /// Elements per thread below which row loops stay on the calling thread.
    static let grain = 1 << 14

    /// The key of `v` for an ascending (or, complemented, a descending) order.
    @inline(__always)
    static func key<T: SortKeyScalar>(_ v: T, descending: Bool) -> T.SortKey {
        descending ? ~T.sortKey(v) : T.sortKey(v)
    }

    /// Sorts every row of contiguous `x` (`[outer, n, inner]`), stably, into `values` and `indices`
    /// (same layout). Equal elements keep their order, so `stable` needs no other algorithm.
    static func sort<T: SortKeyScalar>(_: T.Type, _ x: Tensor, rows: SortRows, descending: Bool,
                                       values: Tensor, indices: Tensor) {
        let n = rows.n, inner = rows.inner
        let src = UnsafePointer(x.storage.pointer(T.self) + x.offset)
        let vOut = values.storage.pointer(T.self), iOut = indices.storage.pointer(Int64.self)
        ThreadPool.shared.parallelRanges(rows.rows, grain: Swift.max(1, grain / Swift.max(n, 1))) { range in
            let s = SortScratch<T.SortKey>(capacity: n)
            defer { s.deallocate() }
            for r in range {
                let base = rows.base(r, length: n)
                let row = src + base
                if descending {
                    for j in 0..<n { s.keys[j] = ~T.sortKey(row[j * inner]); s.idx[j] = UInt32(truncatingIfNeeded: j) }
                } else {
                    for j in 0..<n { s.keys[j] = T.sortKey(row[j * inner]); s.idx[j] = UInt32(truncatingIfNeeded: j) }
                }
                let sorted = s.sort(n).idx
                let vo = vOut + base, io = iOut + base
                if inner == 1 {
                    for j in 0..<n { let i = Int(sorted[j]); vo[j] = row[i]; io[j] = Int64(i) }
                } else {
                    for j in 0..<n { let i = Int(sorted[j]); vo[j * inner] = row[i * inner]; io[j * inner] = Int64(i) }
                }
            }
        }
    }

    /// Whether top-k takes a bounded heap (k small against n) rather than a full sort.
    static func selectsByHeap(k: Int, n: Int) -> Bool { n > 64 && k <= n / 8 }

    /// The `k` smallest (key, index) pairs of a row, ascending, into `outK`/`outI`: a max-heap of the
    /// best k seen so far, which most elements leave after one comparison with its top.
    /// Indices in `lo..<hi`; every key is compared with the index as tie-break, so the chosen set
    /// is the same however the row is split.
    @inline(__always)
    static func heapSelect<T: SortKeyScalar>(_ row: UnsafePointer<T>, step: Int, lo: Int, hi: Int, k: Int, descending: Bool,
                                             heapK: UnsafeMutablePointer<T.SortKey>, heapI: UnsafeMutablePointer<UInt32>) -> Int {
        let m = Swift.min(k, hi - lo)
        // Heap order: the parent is the largest (key, index).
        @inline(__always) func greater(_ a: Int, _ b: Int) -> Bool {
            heapK[a] > heapK[b] || (heapK[a] == heapK[b] && heapI[a] > heapI[b])
        }
        @inline(__always) func swapEntries(_ a: Int, _ b: Int) {
            let (ka, ia) = (heapK[a], heapI[a])
            heapK[a] = heapK[b]; heapI[a] = heapI[b]
            heapK[b] = ka; heapI[b] = ia
        }
        @inline(__always) func siftDown(_ start: Int, _ count: Int) {
            var i = start
            while true {
                let l = 2 * i + 1
                if l >= count { break }
                var c = l
                if l + 1 < count && greater(l + 1, l) { c = l + 1 }
                if !greater(c, i) { break }
                swapEntries(i, c)
                i = c
            }
        }
        for j in 0..<m {
            heapK[j] = key(row[(lo + j) * step], descending: descending)
            heapI[j] = UInt32(truncatingIfNeeded: lo + j)
        }
        if m == 0 { return 0 }
        for i in stride(from: m / 2 - 1, through: 0, by: -1) { siftDown(i, m) }
        // Most elements lose to the heap's top: rule them out on the value (a plain comparison,
        // false for NaN), and compute a key only for the others.
        var top = heapK[0], topValue = row[Int(heapI[0]) * step]
        @inline(__always) func offer(_ v: T, _ j: Int) {
            let kj = key(v, descending: descending)
            // Later indices lose ties, so only a strictly smaller key enters.
            if kj < top {
                heapK[0] = kj; heapI[0] = UInt32(truncatingIfNeeded: j)
                siftDown(0, m)
                top = heapK[0]; topValue = row[Int(heapI[0]) * step]
            }
        }
        @inline(__always) func scan(_ from: Int, _ to: Int) {
            if descending {
                for j in from..<to { let v = row[j * step]; if !T.surelyAfter(topValue, v) { offer(v, j) } }
            } else {
                for j in from..<to { let v = row[j * step]; if !T.surelyAfter(v, topValue) { offer(v, j) } }
            }
        }
        var j = lo + m
        if step == 1 {
            // Blocks of 16 that all lose cost one vector comparison.
            while j + 16 <= hi {
                if !allWorse(row + j, than: topValue, descending: descending) { scan(j, j + 16) }
                j += 16
            }
        }
        scan(j, hi)
        // Pop the heap into ascending order.
        var count = m
        while count > 1 {
            count -= 1
            swapEntries(0, count)
            siftDown(0, count)
        }
        return m
    }

    /// Whether all 16 elements at `p` surely lose to `bound`: are below it when selecting the
    /// largest (`descending`), above it otherwise. Float rows only (false for other types, and
    /// for a block holding NaN): top-k skips such blocks with one vector comparison.
    @inline(__always)
    static func allWorse<T: SortKeyScalar>(_ p: UnsafePointer<T>, than bound: T, descending: Bool) -> Bool {
        let raw = UnsafeRawPointer(p)
        if T.self == Float.self {
            let v = raw.loadUnaligned(as: SIMD16<Float>.self), b = SIMD16(repeating: unsafeBitCast(bound, to: Float.self))
            return descending ? all(b .> v) : all(v .> b)
        }
        if T.self == Double.self {
            let v0 = raw.loadUnaligned(as: SIMD8<Double>.self), v1 = raw.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self)
            let b = SIMD8(repeating: unsafeBitCast(bound, to: Double.self))
            return descending ? all(b .> v0) && all(b .> v1) : all(v0 .> b) && all(v1 .> b)
        }
        return false
    }

    /// The `k` smallest pairs of the `parts` ascending runs of `m` pairs each in `candK`/`candI`
    /// (runs of unequal length end early: `lengths`), merged into `outK`/`outI`.
    static func mergeRuns<K: FixedWidthInteger & UnsignedInteger>(_ candK: UnsafeMutablePointer<K>, _ candI: UnsafeMutablePointer<UInt32>,
                                                                  runLength m: Int, lengths: [Int], k: Int,
                                                                  outK: UnsafeMutablePointer<K>, outI: UnsafeMutablePointer<UInt32>) {
        var heads = [Int](repeating: 0, count: lengths.count)
        for j in 0..<k {
            var best = -1
            for p in lengths.indices where heads[p] < lengths[p] {
                let a = p * m + heads[p]
                if best < 0 { best = p; continue }
                let b = best * m + heads[best]
                if candK[a] < candK[b] || (candK[a] == candK[b] && candI[a] < candI[b]) { best = p }
            }
            let a = best * m + heads[best]
            outK[j] = candK[a]; outI[j] = candI[a]
            heads[best] += 1
        }
    }

    /// The `k` largest (or smallest) elements of every row, in order, with their indices; ties go
    /// to the lower index. `values`/`indices` are contiguous `[outer, k, inner]`.
    static func topk<T: SortKeyScalar>(_: T.Type, _ x: Tensor, rows: SortRows, k: Int, largest: Bool,
                                       values: Tensor, indices: Tensor) {
        let n = rows.n, inner = rows.inner
        guard k > 0 else { return }
        let src = UnsafePointer(x.storage.pointer(T.self) + x.offset)
        let vOut = values.storage.pointer(T.self), iOut = indices.storage.pointer(Int64.self)
        let descending = largest
        @inline(__always) func write(_ r: Int, _ row: UnsafePointer<T>, _ sortedI: UnsafeMutablePointer<UInt32>) {
            let ob = rows.base(r, length: k)
            for j in 0..<k {
                let i = Int(sortedI[j])
                vOut[ob + j * inner] = row[i * inner]
                iOut[ob + j * inner] = Int64(i)
            }
        }
        let threads = ThreadPool.shared.size
        if rows.rows < threads && threads > 1 && n >= 1 << 16 && selectsByHeap(k: k, n: n) {
            // Few long rows: each thread selects from a part of the row, the parts' winners merge.
            let parts = threads
            let per = (n + parts - 1) / parts
            let candK = UnsafeMutablePointer<T.SortKey>.allocate(capacity: parts * k)
            let candI = UnsafeMutablePointer<UInt32>.allocate(capacity: parts * k)
            let outK = UnsafeMutablePointer<T.SortKey>.allocate(capacity: k), outI = UnsafeMutablePointer<UInt32>.allocate(capacity: k)
            defer { candK.deallocate(); candI.deallocate(); outK.deallocate(); outI.deallocate() }
            var lengths = [Int](repeating: 0, count: parts)
            for r in 0..<rows.rows {
                let row = src + rows.base(r, length: n)
                lengths.withUnsafeMutableBufferPointer { lens in
                    ThreadPool.shared.parallelFor(parts) { p in
                        let lo = Swift.min(n, p * per), hi = Swift.min(n, lo + per)
                        lens[p] = heapSelect(row, step: inner, lo: lo, hi: hi, k: k, descending: descending,
                                             heapK: candK + p * k, heapI: candI + p * k)
                    }
                }
                mergeRuns(candK, candI, runLength: k, lengths: lengths, k: k, outK: outK, outI: outI)
                write(r, row, outI)
            }
            return
        }
        let heap = selectsByHeap(k: k, n: n)
        ThreadPool.shared.parallelRanges(rows.rows, grain: Swift.max(1, grain / Swift.max(n, 1))) { range in
            let s = SortScratch<T.SortKey>(capacity: heap ? k : n)
            defer { s.deallocate() }
            for r in range {
                let row = src + rows.base(r, length: n)
                if heap {
                    _ = heapSelect(row, step: inner, lo: 0, hi: n, k: k, descending: descending, heapK: s.keys, heapI: s.idx)
                    write(r, row, s.idx)
                } else {
                    for j in 0..<n { s.keys[j] = key(row[j * inner], descending: descending); s.idx[j] = UInt32(truncatingIfNeeded: j) }
                    write(r, row, s.sort(n).idx)
                }
            }
        }
    }
}
