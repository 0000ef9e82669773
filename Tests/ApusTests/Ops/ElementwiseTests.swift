import Foundation
import Testing
@testable import Apus

// Forward values of elementwise arithmetic, math functions, comparisons, `where` and casts.

@Suite struct BroadcastingTests {
    @Test func rowVectorAddsToEveryRow() {
        let a = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        let r = a + Tensor([10.0, 20.0, 30.0])
        #expect(r.shape == [2, 3])
        #expect(r.toDoubles() == [11, 22, 33, 14, 25, 36])
    }

    @Test func columnTimesRowIsAnOuterProduct() {
        let r = Tensor([[1.0], [2.0]]) * Tensor([[10.0, 20.0, 30.0]])
        #expect(r.shape == [2, 3])
        #expect(r.toDoubles() == [10, 20, 30, 20, 40, 60])
    }

    @Test func leadingDimensionsAndZeroDimensionalOperands() {
        let a = Tensor.arange(6).reshape([2, 1, 3])
        let b = Tensor([[100], [200]])  // [2, 1]
        let r = a + b                   // [2, 2, 3]
        #expect(r.shape == [2, 2, 3])
        #expect(r.toArray(as: Int64.self) == [100, 101, 102, 200, 201, 202, 103, 104, 105, 203, 204, 205])
        let s = Tensor(scalar: 2) * Tensor([[1.0, 2.0]])
        #expect(s.shape == [1, 2] && s.toDoubles() == [2, 4])
    }

    @Test func stridedAndBroadcastOperands() {
        let m = Tensor([[1.0, 2.0], [3.0, 4.0]])
        #expect((m.T - m).toDoubles() == [0, 1, -1, 0])
        #expect((m.T * Tensor([[10.0], [100.0]])).toDoubles() == [10, 30, 200, 400])
        let stepped = Tensor.arange(0, 10, dtype: .float32)[stride(from: 0, to: 10, by: 3)]  // [0, 3, 6, 9]
        #expect((stepped + stepped).toDoubles() == [0, 6, 12, 18])
        #expect((Tensor([1.0]).expand(to: [3]) + Tensor([1.0, 2.0, 3.0])).toDoubles() == [2, 3, 4])
    }

    @Test func subtractionAndDivisionKeepOperandOrder() {
        let a = Tensor([[8.0], [6.0]]), b = Tensor([2.0, 4.0])
        #expect((a - b).toDoubles() == [6, 4, 4, 2])
        #expect((b - a).toDoubles() == [-6, -4, -4, -2])
        #expect((a / b).toDoubles() == [4, 2, 3, 1.5])
        let quotients: [Float] = [0.25, 0.5, 2 / 6, 4 / 6]
        #expect((b / a).toArray(as: Float.self) == quotients)
    }
}

@Suite struct PromotionTests {
    @Test(arguments: [
        (DType.int64, DType.float32, DType.float32),
        (DType.float32, DType.int64, DType.float32),
        (DType.float32, DType.float64, DType.float64),
        (DType.int64, DType.float64, DType.float64),
        (DType.int64, DType.int64, DType.int64),
        (DType.bool, DType.int64, DType.int64),
        (DType.bool, DType.float32, DType.float32),
    ])
    func binaryResultType(a: DType, b: DType, expected: DType) {
        let x = Tensor(shape: [2], values: [1, 0], dtype: a)
        let y = Tensor(shape: [2], values: [1, 1], dtype: b)
        #expect((x + y).dtype == expected)
        #expect((x * y).dtype == expected)
        #expect((x + y).toDoubles() == [2, 1])
    }

    @Test func integerDivisionIsTrueDivisionInFloat32() {
        let r = Tensor([7, 2, -7]) / Tensor([2, 4, 2])
        #expect(r.dtype == .float32)
        #expect(r.toDoubles() == [3.5, 0.5, -3.5])
        #expect((Tensor([1, 2]) / Tensor([2.0, 4.0], dtype: .float64)).dtype == .float64)
    }

    @Test func integerArithmeticStaysExact() {
        let big = Tensor([9_007_199_254_740_993])  // 2^53 + 1: not representable as a double
        let r = big + Tensor([1])
        #expect(r.dtype == .int64)
        #expect(r.toArray(as: Int64.self) == [9_007_199_254_740_994])
        #expect((Tensor([7, -7]) - Tensor([10, 10])).toArray(as: Int64.self) == [-3, -17])
    }

