import Foundation
import Testing
@testable import Apus

// What the op table cannot show: Swift spellings (method forms, operators, which overload a
// literal picks), the loops on tensors large enough for the thread pool, the generic integer path
// new integer dtypes will take, and the messages of refusals.

@Suite struct ElementwiseMathTests {
    /// Each method form gives its free function's result.
    @Test func methodFormsMatchFunctions() {
        let x = Tensor([0.3, -0.7, 0.9, 0.05], dtype: .float64)
        let pairs: [(Tensor, Tensor)] = [
            (x.sin(), sin(x)), (x.tan(), tan(x)), (x.asin(), asin(x)), (x.acos(), acos(x)), (x.atan(), atan(x)),
            (x.sinh(), sinh(x)), (x.cosh(), cosh(x)), (x.asinh(), asinh(x)), (x.atanh(), atanh(x)),
            ((x + 2).acosh(), acosh(x + 2)), (x.deg2rad(), deg2rad(x)), (x.rad2deg(), rad2deg(x)),
            (x.floor(), floor(x)), (x.ceil(), ceil(x)), (x.trunc(), trunc(x)), (x.round(decimals: 1), round(x, decimals: 1)),
            (x.frac(), frac(x)), (x.fmod(0.25), fmod(x, 0.25)), (x.remainder(0.25), remainder(x, 0.25)),
            (x.reciprocal(), reciprocal(x)), (x.abs().rsqrt(), rsqrt(x.abs())), (x.square(), square(x)),
            (x.exp2(), exp2(x)), (x.expm1(), expm1(x)), (x.abs().log2(), log2(x.abs())), (x.abs().log10(), log10(x.abs())),
            (x.log1p(), log1p(x)), (x.erf(), erf(x)), (x.erfc(), erfc(x)), (x.erfinv(), erfinv(x)),
            (x.abs().logit(eps: 0.1), logit(x.abs(), eps: 0.1)), (x.hypot(x), hypot(x, x)), (x.lerp(x * 2, weight: 0.3), lerp(x, x * 2, weight: 0.3)),
            (x.xlogy(x.abs()), xlogy(x, x.abs())), (x.sinc(), sinc(x)), (x.copysign(-x), copysign(x, -x)),
            (x.nextafter(x * 2), nextafter(x, x * 2)), (x.abs().floatPower(x), floatPower(x.abs(), x)),
            (x.isnan(), isnan(x)), (x.isfinite(), isfinite(x)), (x.signbit(), signbit(x)), (x.nanToNum(), nanToNum(x)),
            (x.sign(), sign(x)), (x.clamped(min: x * 0.5), clamp(x, min: x * 0.5)),
            (x.eq(0.3), eq(x, 0.3)), (x.le(x), le(x, x)), (x.isclose(x), isclose(x, x)),
            (x.logicalAnd(x), logicalAnd(x, x)), (x.logicalXor(x), logicalXor(x, x)), (x.logicalNot(), logicalNot(x)),
        ]
        for (i, (method, function)) in pairs.enumerated() {
            #expect(method.dtype == function.dtype && method.shape == function.shape, "pair \(i)")
            #expect(method.toDoubles().elementsEqual(function.toDoubles()) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "pair \(i)")
        }
        #expect(x.equal(x) && x.allclose(x + 1e-12))
    }

