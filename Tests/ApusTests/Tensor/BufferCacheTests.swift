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
}