    @Test func scalarOperandsKeepTheTensorType() {
        // A Swift number adopts the tensor's dtype (float32 stays float32; an integral value keeps
        // int64); a fractional number with an integer tensor gives float32.
        let f = Tensor([1.0, 2.0])
        #expect((f + 0.5).dtype == .float32 && (f + 0.5).toDoubles() == [1.5, 2.5])
        let d = Tensor([1.0], dtype: .float64)
        #expect((d * 0.1).dtype == .float64 && (d * 0.1).item() == 0.1)
        let i = Tensor([1, 2])
        #expect((i * 2).dtype == .int64 && (i * 2).toDoubles() == [2, 4])
        #expect((i * 0.5).dtype == .float32 && (i * 0.5).toDoubles() == [0.5, 1])
        #expect((i + Float(1.5)).toDoubles() == [2.5, 3.5])
    }

    @Test func numberLiteralsActLikeSwiftNumbers() {
        // In `x * 0.1` Swift picks the (Tensor, Tensor) operator with a float32 literal tensor;
        // the result must still be the same as with a Double variable: no float32 rounding of
        // the constant, and the other operand's dtype.
        let d = Tensor([0.1, 1.0], dtype: .float64)
        let tenth = 0.1, two = 2.0
        #expect((d * 0.1).toDoubles() == [0.1 * 0.1, 0.1])
        #expect((d * 0.1) == (d * tenth))
        #expect((d - 0.1).toDoubles() == [0, 0.9])
        #expect((0.1 + d) == (tenth + d))
        #expect((d / 0.1) == (d / tenth))
        #expect((d .<= 0.1).toArray(as: Bool.self) == [true, false])
        #expect(maximum(d, 0.1).toDoubles() == [0.1, 1])
        #expect(`where`(Tensor([true, false]), d, 0.3).toDoubles() == [0.1, 0.3])
        let i = Tensor([1, 2])
        #expect((i * 2.0).dtype == (i * two).dtype)
        // A float number makes an integer tensor float32, an integer keeps it int64: PyTorch's rules.
        #expect((i * 2.0).dtype == .float32 && (i * 2.0).toDoubles() == [2, 4])
        #expect((i * 2).dtype == .int64 && (i * 2).toArray(as: Int64.self) == [2, 4])
        var e = Tensor.zeros([2], dtype: .float64)
        e[0] = 0.1
        #expect(e.toDoubles() == [0.1, 0])
        // A literal tensor that requires grad is an ordinary operand.
        var s: Tensor = 0.5
        s.requiresGrad = true
        (d * s).sum().backward()
        #expect(s.grad?.toDoubles() == [Double(Float(0.1 + 1.0))])
    }

    @Test func literalArithmeticWithDoublesKeepsDoublePrecision() {
        // Swift may type `1 - beta` in `(1 - beta) * x` as a tensor literal minus a Double; the
        // constant must still be computed in double precision and take x's dtype.
        let beta = 0.1, x = Tensor([1.0, 3.0], dtype: .float64)
        #expect(((1 - beta) * x).toDoubles() == [0.9, 2.7])
        #expect(((1 - beta) * x) == ((1.0 - beta) as Double) * x)
        #expect(((0.5 * beta) * x).toDoubles() == [0.05, 0.15000000000000002])
        let folded: Tensor = 1 - beta
        #expect(folded.literalNumber == 0.9)
        let integral: Tensor = 2 * 3
        #expect(integral.dtype == .int64 && integral.item() == 6)
        let half: Tensor = 1 / 2
        #expect(half.dtype == .float32 && half.item() == 0.5)
    }

    @Test func scalarOnEitherSide() {
        let x = Tensor([1.0, 2.0, 4.0])
        #expect((10 - x).toDoubles() == [9, 8, 6])
        #expect((x - 10).toDoubles() == [-9, -8, -6])
        #expect((1 / x).toDoubles() == [1, 0.5, 0.25])
        #expect((x / 2).toDoubles() == [0.5, 1, 2])
        #expect((3 * x).toDoubles() == [3, 6, 12])
        #expect((0.5 + x).toDoubles() == [1.5, 2.5, 4.5])
        #expect((-x).toDoubles() == [-1, -2, -4])
        #expect((-Tensor([3, -4])).toArray(as: Int64.self) == [-3, 4])
    }