    /// Integer literals keep Swift's meaning next to the tensor operators: `&`, `|` and `^` have
    /// concrete Int versions that win, and there is deliberately no `<<`, `>>` or `~` on tensors
    /// (Swift's are generic: a tensor overload would turn `1 << 15` into a tensor).
    @Test func integerLiteralsStayIntegers() {
        let shifted = 1 << 15, inverted = ~0, masked = 0xFF & 0x0F, joined = 1 | 2, flipped = 3 ^ 1
        #expect(type(of: shifted) == Int.self && shifted == 32768)
        #expect(type(of: inverted) == Int.self && inverted == -1)
        #expect(type(of: masked) == Int.self && type(of: joined) == Int.self && type(of: flipped) == Int.self)
        let t = Tensor([6, 3])
        #expect((t & 3).toArray(as: Int64.self) == [2, 3])
        #expect((t & 0x7FFF_FFFF_FFFF_FFF2).toArray(as: Int64.self) == [2, 2])  // the literal is taken exactly
        #expect((5 | t).toArray(as: Int64.self) == [7, 7])
        #expect((t ^ t).toArray(as: Int64.self) == [0, 0])
        #expect(bitwiseNot(t).toArray(as: Int64.self) == [-7, -4])
        #expect(bitwiseLeftShift(t, 2).toArray(as: Int64.self) == [24, 12])
        #expect(bitwiseRightShift(t, 1).toArray(as: Int64.self) == [3, 1])
    }

    /// Overloads chosen by literals: an integer bound keeps an int64 tensor integral, a tensor
    /// bound takes the tensor overload, and `where` takes numbers on either side.
    @Test func literalOverloads() {
        let i = Tensor([-5, 5, 50])
        #expect(clamp(i, min: 0).dtype == .int64)
        #expect(i.clamped(min: 0, max: 10).toArray(as: Int64.self) == [0, 5, 10])
        #expect(clamp(i, min: 0.5).dtype == .float32)
        let x = Tensor([-1.0, 0.5, 2.0])
        #expect(clamp(x, min: 0, max: 0.5).toDoubles() == [0, 0.5, 0.5])
        #expect(clamp(x, min: Tensor([0.0, 1.0, 3.0])).toDoubles() == [0, 1, 3])
        #expect(clampMin(i, 0).dtype == .int64 && clampMax(x, 1).toDoubles() == [-1, 0.5, 1])
        let c = Tensor([true, false, true])
        #expect(`where`(c, i, 0).dtype == .int64)
        #expect(`where`(c, 1.5, x).toDoubles() == [1.5, 0.5, 1.5])
        #expect(`where`(c, 1, 2).toArray(as: Int64.self) == [1, 2, 1])
        #expect(`where`(c, 1.0, 2.5).dtype == .float32)
        #expect(`where`(c, true, false) == c)
        #expect(`where`(c, c, false) == c)
        #expect(eq(i, 5).toArray(as: Bool.self) == [false, true, false])
    }

