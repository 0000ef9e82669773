import Testing
@testable import Apus

// Factories, literals, initialisers and random tensors.

@Suite struct FactoryTests {
    @Test func zerosOnesFull() {
        let z = Tensor.zeros([2, 3])
        #expect(z.shape == [2, 3])
        #expect(z.dtype == .float32)
        #expect(z.count == 6)
        #expect(z.toDoubles() == [0, 0, 0, 0, 0, 0])

        let o = Tensor.ones([3], dtype: .int64)
        #expect(o.dtype == .int64)
        #expect(o.toArray(as: Int64.self) == [1, 1, 1])

        let f = Tensor.full([2, 2], value: 2.5, dtype: .float64)
        #expect(f.dtype == .float64)
        #expect(f.toDoubles() == [2.5, 2.5, 2.5, 2.5])

        #expect(Tensor.full([2], value: -3, dtype: .bool).toArray(as: Bool.self) == [true, true])
        #expect(Tensor.zeros([2], dtype: .bool).toArray(as: Bool.self) == [false, false])
    }

    @Test func likeFactoriesCopyShapeAndDtype() {
        let x = Tensor([[1, 2, 3]])
        let z = Tensor.zeros(like: x), o = Tensor.ones(like: x)
        #expect(z.shape == [1, 3] && z.dtype == .int64 && z.toDoubles() == [0, 0, 0])
        #expect(o.shape == [1, 3] && o.dtype == .int64 && o.toDoubles() == [1, 1, 1])
    }

    @Test func zeroDimensionalAndEmptyShapes() {
        let s = Tensor.ones([])
        #expect(s.rank == 0 && s.count == 1 && s.item() == 1)
        let e = Tensor.zeros([0, 3])
        #expect(e.shape == [0, 3] && e.count == 0 && e.toDoubles().isEmpty)
    }

    @Test func arangeOfIntegers() {
        let a = Tensor.arange(5)
        #expect(a.dtype == .int64)
        #expect(a.toArray(as: Int64.self) == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(2, 5).toArray(as: Int64.self) == [2, 3, 4])
        #expect(Tensor.arange(2, 5).dtype == .int64)
        #expect(Tensor.arange(0, 10, step: 3).toArray(as: Int64.self) == [0, 3, 6, 9])
        #expect(Tensor.arange(5, 0, step: -2).toArray(as: Int64.self) == [5, 3, 1])
        #expect(Tensor.arange(3, 3).shape == [0])
        #expect(Tensor.arange(-2).shape == [0])
    }

    @Test func arangeWithFractionalStepIsFloat() {
        let a = Tensor.arange(0, 1, step: 0.25)
        #expect(a.dtype == .float32)
        #expect(a.toDoubles() == [0, 0.25, 0.5, 0.75])

        let b = Tensor.arange(0.5, 3)
        #expect(b.dtype == .float32)
        #expect(b.toDoubles() == [0.5, 1.5, 2.5])

        // (1 − 0) / 0.1 rounds to 10 steps, as torch.arange(0, 1, 0.1).
        let c = Tensor.arange(0, 1, step: 0.1)
        #expect(c.count == 10)
        #expect(Approx.equal(c, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]))
    }

    @Test func arangeWithExplicitDtype() {
        let a = Tensor.arange(0, 2, step: 0.5, dtype: .float64)
        #expect(a.dtype == .float64)
        #expect(a.toDoubles() == [0, 0.5, 1, 1.5])
        #expect(Tensor.arange(0, 3, dtype: .float32).toDoubles() == [0, 1, 2])
        #expect(Tensor.arange(0, 3, dtype: .float32).dtype == .float32)
    }

    @Test func linspace() {
        let a = Tensor.linspace(0, 1, count: 5)
        #expect(a.dtype == .float32)
        #expect(a.toDoubles() == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.linspace(-1, 1, count: 3).toDoubles() == [-1, 0, 1])
        #expect(Tensor.linspace(2, 5, count: 1).toDoubles() == [2])
        #expect(Tensor.linspace(2, 5, count: 0).shape == [0])
        // The end point is exact even where start + i·step would round away from it.
        let b = Tensor.linspace(0, 0.3, count: 4, dtype: .float64)
        #expect(b.toDoubles().last == 0.3)
        #expect(Approx.equal(b, [0, 0.1, 0.2, 0.3], absolute: 1e-15))
    }