    @Test func compoundAssignment() {
        var x = Tensor([1.0, 2.0])
        x += Tensor([1.0, 1.0])
        x *= 3
        x -= 1
        x /= Tensor([5.0, 4.0])
        #expect(x.toDoubles() == [1, 2])
    }
}

@Suite struct MathFunctionTests {
    @Test func expLogSqrt() {
        let e = eulerE
        #expect(Approx.equal(exp(Tensor([0.0, 1.0, -1.0])), [1, e, 1 / e]))
        #expect(Approx.equal(log(Tensor(scalars: [Float(1), Float(e), 0.5])), [0, 1, -0.6931471805599453]))
        #expect(sqrt(Tensor([4.0, 9.0, 2.0])).toDoubles() == [2, 3, Double(Float(2).squareRoot())])
        #expect(Tensor([0.25]).sqrt().item() == 0.5)
        // Integer inputs compute in float32.
        let r = exp(Tensor([0, 1]))
        #expect(r.dtype == .float32)
        #expect(Approx.equal(r, [1, e]))
        // Special values.
        #expect(log(Tensor([0.0])).item() == -.infinity)
        #expect(log(Tensor([-1.0])).item().isNaN)
        #expect(sqrt(Tensor([-1.0])).item().isNaN)
    }

    @Test func powWithTensorAndScalarExponents() {
        #expect(pow(Tensor([2.0, 3.0]), 2).toDoubles() == [4, 9])
        #expect(Tensor([4.0, 9.0]).pow(0.5).toDoubles() == [2, 3])
        #expect(pow(Tensor([[2.0], [3.0]]), Tensor([0.0, 1.0, 3.0])).toDoubles() == [1, 2, 8, 1, 3, 27])
        let i = pow(Tensor([2, 3]), Tensor([3, 2]))
        #expect(i.dtype == .float32 && i.toDoubles() == [8, 9])
    }

    @Test func tanhAndSigmoid() {
        let t = tanh(Tensor([0.0, 0.5, -0.5, 20.0], dtype: .float64))
        #expect(Approx.equal(t, [0, 0.46211715726000974, -0.46211715726000974, 1], absolute: 1e-12))
        let s = sigmoid(Tensor([0.0, 2.0, -2.0], dtype: .float64))
        #expect(Approx.equal(s, [0.5, 1 / (1 + Foundation.exp(-2.0)), 1 / (1 + Foundation.exp(2.0))], absolute: 1e-15))
        // Large inputs neither overflow nor give NaN.
        let extreme = sigmoid(Tensor([1000.0, -1000.0, 88.0, -88.0]))
        #expect(extreme.toDoubles().allSatisfy { $0.isFinite })
        #expect(extreme.toDoubles()[0] == 1 && extreme.toDoubles()[1] == 0)
        #expect(Approx.equal([extreme.toDoubles()[3]], [Foundation.exp(-88.0)], absolute: 0, relative: 1e-5))
    }

    @Test func reluAbsSign() {
        #expect(relu(Tensor([-1.0, 0.0, 2.5])).toDoubles() == [0, 0, 2.5])
        #expect(relu(Tensor(scalars: [Float.nan])).item().isNaN)
        #expect(Tensor([-1.5, 0.0, 2.0]).abs().toDoubles() == [1.5, 0, 2])
        let ia = abs(Tensor([-3, 4, 0]))
        #expect(ia.dtype == .int64 && ia.toArray(as: Int64.self) == [3, 4, 0])
        #expect(sign(Tensor([-2.0, 0.0, 0.1])).toDoubles() == [-1, 0, 1])
    }