    /// Tensors above the parallel grain (split over the pool) give the serial results.
    @Test func largeTensorsMatchElementByElement() {
        let n = 100_003
        let values = (0..<n).map { i -> Double in
            let v = Double(i % 1000) / 97 - 5
            return i % 777 == 0 ? .nan : (i % 555 == 0 ? .infinity : v)
        }
        let x = Tensor(shape: [n], values: values, dtype: .float64)
        #expect(floor(x).toDoubles().elementsEqual(values.map { $0.rounded(.down) }) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(isnan(x).toArray(as: Bool.self) == values.map(\.isNaN))
        let r = remainder(x, 1.5).toDoubles()
        for (i, v) in values.enumerated() where v.isFinite {
            let m = Foundation.fmod(v, 1.5)
            let want = m != 0 && m < 0 ? m + 1.5 : m
            if r[i] != want { Issue.record("remainder element \(i): \(r[i]), expected \(want)"); break }
        }
        let mask = x .> 0
        let chosen = `where`(mask, x, -1.0).toDoubles()
        #expect(chosen.elementsEqual(values.map { $0 > 0 ? $0 : -1 }))
        let ints = Tensor(scalars: (0..<Int64(n)).map { $0 * 2_654_435_761 })
        #expect((ints & 0xFFFF).toArray(as: Int64.self) == (0..<Int64(n)).map { ($0 * 2_654_435_761) & 0xFFFF })
        #expect(bitwiseRightShift(ints, 3).toArray(as: Int64.self) == (0..<Int64(n)).map { ($0 * 2_654_435_761) >> 3 })
        let lerped = lerp(x, x * 2, weight: Tensor(shape: [n], values: [Double](repeating: 0.25, count: n), dtype: .float64))
        #expect(lerped.toDoubles().elementsEqual(values.map { $0 + 0.25 * ($0 * 2 - $0) }) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    /// An integer kernel written once gives the same bits at every integer width that holds the values.
    @Test func integerKernelAgreesAcrossWidths() {
        struct Xor: IntegerKernel {
            let a: Tensor, b: Tensor
            func run<T: IntegerScalar>(_: T.Type) -> Tensor {
                MathKernels.zip(IntegerBinary<BitXorFn, T>(), a, b, shape: a.shape)
            }
        }
        let a = Tensor(scalars: [Int64(1), -2, 3, 1 << 20]), b = Tensor(scalars: [Int64(7), 7, -1, 3])
        let wide = DType.int64.dispatchInteger(Xor(a: a, b: b), op: "test")
        let narrow = DType.int32.dispatchInteger(Xor(a: a.cast(to: .int32), b: b.cast(to: .int32)), op: "test")
        let expected: [Int64] = [1 ^ 7, -2 ^ 7, 3 ^ -1, (1 << 20) ^ 3]
        #expect(wide.toArray(as: Int64.self) == expected)
        #expect(narrow.cast(to: .int64).toArray(as: Int64.self) == expected)
    }

    /// erfinv is accurate to the last double below 1: erf of it gives the input back.
    @Test func erfinvRoundTripsNearOne() {
        let ys: [Double] = [1e-300, 1e-8, 0.1, 0.5, 0.75, 0.9, 0.999, 1 - 1e-9, 1 - 1e-13, 1 - 0x1p-52, 1 - 0x1p-53]
        let x = erfinv(Tensor(shape: [ys.count], values: ys, dtype: .float64)).toDoubles()
        for (y, v) in zip(ys, x) {
            // Near 1 compare the complements, which carry the information.
            let error = y > 0.5 ? Swift.abs(Foundation.erfc(v) - (1 - y)) / (1 - y) : Swift.abs(Foundation.erf(v) - y) / y
            #expect(error < 1e-13, "erfinv(\(y)) = \(v)")
        }
        let ends = erfinv(Tensor([1.0, -1.0, 1.5, -0.0], dtype: .float64)).toDoubles()
        #expect(ends[0] == .infinity && ends[1] == -.infinity && ends[2].isNaN && ends[3] == 0 && ends[3].sign == .minus)
    }

    /// Rounding and sign record a node (the result requires grad, as in PyTorch) whose gradient is 0.
    @Test func zeroGradientsAreRecorded() {
        let x = Tensor([1.3, -2.7], dtype: .float64).requiringGrad()
        for f in [floor, ceil, trunc, sign, { round($0) }] as [(Tensor) -> Tensor] {
            let y = f(x)
            #expect(y.requiresGrad)
            y.sum().backward()
            #expect(x.grad?.toDoubles() == [0, 0])
            x.zeroGrad()
        }
    }
}

@Suite struct ElementwiseMathErrorTests {
    @Test func integerDivisionByZeroSaysSo() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = remainder(Tensor([1, 2, 3]), Tensor([1, 0, 1]))
        }
        let message = stderrText(result)
        #expect(message.contains("remainder"))
        #expect(message.contains("ZeroDivisionError"))
    }

    @Test func bitwiseOnFloatsNamesTheDtypes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1.5]) & Tensor([1])
        }
        let message = stderrText(result)
        #expect(message.contains("bitwiseAnd"))
        #expect(message.contains("float32"))
    }

    @Test func lerpNamesTheMismatchedDtype() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = lerp(Tensor([1.0]), Tensor([2.0], dtype: .float64), weight: 0.5)
        }
        let message = stderrText(result)
        #expect(message.contains("lerp"))
        #expect(message.contains("float64"))
    }
}