    @Test func eye() {
        let i = Tensor.eye(3)
        #expect(i.shape == [3, 3])
        #expect(i.toDoubles() == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(Tensor.eye(2, 3).toDoubles() == [1, 0, 0, 0, 1, 0])
        #expect(Tensor.eye(3, 2).toDoubles() == [1, 0, 0, 1, 0, 0])
        #expect(Tensor.eye(2, dtype: .int64).dtype == .int64)
    }
}

@Suite struct LiteralAndInitialiserTests {
    @Test func integerLiteralIsInt64() {
        let t = Tensor([[1, 2], [3, 4]])
        #expect(t.dtype == .int64)
        #expect(t.shape == [2, 2])
        #expect(t.toArray(as: Int64.self) == [1, 2, 3, 4])
    }

    @Test func floatLiteralIsFloat32() {
        let t = Tensor([[1.5, 2.0], [3.25, -4.0]])
        #expect(t.dtype == .float32)
        #expect(t.toArray(as: Float.self) == [1.5, 2, 3.25, -4])
    }

    @Test func mixedIntegerAndFloatLiteralIsFloat32() {
        let t = Tensor([1, 2.5, 3])
        #expect(t.dtype == .float32)
        #expect(t.toDoubles() == [1, 2.5, 3])
    }

    @Test func dtypeOverride() {
        let t = Tensor([[1, 2], [3, 4]], dtype: .float64)
        #expect(t.dtype == .float64)
        #expect(t.toDoubles() == [1, 2, 3, 4])
        let b = Tensor([0, 2, 0], dtype: .bool)
        #expect(b.toArray(as: Bool.self) == [false, true, false])
        let i = Tensor([1.9, -1.9], dtype: .int64)
        #expect(i.toArray(as: Int64.self) == [1, -1])  // truncation toward zero
    }

    @Test func boolLiteral() {
        let t = Tensor([[true, false], [false, true]])
        #expect(t.dtype == .bool)
        #expect(t.toArray(as: Bool.self) == [true, false, false, true])
    }

    @Test func literalsThroughTypeContext() {
        let v: Tensor = [1, 2, 3]
        #expect(v.dtype == .int64 && v.shape == [3])
        let s: Tensor = 3.5
        #expect(s.dtype == .float32 && s.shape == [] && s.item() == 3.5)
        let i: Tensor = 7
        #expect(i.dtype == .int64 && i.shape == [] && i.item() == 7)
    }

    @Test func nestedLiteralShape() {
        let t = Tensor([[[1], [2]], [[3], [4]], [[5], [6]]])
        #expect(t.shape == [3, 2, 1])
        #expect(t.toArray(as: Int64.self) == [1, 2, 3, 4, 5, 6])
        let e = Tensor([])
        #expect(e.shape == [0] && e.dtype == .float32)
    }

    @Test func scalarsInitialiser() {
        let f = Tensor(scalars: [Float(1.5), 2.5])
        #expect(f.dtype == .float32 && f.shape == [2])
        let d = Tensor(scalars: [0.1, 0.2, 0.3, 0.4], shape: [2, 2])
        #expect(d.dtype == .float64 && d.shape == [2, 2])
        #expect(d.toArray(as: Double.self) == [0.1, 0.2, 0.3, 0.4])  // no float32 rounding
        let i = Tensor(scalars: [Int64(5), -6, 7], shape: [3, 1])
        #expect(i.dtype == .int64 && i.shape == [3, 1] && i.toArray(as: Int64.self) == [5, -6, 7])
        let b = Tensor(scalars: [true, false])
        #expect(b.dtype == .bool && b.toArray(as: Bool.self) == [true, false])
    }

    @Test(arguments: [
        (DType.float32, [0.5, -1.75, 0, 3]),
        (DType.float64, [0.5, -1.75, 0, 3]),
        (DType.int64, [0, -1, 0, 3]),
        (DType.bool, [1, 1, 0, 1]),
    ])
    func shapeValuesInitialiserConverts(dtype: DType, expected: [Double]) {
        let t = Tensor(shape: [2, 2], values: [0.5, -1.75, 0, 3], dtype: dtype)
        #expect(t.dtype == dtype)
        #expect(t.shape == [2, 2])
        #expect(t.toDoubles() == expected)
    }

