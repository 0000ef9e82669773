import Foundation
import Testing
@testable import Apus

// The ten dtypes: names, sizes, promotion, the 16-bit float formats bit for bit, and files that
// keep them. Values against PyTorch are in the op table's `dtypes` family (Scripts/opinfo/dtypes.py).

@Suite struct DTypeTests {
    @Test func namesSizesAndKinds() {
        #expect(DType.allCases.map(\.description)
                == ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"])
        #expect(DType.allCases.map(\.byteSize) == [1, 1, 1, 2, 4, 8, 2, 2, 4, 8])
        for dtype in DType.allCases { #expect(DType(name: dtype.description) == dtype) }
        #expect(DType(name: "half") == .float16 && DType(name: "long") == .int64 && DType(name: "double") == .float64)
        #expect(DType(name: "complex64") == nil)
        #expect(DType.allCases.filter(\.isFloatingPoint) == [.float16, .bfloat16, .float32, .float64])
        #expect(DType.allCases.filter(\.isIntegral) == [.uint8, .int8, .int16, .int32, .int64])
        #expect(Tensor.zeros([2], dtype: .bfloat16).description == "tensor([0., 0.], dtype: bfloat16)")
        #expect(Tensor([300, -2], dtype: .int16).description == "tensor([300, -2], dtype: int16)")
    }

    /// PyTorch's `torch.promote_types` for every pair (written out from PyTorch 2.15).
    @Test func promotionIsPyTorchs() {
        let expected: [DType: [DType]] = [
            .bool: [.bool, .uint8, .int8, .int16, .int32, .int64, .float16, .bfloat16, .float32, .float64],
            .uint8: [.uint8, .uint8, .int16, .int16, .int32, .int64, .float16, .bfloat16, .float32, .float64],
            .int8: [.int8, .int16, .int8, .int16, .int32, .int64, .float16, .bfloat16, .float32, .float64],
            .int16: [.int16, .int16, .int16, .int16, .int32, .int64, .float16, .bfloat16, .float32, .float64],
            .int32: [.int32, .int32, .int32, .int32, .int32, .int64, .float16, .bfloat16, .float32, .float64],
            .int64: [.int64, .int64, .int64, .int64, .int64, .int64, .float16, .bfloat16, .float32, .float64],
            .float16: [.float16, .float16, .float16, .float16, .float16, .float16, .float16, .float32, .float32, .float64],
            .bfloat16: [.bfloat16, .bfloat16, .bfloat16, .bfloat16, .bfloat16, .bfloat16, .float32, .bfloat16, .float32, .float64],
            .float32: [.float32, .float32, .float32, .float32, .float32, .float32, .float32, .float32, .float32, .float64],
            .float64: [.float64, .float64, .float64, .float64, .float64, .float64, .float64, .float64, .float64, .float64],
        ]
        for a in DType.allCases {
            for (b, result) in zip(DType.allCases, expected[a]!) {
                #expect(DType.promoted(a, b) == result, "\(a) with \(b)")
            }
        }
    }

    /// Every half-precision bit pattern survives half → float → half; the same for bfloat16.
    @Test func sixteenBitFormatsRoundTripEveryPattern() {
        for bits in 0...UInt16.max {
            let h = Half(bitPattern: bits)
            if h.floatValue.isNaN { #expect(Half(h.floatValue).floatValue.isNaN); continue }
            #expect(Half(h.floatValue).bitPattern == bits, "half \(String(bits, radix: 16))")
            let b = BFloat16(bitPattern: bits)
            if b.floatValue.isNaN { #expect(BFloat16(b.floatValue).floatValue.isNaN); continue }
            #expect(BFloat16(b.floatValue).bitPattern == bits, "bfloat16 \(String(bits, radix: 16))")
        }
        // Ties go to even; beyond 65520 is infinity; 2⁻²⁵ is the tie between 0 and the smallest subnormal.
        #expect(Half(1 + 0x1p-11).floatValue == 1 && Half(1 + 3 * 0x1p-11).floatValue == 1 + 0x1p-9)
        #expect(Half(65519).floatValue == 65504 && Half(65520).floatValue == .infinity)
        #expect(Half(0x1p-25).bitPattern == 0 && Half(0x1.000002p-25).bitPattern == 1)
        #expect(BFloat16(1.0039062).floatValue == 1 && BFloat16(1.01171875).floatValue == 1.015625)
    }

    /// The vector conversions (F16C where the CPU has it) agree bit for bit with the scalar ones
    /// on random float32 bit patterns of every class: normal, subnormal, huge, NaN.
    @Test func bulkConversionsMatchScalarOnes() {
        let g = RandomGenerator(seed: 7)
        let n = 100_003
        let floats = (0..<n).map { i -> Float in
            let bits = UInt32(truncatingIfNeeded: g.integer(below: Int(UInt32.max)))
            switch i % 4 {
            case 0: return Float(bitPattern: bits)                                  // anything
            case 1: return Float(bitPattern: (bits & 0x807f_ffff) | 0x3800_0000)    // around half's subnormals
            case 2: return Float(bitPattern: (bits & 0x80ff_ffff) | 0x4700_0000)    // around half's overflow
            default: return Float(bitPattern: (bits & 0x800f_ffff) | 0x3f80_0000)   // in [1, 2)
            }
        }
        let t = Tensor(scalars: floats)
        let halves = t.cast(to: .float16).toArray(as: Half.self)
        let brains = t.cast(to: .bfloat16).toArray(as: BFloat16.self)
        for i in 0..<n where !floats[i].isNaN {
            #expect(halves[i].bitPattern == Half(floats[i]).bitPattern, "\(floats[i])")
            #expect(brains[i].bitPattern == BFloat16(floats[i]).bitPattern, "\(floats[i])")
        }
        let back = t.cast(to: .float16).cast(to: .float32).toArray(as: Float.self)
        for i in 0..<n where !floats[i].isNaN { #expect(back[i] == halves[i].floatValue) }
    }

    @Test func safetensorsKeepEveryDTypeWhenAsked() throws {
        let tensors: [(name: String, tensor: Tensor)] = DType.allCases.map { dtype in
            (dtype.description, Tensor(shape: [2, 2], values: [1, 0, 3, 250], dtype: dtype))
        }
        let bytes = Safetensors.encode(tensors)
        let native = try Safetensors.decode(bytes, preservingDTypes: true)
        for (name, tensor) in tensors {
            let read = try #require(native[name])
            #expect(read.dtype == tensor.dtype && read == tensor, "\(name)")
        }
        let widened = try Safetensors.decode(bytes)
        #expect(widened["float16"]!.dtype == .float32 && widened["bfloat16"]!.dtype == .float32)
        #expect(widened["uint8"]!.dtype == .int64 && widened["int8"]!.toArray(as: Int64.self) == [1, 0, 3, -6])
        #expect(widened["float64"]!.dtype == .float64 && widened["bool"]!.dtype == .bool)
    }

    /// A file of float16 and bfloat16 tensors written by PyTorch reads without widening, bit for
    /// bit, and Apus writes it back byte for byte.
    @Test func torchHalfFileKeepsItsDTypes() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/torch_half.safetensors").path
        let widened = try Safetensors.read(path)
        let native = try Safetensors.read(path, preservingDTypes: true)
        #expect(native.tensors.contains { $0.tensor.dtype == .float16 } && native.tensors.contains { $0.tensor.dtype == .bfloat16 })
        for (name, tensor) in native.tensors {
            #expect(tensor.cast(to: .float32).toArray(as: Float.self) == widened[name]!.toArray(as: Float.self), "\(name)")
        }
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Safetensors.encode(native.tensors, metadata: native.metadata) == original)
    }

    @Test func integerArithmeticWrapsAndKeepsTheDType() {
        let x = Tensor(scalars: [Int8(127), -128])
        #expect((x + 1).toArray(as: Int8.self) == [-128, -127])
        #expect((x * 2).dtype == .int8)
        let u = Tensor(scalars: [UInt8(250)])
        #expect((u + 10).toArray(as: UInt8.self) == [4])
        #expect((Tensor(scalars: [Int64.max]) + 1).toArray(as: Int64.self) == [.min])
        #expect((u + Tensor(scalars: [Int8(-1)])).dtype == .int16)
    }
}
