import Testing
@testable import Apus

@Suite struct BufferCacheTests {
    @Test func holdsAtMostTheHighWaterMarkOfBuffersInUse() {
        let cache = BufferCache()
        let kib = 1 << 10
        // Two 64 KiB buffers in use at once: high-water mark 128 KiB.
        let a = cache.allocate(byteCount: 64 * kib), b = cache.allocate(byteCount: 64 * kib)
        #expect(cache.statistics == (cached: 0, live: 128 * kib, liveHighWater: 128 * kib))
        cache.release(a, byteCount: 64 * kib)
        cache.release(b, byteCount: 64 * kib)
        #expect(cache.statistics == (cached: 128 * kib, live: 0, liveHighWater: 128 * kib))
        // A new size: served fresh, and not kept (it would take the cache past 128 KiB).
        let c = cache.allocate(byteCount: 96 * kib)
        #expect(cache.statistics == (cached: 128 * kib, live: 96 * kib, liveHighWater: 128 * kib))
        cache.release(c, byteCount: 96 * kib)
        #expect(cache.statistics == (cached: 128 * kib, live: 0, liveHighWater: 128 * kib))
        // A cached size is reused: the buffer freed last comes back.
        let d = cache.allocate(byteCount: 64 * kib)
        #expect(d == b)
        #expect(cache.statistics == (cached: 64 * kib, live: 64 * kib, liveHighWater: 128 * kib))
        cache.release(d, byteCount: 64 * kib)
        // Sizes outside 16 KiB…64 MiB pass through uncounted.
        let small = cache.allocate(byteCount: 1 * kib)
        cache.release(small, byteCount: 1 * kib)
        #expect(cache.statistics == (cached: 128 * kib, live: 0, liveHighWater: 128 * kib))
    }

    @Test func keepsLargeBuffersOnlyForSizesReleasedBefore() {
        let cache = BufferCache()
        let mib = 1 << 20, size = 65 * mib
        // Released for the first time (a data set, or a loop's first step): returned to the system.
        let a = cache.allocate(byteCount: size)
        cache.release(a, byteCount: size)
        #expect(cache.largeStatistics == (cached: 0, live: 0, liveHighWater: size))
        // The same size again (a loop's next step): kept, and handed out for the next request.
        let b = cache.allocate(byteCount: size)
        cache.release(b, byteCount: size)
        #expect(cache.largeStatistics == (cached: size, live: 0, liveHighWater: size))
        let c = cache.allocate(byteCount: size)
        #expect(c == b)
        #expect(cache.largeStatistics == (cached: 0, live: size, liveHighWater: size))
        // Two in use at once: both kept, the high-water mark is two.
        let d = cache.allocate(byteCount: size)
        cache.release(c, byteCount: size)
        cache.release(d, byteCount: size)
        #expect(cache.largeStatistics == (cached: 2 * size, live: 0, liveHighWater: 2 * size))
        // Never more than that: another size, even released twice, would take the cache past it.
        for _ in 0..<2 {
            let other = cache.allocate(byteCount: size + mib)
            cache.release(other, byteCount: size + mib)
        }
        #expect(cache.largeStatistics == (cached: 2 * size, live: 0, liveHighWater: 2 * size))
        // The small-buffer accounting is untouched by large buffers.
        #expect(cache.statistics == (cached: 0, live: 0, liveHighWater: 0))
        cache.drainLargeBuffers()
    }
}
