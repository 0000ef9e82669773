import Foundation

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// Elements shown per dimension at each end of a summarised tensor (as PyTorch's edgeitems).
    static let edgeItems = 3
    /// Tensors with more elements than this print summarised with `...`.
    static let summaryThreshold = 1000

    /// PyTorch-style text: `tensor([[1.0000, 2.0000], ...])`, summarised when large.
    public var description: String {
        let values = noGrad { detached().contiguous().toDoubles() }
        let summarise = count > Tensor.summaryThreshold
        let format = ElementFormat(values: values, dtype: dtype)
        // Integer elements print from their exact values: a double holds int64 only up to 2^53.
        let integers = dtype.isIntegral ? noGrad { detached().contiguous().toArray(as: Int64.self) } : []
        let element: (Int) -> String = dtype.isIntegral ? { String(integers[$0]) } : { format.string(values[$0]) }
        let body = rank == 0 ? element(0) : render(element, summarise: summarise, indent: 7)
        var extras: [String] = []
        if dtype != .float32 && dtype != .int64 && dtype != .bool { extras.append("dtype: \(dtype)") }
        if summarise || count == 0 { extras.append("shape: \(shape)") }
        if let op = gradFunctionName { extras.append("grad: \(op)") } else if requiresGrad { extras.append("requiresGrad: true") }
        return "tensor(" + body + extras.map { ", " + $0 }.joined() + ")"
    }

    /// The same text as ``description``: what the debugger and `debugPrint` show.
    public var debugDescription: String { description }

    private func render(_ element: (Int) -> String, summarise: Bool, indent: Int) -> String {
        func block(_ dim: Int, _ base: Int, _ indent: Int) -> String {
            let n = shape[dim]
            let stride = shape[(dim + 1)...].reduce(1, *)
            var idx = Array(0..<n)
            let cut = summarise && n > 2 * Tensor.edgeItems
            if cut { idx = Array(0..<Tensor.edgeItems) + Array((n - Tensor.edgeItems)..<n) }
            var parts: [String] = []
            for (j, i) in idx.enumerated() {
                if cut && j == Tensor.edgeItems { parts.append("...") }
                if dim == rank - 1 {
                    parts.append(element(base + i))
                } else {
                    parts.append(block(dim + 1, base + i * stride, indent + 1))
                }
            }
            if dim == rank - 1 { return "[" + parts.joined(separator: ", ") + "]" }
            let sep = ",\n" + String(repeating: "\n", count: rank - dim - 2) + String(repeating: " ", count: indent + 1)
            return "[" + parts.joined(separator: sep) + "]"
        }
        return block(0, 0, indent)
    }
}

/// Chooses one number format for all elements with PyTorch's rules: integral reals as `1.`,
/// others with 4 decimals, and scientific notation (`1.0000e-05`) when the nonzero finite
/// magnitudes span more than a factor 1000, exceed 1e8 or go below 1e-4.
private struct ElementFormat {
    let dtype: DType
    let scientific: Bool
    let integral: Bool

    init(values: [Double], dtype: DType) {
        self.dtype = dtype
        let magnitudes = values.filter { $0.isFinite && $0 != 0 }.map { Swift.abs($0) }
        integral = dtype.isFloatingPoint && magnitudes.allSatisfy { $0.rounded() == $0 }
        if dtype.isFloatingPoint, let lo = magnitudes.min(), let hi = magnitudes.max() {
            scientific = hi / lo > 1000 || hi > 1e8 || lo < 1e-4
        } else {
            scientific = false
        }
    }

    func string(_ v: Double) -> String {
        switch dtype {
        case .bool: return v != 0 ? "true" : "false"
        case .uint8, .int8, .int16, .int32, .int64: return String(Int64(fromDouble: v))
        default:
            if v.isNaN { return "nan" }
            if v.isInfinite { return v > 0 ? "inf" : "-inf" }
            if scientific { return String(format: "%.4e", v) }
            return integral ? String(format: "%.0f.", v) : String(format: "%.4f", v)
        }
    }
}
