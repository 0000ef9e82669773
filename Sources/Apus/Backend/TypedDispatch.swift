/// A kernel written once for any element type; ``DType/dispatch(_:)`` runs it for a run-time dtype.
protocol TypedKernel {
    associatedtype Result
    func run<T: TensorScalar>(_ type: T.Type) -> Result
}

/// A kernel that needs arithmetic on its elements (the integer types and float32/float64).
protocol NumericKernel {
    associatedtype Result
    func run<T: NumericScalar>(_ type: T.Type) -> Result
}

/// A kernel for the integer types only.
protocol IntegerKernel {
    associatedtype Result
    func run<T: IntegerScalar>(_ type: T.Type) -> Result
}

extension DType {
    /// Runs `kernel` for an integer dtype; stops with a message naming `op` for the others.
    func dispatch<K: IntegerKernel>(_ kernel: K, op: String) -> K.Result {
        switch self {
        case .uint8: kernel.run(UInt8.self)
        case .int8: kernel.run(Int8.self)
        case .int16: kernel.run(Int16.self)
        case .int32: kernel.run(Int32.self)
        case .int64: kernel.run(Int64.self)
        default: fatalError("\(op): expected an integer tensor, got \(self)")
        }
    }

    /// Runs `kernel` specialised for this dtype's Swift element type.
    func dispatch<K: TypedKernel>(_ kernel: K) -> K.Result {
        switch self {
        case .bool: kernel.run(Bool.self)
        case .uint8: kernel.run(UInt8.self)
        case .int8: kernel.run(Int8.self)
        case .int16: kernel.run(Int16.self)
        case .int32: kernel.run(Int32.self)
        case .int64: kernel.run(Int64.self)
        case .float16: kernel.run(Half.self)
        case .bfloat16: kernel.run(BFloat16.self)
        case .float32: kernel.run(Float.self)
        case .float64: kernel.run(Double.self)
        }
    }

    /// Runs `kernel` for a dtype with arithmetic; stops with a message naming `op` for bool and
    /// for the 16-bit floating-point types (which ops compute in float32).
    func dispatch<K: NumericKernel>(_ kernel: K, op: String) -> K.Result {
        switch self {
        case .uint8: kernel.run(UInt8.self)
        case .int8: kernel.run(Int8.self)
        case .int16: kernel.run(Int16.self)
        case .int32: kernel.run(Int32.self)
        case .int64: kernel.run(Int64.self)
        case .float32: kernel.run(Float.self)
        case .float64: kernel.run(Double.self)
        case .bool: fatalError("\(op): not defined for bool tensors; cast first")
        case .float16, .bfloat16: fatalError("\(op): \(self) tensors are computed in float32; cast first")
        }
    }
}
