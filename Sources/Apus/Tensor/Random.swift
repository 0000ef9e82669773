import Foundation

/// A seedable pseudo-random generator (xoshiro256** seeded through SplitMix64).
///
/// Every random function takes a generator; without one it uses ``RandomGenerator/default``,
/// which ``seed(_:)`` resets. The same seed gives the same numbers on every platform.
public final class RandomGenerator: @unchecked Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private let lock = NSLock()

    /// A generator started from `seed`.
    public init(seed: UInt64) { reseed(seed) }

    /// Generator number `stream` of `seed`: one independent sequence per example of a data pass,
    /// so that an example's random augmentation depends on the pass's seed and its index alone.
    public convenience init(seed: UInt64, stream: Int) {
        // A SplitMix64 finaliser of the stream number keeps nearby streams' seeds far apart.
        var z = UInt64(bitPattern: Int64(stream)) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        self.init(seed: seed ^ (z ^ (z >> 31)))
    }

    /// The process-wide generator used when no generator is passed.
    public static let `default` = RandomGenerator(seed: 0)

    /// Restarts the sequence from `seed`.
    public func reseed(_ seed: UInt64) {
        lock.lock(); defer { lock.unlock() }
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    @inline(__always)
    private func nextUnlocked() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// The next 64 random bits.
    public func next() -> UInt64 {
        lock.lock(); defer { lock.unlock() }
        return nextUnlocked()
    }

    /// `count` uniform doubles in [0, 1).
    public func uniforms(_ count: Int) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(count)
        forEachUniform(count) { _, u in out.append(u) }
        return out
    }

    /// `count` standard normal doubles (Box–Muller).
    public func normals(_ count: Int) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(count)
        forEachNormal(count) { _, z in out.append(z) }
        return out
    }

    /// Calls `body(i, u)` with the same `count` uniform doubles ``uniforms(_:)`` returns, without
    /// building an array (tensors are filled in place).
    public func forEachUniform(_ count: Int, _ body: (Int, Double) -> Void) {
        lock.lock(); defer { lock.unlock() }
        for i in 0..<count { body(i, Double(nextUnlocked() >> 11) * 0x1.0p-53) }
    }

    /// Calls `body(i, z)` with the same `count` standard normal doubles ``normals(_:)`` returns.
    public func forEachNormal(_ count: Int, _ body: (Int, Double) -> Void) {
        lock.lock(); defer { lock.unlock() }
        var i = 0
        while i < count {
            let u1 = Double((nextUnlocked() >> 11) + 1) * 0x1.0p-53   // (0, 1]: log is finite
            let u2 = Double(nextUnlocked() >> 11) * 0x1.0p-53
            let r = (-2 * Foundation.log(u1)).squareRoot()
            body(i, r * Foundation.cos(2 * .pi * u2))
            i += 1
            if i < count { body(i, r * Foundation.sin(2 * .pi * u2)); i += 1 }
        }
    }

    /// A uniformly random integer in `0..<bound`.
    public func integer(below bound: Int) -> Int {
        require(bound > 0, "integer(below:): bound must be positive")
        lock.lock(); defer { lock.unlock() }
        return Int(nextUnlocked() % UInt64(bound))
    }

    /// A random permutation of `0..<n` (Fisher–Yates).
    public func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        lock.lock(); defer { lock.unlock() }
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                let j = Int(nextUnlocked() % UInt64(i + 1))
                p.swapAt(i, j)
            }
        }
        return p
    }
}

/// Seeds the default generator: after `seed(n)` every random call repeats the same numbers.
public func seed(_ value: UInt64) {
    RandomGenerator.default.reseed(value)
}

extension Tensor {
    /// Uniform samples from `[low, high)`.
    public static func uniform(_ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
                               generator: RandomGenerator = .default) -> Tensor {
        // low + (high − low)·u is below `high`, but rounding it to the element type (float32
        // above all) can give `high` itself; such values become the largest one below `high`.
        let below = dtype == .float32 ? Double(Float(high).nextDown) : high.nextDown
        return filled(shape, dtype: dtype) { store in
            generator.forEachUniform(shape.reduce(1, *)) { i, u in
                let v = low + (high - low) * u
                let stored = dtype == .float32 ? Double(Float(v)) : v
                store(i, stored < high ? v : Swift.max(low, below))
            }
        }
    }

    /// Normal samples with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32,
                              generator: RandomGenerator = .default) -> Tensor {
        return filled(shape, dtype: dtype) { store in
            generator.forEachNormal(shape.reduce(1, *)) { i, z in store(i, mean + std * z) }
        }
    }

    /// A new tensor whose elements `produce` writes through `store(index, value)`, converted to
    /// `dtype` as they are stored (no intermediate array of doubles).
    static func filled(_ shape: [Int], dtype: DType, _ produce: ((Int, Double) -> Void) -> Void) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        switch dtype {
        case .float32: let p = t.storage.pointer(Float.self); produce { p[$0] = Float($1) }
        case .float64: let p = t.storage.pointer(Double.self); produce { p[$0] = $1 }
        case .int64: let p = t.storage.pointer(Int64.self); produce { p[$0] = Int64(fromDouble: $1) }
        case .bool: let p = t.storage.pointer(Bool.self); produce { p[$0] = $1 != 0 }
        default:
            // The other types through a double buffer: rare, and conversions stay PyTorch's.
            let values = Tensor(uninitialized: shape, dtype: .float64)
            let p = values.storage.pointer(Double.self)
            produce { p[$0] = $1 }
            return Kernels.cast(values, to: dtype)
        }
        return t
    }

    /// Standard normal samples (`torch.randn`).
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: RandomGenerator = .default) -> Tensor {
        normal(shape, dtype: dtype, generator: generator)
    }

    /// Uniform samples from `[0, 1)` (`torch.rand`).
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: RandomGenerator = .default) -> Tensor {
        uniform(shape, dtype: dtype, generator: generator)
    }

    /// 1 with probability `p`, else 0.
    public static func bernoulli(_ shape: [Int], p: Double, dtype: DType = .float32,
                                 generator: RandomGenerator = .default) -> Tensor {
        require((0...1).contains(p), "bernoulli: p must be in [0, 1], got \(p)")
        return Tensor(shape: shape, values: generator.uniforms(shape.reduce(1, *)).map { $0 < p ? 1 : 0 }, dtype: dtype)
    }

    /// Uniform random integers in `low..<high` as int64.
    public static func randint(_ low: Int, _ high: Int, shape: [Int], generator: RandomGenerator = .default) -> Tensor {
        require(high > low, "randint: empty range \(low)..<\(high)")
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Double(low + generator.integer(below: high - low)) },
                      dtype: .int64)
    }
}
