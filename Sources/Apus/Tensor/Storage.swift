import Foundation

/// A reference-counted, 64-byte-aligned buffer of elements of one ``DType``.
///
/// Tensors share a storage between views; a tensor that is about to be
/// mutated copies it first unless it holds the only reference (copy-on-write).
/// Large buffers come from and return to ``BufferCache``, so a training loop that
/// allocates the same sizes every step stops paying for fresh pages.
@usableFromInline
final class Storage: @unchecked Sendable {
    @usableFromInline let dtype: DType
    @usableFromInline let count: Int
    @usableFromInline let raw: UnsafeMutableRawPointer
    private let byteCount: Int
    /// Forms derived from the contents (``DerivedForms``), under `DerivedForms.lock`; nil when none.
    var derived: [DerivedForms.Key: Storage]?

    /// Allocates `count` elements of `dtype`, zero-filled when `zeroed` (else the caller writes every element).
    init(dtype: DType, count: Int, zeroed: Bool = true) {
        self.dtype = dtype
        self.count = count
        byteCount = Swift.max(count * dtype.byteSize, 1)
        raw = BufferCache.shared.allocate(byteCount: byteCount)
        if zeroed { raw.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount) }
        dtype.dispatch(BindMemory(raw: raw, count: count))
    }

    private struct BindMemory: TypedKernel {
        let raw: UnsafeMutableRawPointer
        let count: Int
        func run<T: TensorScalar>(_: T.Type) { raw.bindMemory(to: T.self, capacity: count) }
    }

    deinit { BufferCache.shared.release(raw, byteCount: byteCount) }

    /// Typed pointer to the first element; `T` must match ``dtype``.
    @inlinable
    func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        assert(T.dtype == dtype, "storage of \(dtype) read as \(T.dtype)")
        return raw.assumingMemoryBound(to: T.self)
    }

    /// A byte-for-byte copy.
    func copy() -> Storage {
        let other = Storage(dtype: dtype, count: count, zeroed: false)
        other.raw.copyMemory(from: raw, byteCount: count * dtype.byteSize)
        return other
    }
}

/// Keeps freed buffers of 16 KiB to 64 MiB for reuse, by exact size, up to as many bytes as such
/// buffers have ever been in use at once (their high-water mark), and at most 256 MiB.
///
/// Deep-learning loops allocate the same sizes over and over; reusing them avoids the page
/// faults and zeroing of fresh memory from the system (glibc maps large blocks anew each time).
/// A loop step frees about what it had in use at its peak, so a cache of the high-water mark
/// serves it; a larger one only fills with sizes seen once (evaluation batches of 512 and their
/// remainders after training ones, per-thread convolution scratch of each new shape). Capping
/// it there took the peak RSS of `apus train --model lenet5 --dataset fashion-mnist` (images
/// kept as bytes) from 237 to 173 MB at batch 64 and from 220 to 180 MB at batch 32; ResNet-18's
/// step, whose high-water mark passes 256 MiB, caches as before (same page faults).
final class BufferCache: @unchecked Sendable {
    static let shared = BufferCache()
    static let minimumBytes = 16 << 10
    /// Larger buffers are mostly one-offs (data sets) that would only pin memory; they are kept
    /// only for sizes released before (see `large`). CNN activations reach tens of MB
    /// (ResNet-18 on 32×3×64×64: 8 MB per 64-channel map), and caching them made a training step
    /// 16% faster than mapping fresh pages each time.
    static let maximumBytes = 64 << 20
    static let capacityBytes = 256 << 20

    /// One cache's buffers and accounting: freed buffers by size, the bytes they hold, the bytes of
    /// its sizes in use and the most of those ever in use at once.
    struct Pool {
        /// At most this many bytes are kept (and never more than `liveHighWater`).
        let capacityBytes: Int
        /// Whether a size is kept only once it has been released before.
        let keepsRepeatedSizesOnly: Bool
        var free: [Int: [UnsafeMutableRawPointer]] = [:]
        var released: Set<Int> = []
        var cachedBytes = 0
        var liveBytes = 0
        var liveHighWater = 0