    @Test func clamp() {
        let x = Tensor([-2.0, 0.5, 3.0])
        #expect(x.clamped(min: 0, max: 1).toDoubles() == [0, 0.5, 1])
        #expect(x.clamped(min: 0).toDoubles() == [0, 0.5, 3])
        #expect(x.clamped(max: 0).toDoubles() == [-2, 0, 0])
        #expect(Apus.clamp(x, min: -1, max: -1).toDoubles() == [-1, -1, -1])
        // NaN stays NaN, as in torch.clamp.
        #expect(Tensor(scalars: [Float.nan, 5]).clamped(min: 0, max: 1).toDoubles()[0].isNaN)
        let i = Tensor([-5, 5, 50]).clamped(min: 0, max: 10)
        #expect(i.dtype == .int64 && i.toArray(as: Int64.self) == [0, 5, 10])
    }

    @Test func maximumMinimumWithBroadcastingAndNaN() {
        let a = Tensor([[1.0, 5.0], [7.0, -1.0]])
        #expect(maximum(a, Tensor([2.0, 2.0])).toDoubles() == [2, 5, 7, 2])
        #expect(minimum(a, Tensor(scalar: 2)).toDoubles() == [1, 2, 2, -1])
        let p = Tensor(scalars: [Float(1), .nan, 3, .nan])
        let q = Tensor(scalars: [Float(2), 2, .nan, .nan])
        let mx = maximum(p, q).toDoubles(), mn = minimum(p, q).toDoubles()
        #expect(mx[0] == 2 && mx[1].isNaN && mx[2].isNaN && mx[3].isNaN)
        #expect(mn[0] == 1 && mn[1].isNaN && mn[2].isNaN && mn[3].isNaN)
        #expect(maximum(Tensor([1, 9]), Tensor([4, 4])).toArray(as: Int64.self) == [4, 9])
    }
}

private let eulerE = Foundation.exp(1.0)

@Suite struct ComparisonTests {
    @Test func comparisonsGiveBoolWithBroadcasting() {
        let a = Tensor([[1.0, 2.0, 3.0]]), b = Tensor([[2.0], [3.0]])
        let lt = a .< b
        #expect(lt.dtype == .bool && lt.shape == [2, 3])
        #expect(lt.toArray(as: Bool.self) == [true, false, false, true, true, false])
        #expect((a .<= b).toArray(as: Bool.self) == [true, true, false, true, true, true])
        #expect((a .> b).toArray(as: Bool.self) == [false, false, true, false, false, false])
        #expect((a .>= b).toArray(as: Bool.self) == [false, true, true, false, false, true])
        #expect((a .== b).toArray(as: Bool.self) == [false, true, false, false, false, true])
        #expect((a .!= b).toArray(as: Bool.self) == [true, false, true, true, true, false])
    }

    @Test func comparisonsWithScalarsAndMixedTypes() {
        let x = Tensor([-1.0, 0.0, 2.0])
        #expect((x .> 0).toArray(as: Bool.self) == [false, false, true])
        #expect((x .<= 0.0).toArray(as: Bool.self) == [true, true, false])
        #expect((x .== -1).toArray(as: Bool.self) == [true, false, false])
        #expect((Tensor([1, 2]) .< Tensor([1.5, 1.5])).toArray(as: Bool.self) == [true, false])
        #expect((Tensor([1, 2]) .< 1.5).toArray(as: Bool.self) == [true, false])
        // NaN compares unequal to everything.
        let n = Tensor(scalars: [Float.nan])
        #expect((n .== n).toArray(as: Bool.self) == [false])
        #expect((n .!= n).toArray(as: Bool.self) == [true])
    }

    @Test func logicalOperations() {
        let p = Tensor([true, true, false, false]), q = Tensor([true, false, true, false])
        #expect((p & q).toArray(as: Bool.self) == [true, false, false, false])
        #expect((p | q).toArray(as: Bool.self) == [true, true, true, false])
        #expect((!p).toArray(as: Bool.self) == [false, false, true, true])
        #expect(!p.all() && p.any())
        #expect(Tensor([true, true]).all() && !Tensor([false, false]).any())
        #expect((Tensor([1.0, 2.0]) .> 0).all())
    }

    @Test func whereSelectsWithBroadcasting() {
        let cond = Tensor([true, false, true])
        #expect(`where`(cond, Tensor([1.0, 2.0, 3.0]), Tensor([-1.0, -2.0, -3.0])).toDoubles() == [1, -2, 3])
        let r = `where`(Tensor([[true], [false]]), Tensor([1.0, 2.0]), Tensor(scalar: 0))
        #expect(r.shape == [2, 2] && r.toDoubles() == [1, 2, 0, 0])
        // The typical masking pattern.
        let x = Tensor([-2.0, 3.0, -0.5])
        let leaky: [Float] = [-0.2, 3, -0.05]
        #expect(`where`(x .> 0, x, x * 0.1).toArray(as: Float.self) == leaky)
    }