    @Test func scalarInitialiser() {
        let t = Tensor(scalar: -2, dtype: .float64)
        #expect(t.rank == 0 && t.dtype == .float64 && t.item() == -2)
    }

    @Test func sixDimensionalTensor() {
        let shape = [2, 1, 3, 1, 2, 2]
        let t = Tensor(shape: shape, values: (0..<24).map(Double.init), dtype: .float32)
        #expect(t.rank == 6 && t.count == 24)
        #expect(t.strides == [12, 12, 4, 4, 2, 1])
        #expect(t.isContiguous)
        // Row-major position: 12·1 + 4·2 + 2·1 + 0 = 22.
        #expect(t.value(at: [1, 0, 2, 0, 1, 0]) == 22)

        // Sum over axes 0, 2 and 5 against a loop over all elements.
        let s = t.sum(axes: [0, 2, -1])
        #expect(s.shape == [1, 1, 2])
        var expected = [Double](repeating: 0, count: 2)
        for i in 0..<24 { expected[(i / 2) % 2] += Double(i) }
        #expect(s.toDoubles() == expected)

        // Reversing the axes twice is the identity; once moves the last axis first.
        let r = t.permute([5, 4, 3, 2, 1, 0])
        #expect(r.shape == [2, 2, 1, 3, 1, 2])
        #expect(r.value(at: [1, 0, 0, 2, 0, 1]) == t.value(at: [1, 0, 2, 0, 0, 1]))
        #expect(r.permute([5, 4, 3, 2, 1, 0]) == t)
        #expect(r.contiguous().reshape([24]).toDoubles() != t.toDoubles())
        #expect(t.reshape([4, 6]).reshape(shape) == t)
    }
}

@Suite struct RandomTests {
    @Test func generatorMatchesReferenceXoshiro256StarStar() {
        // Reference values from an independent transcription of SplitMix64 seeding and
        // xoshiro256** (Blackman & Vigna); they pin the sequence across platforms.
        let g = RandomGenerator(seed: 0)
        #expect(g.next() == 11_091_344_671_253_066_420)
        #expect(g.next() == 13_793_997_310_169_335_082)
        #expect(g.next() == 1_900_383_378_846_508_768)
        // Uniforms are the top 53 bits scaled to [0, 1).
        #expect(RandomGenerator(seed: 42).uniforms(3) == [0.08386297105988216, 0.3789802506626686, 0.6800434110281394])
    }

    @Test func sameSeedSameNumbers() {
        let a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
        #expect(Tensor.randn([4, 5], generator: a) == Tensor.randn([4, 5], generator: b))
        #expect(Tensor.rand([6], generator: a) == Tensor.rand([6], generator: b))
        #expect(Tensor.randint(0, 100, shape: [9], generator: a) == Tensor.randint(0, 100, shape: [9], generator: b))
        #expect(Tensor.bernoulli([9], p: 0.5, generator: a) == Tensor.bernoulli([9], p: 0.5, generator: b))
        #expect(a.permutation(20) == b.permutation(20))
    }

    @Test func reseedRestartsTheSequence() {
        let g = RandomGenerator(seed: 3)
        let first = Tensor.randn([5], generator: g)
        _ = Tensor.randn([5], generator: g)
        g.reseed(3)
        #expect(Tensor.randn([5], generator: g) == first)
    }

    @Test func differentSeedsDiffer() {
        let a = Tensor.randn([16], generator: RandomGenerator(seed: 1))
        let b = Tensor.randn([16], generator: RandomGenerator(seed: 2))
        #expect(a != b)
        // Successive draws from one generator differ too.
        let g = RandomGenerator(seed: 1)
        #expect(Tensor.rand([16], generator: g) != Tensor.rand([16], generator: g))
    }

    @Test func globalSeedRepeatsTheSequence() {
        // Other tests may draw from the shared default generator concurrently; a draw landing
        // between seeding and sampling would change the numbers, so allow a few attempts.
        var matched = false
        for _ in 0..<5 where !matched {
            seed(123)
            let a = Tensor.randn([8])
            seed(123)
            let b = Tensor.randn([8])
            let reference = Tensor.randn([8], generator: RandomGenerator(seed: 123))
            matched = a == b && a == reference
        }
        #expect(matched)
    }