        /// Counts `byteCount` as in use and hands out a kept buffer of that size, if any.
        mutating func take(_ byteCount: Int) -> UnsafeMutableRawPointer? {
            liveBytes += byteCount
            liveHighWater = Swift.max(liveHighWater, liveBytes)
            guard let p = free[byteCount]?.popLast() else { return nil }
            cachedBytes -= byteCount
            return p
        }

        /// Counts `byteCount` as released and keeps `pointer` if the rules allow; false when the
        /// caller must return it to the system.
        mutating func keep(_ pointer: UnsafeMutableRawPointer, _ byteCount: Int) -> Bool {
            liveBytes -= byteCount
            let repeated = released.contains(byteCount)
            if keepsRepeatedSizesOnly && !repeated { released.insert(byteCount) }
            guard !keepsRepeatedSizesOnly || repeated,
                  cachedBytes + byteCount <= Swift.min(capacityBytes, liveHighWater) else { return false }
            free[byteCount, default: []].append(pointer)
            cachedBytes += byteCount
            return true
        }

        var statistics: (cached: Int, live: Int, liveHighWater: Int) { (cachedBytes, liveBytes, liveHighWater) }
    }

    private let lock = NSLock()
    /// Buffers of 16 KiB–64 MiB: every size is kept, up to 256 MiB.
    private var small = Pool(capacityBytes: BufferCache.capacityBytes, keepsRepeatedSizesOnly: false)
    /// Buffers above `maximumBytes` are kept only for sizes released before (a loop's, such as
    /// AlexNet's 151 MB weight gradient, freed by `zeroGrad()` every step and page-faulted and
    /// zeroed by the kernel anew each time: a tenth of the step), at most as many bytes as such
    /// buffers were ever in use at once; a size freed once (a data set) is never kept.
    private var large = Pool(capacityBytes: .max, keepsRepeatedSizesOnly: true)

    @inline(__always)
    static func isCacheable(_ byteCount: Int) -> Bool { byteCount >= minimumBytes && byteCount <= maximumBytes }

    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount >= Self.minimumBytes {
            lock.lock()
            let kept = Self.isCacheable(byteCount) ? small.take(byteCount) : large.take(byteCount)
            lock.unlock()
            if let kept { return kept }
        }
        return Self.systemAllocate(byteCount: byteCount)
    }

    /// Buffers of 4 MiB and more start on a 2 MiB boundary and ask for transparent huge pages
    /// (Linux, where the system allows them on request): a fresh 150 MB weight gradient then
    /// takes 75 page faults instead of 37,000 (page faults were a tenth of an AlexNet step).
    static let hugePageBytes = 2 << 20

    static func systemAllocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= 2 * hugePageBytes else { return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64) }
        let p = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: hugePageBytes)
        #if os(Linux)
        _ = madvise(p, byteCount / hugePageBytes * hugePageBytes, MADV_HUGEPAGE)
        #endif
        return p
    }

    func release(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= Self.minimumBytes {
            lock.lock()
            let kept = Self.isCacheable(byteCount) ? small.keep(pointer, byteCount) : large.keep(pointer, byteCount)
            lock.unlock()
            if kept { return }
        }
        pointer.deallocate()
    }

    /// Bytes held for reuse, bytes of cacheable sizes in use, and the most of those ever in use at once.
    var statistics: (cached: Int, live: Int, liveHighWater: Int) {
        lock.lock()
        defer { lock.unlock() }
        return small.statistics
    }

    /// The same for buffers above `maximumBytes`.
    var largeStatistics: (cached: Int, live: Int, liveHighWater: Int) {
        lock.lock()
        defer { lock.unlock() }
        return large.statistics
    }

    /// Returns the kept large buffers to the system (tests).
    func drainLargeBuffers() {
        lock.lock()
        defer { lock.unlock() }
        for (_, buffers) in large.free { for p in buffers { p.deallocate() } }
        large.free = [:]
        large.cachedBytes = 0
    }
}
