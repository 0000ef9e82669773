/// A kernel written once for any element type; ``DType/dispatch(_:)`` runs it for a run-time dtype.
protocol TypedKernel {
    associatedtype Result
    func run<T: TensorScalar>(_ type: T.Type) -> Result
}

/// A kernel that needs arithmetic on its elements (every dtype but bool).
protocol NumericKernel {
    associatedtype Result
    func run<T: NumericScalar>(_ type: T.Type) -> Result
}

extension DType {
    /// Runs `kernel` specialised for this dtype's Swift element type.
    func dispatch<K: TypedKernel>(_ kernel: K) -> K.Result {
        switch self {
        case .bool: kernel.run(Bool.self)
        case .int64: kernel.run(Int64.self)
        case .float32: kernel.run(Float.self)
        case .float64: kernel.run(Double.self)
        }
    }

    /// Runs `kernel` for a numeric dtype; stops with a message naming `op` for bool.
    func dispatch<K: NumericKernel>(_ kernel: K, op: String) -> K.Result {
        switch self {
        case .int64: kernel.run(Int64.self)
        case .float32: kernel.run(Float.self)
        case .float64: kernel.run(Double.self)
        case .bool: fatalError("\(op): not defined for bool tensors; cast first")
        }
    }
}