    @Test func whereDoesNotLeakValuesFromTheUnchosenSide() {
        let a = Tensor(scalars: [Float.nan, 1, .infinity])
        let b = Tensor(scalars: [Float(5), .nan, 7])
        let r = `where`(Tensor([false, true, false]), a, b)
        #expect(r.toDoubles() == [5, 1, 7])
    }

    @Test func wherePromotes() {
        let r = `where`(Tensor([true, false]), Tensor([1, 2]), Tensor([0.5, 0.5]))
        #expect(r.dtype == .float32 && r.toDoubles() == [1, 0.5])
        let i = `where`(Tensor([true, false]), Tensor([1, 2]), Tensor([9, 9]))
        #expect(i.dtype == .int64 && i.toArray(as: Int64.self) == [1, 9])
    }
}

@Suite struct CastTests {
    @Test func floatToIntTruncatesTowardZero() {
        let r = Tensor([2.7, -2.7, 0.5, -0.5, 3.0]).cast(to: .int64)
        #expect(r.dtype == .int64)
        #expect(r.toArray(as: Int64.self) == [2, -2, 0, 0, 3])
    }

    @Test func nonFiniteAndOutOfRangeToIntDoNotTrap() {
        // NaN, infinities and values beyond the int64 range give Int64.min, as x86-64's conversion
        // and so PyTorch do, instead of trapping like Swift's Int64(_:).
        let r = Tensor(scalars: [Float.nan, .infinity, -.infinity, 1e30, -1e30, -7.9]).cast(to: .int64)
        #expect(r.toArray(as: Int64.self) == [.min, .min, .min, .min, .min, -7])
        #expect(Tensor(shape: [1], values: [.nan], dtype: .int64).toArray(as: Int64.self) == [.min])
        #expect(Tensor.full([2], value: -.infinity, dtype: .int64).toArray(as: Int64.self) == [.min, .min])
        #expect(Tensor(scalars: [Double.nan]).toArray(as: Int64.self) == [.min])
    }

    @Test func toBoolIsNonZero() {
        #expect(Tensor([0.0, 0.5, -1.0]).cast(to: .bool).toArray(as: Bool.self) == [false, true, true])
        #expect(Tensor([0, 3]).cast(to: .bool).toArray(as: Bool.self) == [false, true])
        #expect(Tensor(scalars: [Float.nan]).cast(to: .bool).toArray(as: Bool.self) == [true])
    }

    @Test func fromBoolAndBetweenFloats() {
        #expect(Tensor([true, false]).cast(to: .float32).toDoubles() == [1, 0])
        #expect(Tensor([true, false]).cast(to: .int64).toArray(as: Int64.self) == [1, 0])
        let d = Tensor([0.1], dtype: .float64)
        #expect(d.cast(to: .float32).item() == Double(Float(0.1)))
        #expect(d.cast(to: .float32).cast(to: .float64).item() != 0.1)
        #expect(Tensor([16_777_217], dtype: .int64).cast(to: .float64).item() == 16_777_217)
        #expect(Tensor([16_777_217], dtype: .int64).cast(to: .float32).item() == 16_777_216)  // 2^24 + 1 rounds
    }

    @Test func castToSameTypeIsFreeAndNonContiguousWorks() {
        let x = Tensor([[1.5, 2.5], [3.5, 4.5]])
        #expect(x.cast(to: .float32).storage === x.storage)
        #expect(x.T.cast(to: .int64).toArray(as: Int64.self) == [1, 3, 2, 4])
    }

    @Test func toArrayConverts() {
        let x = Tensor([1.9, -1.9])
        #expect(x.toArray(as: Int64.self) == [1, -1])
        #expect(x.toArray(as: Double.self) == [Double(Float(1.9)), Double(Float(-1.9))])
        #expect(Tensor([0, 2]).toArray(as: Bool.self) == [false, true])
    }
}