    @Test func normalMomentsOn10kSamples() {
        let x = Tensor.normal([10_000], mean: 2, std: 3, dtype: .float64, generator: RandomGenerator(seed: 11))
        // Standard errors: 3/√10⁴ = 0.03 for the mean, ≈ 0.021 for the std; bounds are ≥ 4.5σ.
        #expect(Swift.abs(x.mean().item() - 2) < 0.15)
        #expect(Swift.abs(x.std().item() - 3) < 0.1)
        let z = Tensor.randn([10_000], generator: RandomGenerator(seed: 12))
        #expect(z.dtype == .float32)
        #expect(Swift.abs(z.mean().item()) < 0.05)
        #expect(Swift.abs(z.std().item() - 1) < 0.035)
        // About 68.3% within one standard deviation.
        let inside = (z.abs() .< 1).sum().item() / 10_000
        #expect(Swift.abs(inside - 0.6827) < 0.025)
    }

    @Test func uniformBounds() {
        let x = Tensor.uniform([10_000], low: -2, high: 3, generator: RandomGenerator(seed: 5))
        let v = x.toDoubles()
        #expect(v.allSatisfy { $0 >= -2 && $0 < 3 })
        #expect(v.min()! < -1.99 && v.max()! > 2.99)
        #expect(Swift.abs(x.mean().item() - 0.5) < 0.1)  // σ of the mean ≈ 0.0144
        let r = Tensor.rand([10_000], generator: RandomGenerator(seed: 6)).toDoubles()
        #expect(r.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func float32UniformNeverReachesUpperBound() {
        // The first uniform of this seed is 0.99999997546928343 (found with the reference
        // generator), which rounds to 1.0 in float32; rand must still stay below 1.
        let seedNearOne: UInt64 = 39_061_301
        #expect(RandomGenerator(seed: seedNearOne).uniforms(1) == [0.99999997546928343])
        let x = Tensor.rand([1], generator: RandomGenerator(seed: seedNearOne))
        #expect(x.item() < 1)
        #expect(x.item() > 0.9999999)
        let y = Tensor.rand([1], dtype: .float64, generator: RandomGenerator(seed: seedNearOne))
        #expect(y.item() == 0.99999997546928343)
    }

    @Test func bernoulliFrequency() {
        let x = Tensor.bernoulli([10_000], p: 0.3, generator: RandomGenerator(seed: 8))
        #expect(x.toDoubles().allSatisfy { $0 == 0 || $0 == 1 })
        #expect(Swift.abs(x.mean().item() - 0.3) < 0.025)  // σ ≈ 0.0046
        #expect(Tensor.bernoulli([100], p: 0).sum().item() == 0)
        #expect(Tensor.bernoulli([100], p: 1).sum().item() == 100)
    }

    @Test func randintRange() {
        let x = Tensor.randint(-3, 4, shape: [50, 200], generator: RandomGenerator(seed: 9))
        #expect(x.dtype == .int64)
        #expect(x.shape == [50, 200])
        let v = x.toArray(as: Int64.self)
        #expect(Set(v) == Set(-3...3))
        // Each of the 7 values about 10⁴/7 ≈ 1429 times (σ ≈ 35).
        for k in -3...3 { #expect(Swift.abs(v.filter { $0 == Int64(k) }.count - 1429) < 180) }
    }

    @Test func permutationAndBoundedIntegers() {
        let g = RandomGenerator(seed: 10)
        let p = g.permutation(50)
        #expect(p.sorted() == Array(0..<50))
        #expect(p != Array(0..<50))
        #expect((0..<1000).map { _ in g.integer(below: 3) }.allSatisfy { (0..<3).contains($0) })
    }
}

@Test func initializingWithWritesStraightIntoStorage() {
    let t = Tensor(shape: [2, 3], of: Float.self) { out in
        for i in out.indices { out[i] = Float(i) * 0.5 }
    }
    #expect(t.dtype == .float32 && t.shape == [2, 3])
    #expect(t.toDoubles() == [0, 0.5, 1, 1.5, 2, 2.5])
    let ints = Tensor(shape: [3], of: Int64.self) { $0[0] = 7; $0[1] = -1; $0[2] = 1 << 40 }
    #expect(ints.dtype == .int64 && ints.toArray(as: Int64.self) == [7, -1, 1 << 40])
}
