// The op table, in the spirit of PyTorch's OpInfo: one entry per op says how Apus is called; the
// cases (inputs, arguments, PyTorch's outputs and gradients) come from the fixtures. The same rows
// drive the comparison with PyTorch (OpInfoTests) and gradcheck (the `opInfoFamily` of the
// gradcheck table), with contiguous and non-contiguous inputs.
//
// To add an op: a `build` case in Scripts/opinfo/<family>.py (then run
// `python3 Scripts/make_op_fixtures.py <family>`), and an entry in OpInfo+<Family>.swift.

@testable import Apus

/// A case's non-tensor arguments, read by the names the fixture script gave them.
struct OpArgs: Sendable {
    let values: [String: OpFixtureValue]

    func has(_ key: String) -> Bool { values[key] != nil && values[key] != .null }

    func int(_ key: String) -> Int {
        if case .double(let d)? = values[key], let i = Int(exactly: d) { return i }
        guard case .int(let i)? = values[key] else { fatalError("argument \(key) is not an integer: \(String(describing: values[key]))") }
        return i
    }
    func int(_ key: String, default d: Int) -> Int { has(key) ? int(key) : d }
    func optionalInt(_ key: String) -> Int? { has(key) ? int(key) : nil }

    func double(_ key: String) -> Double {
        guard let d = values[key]?.double else { fatalError("argument \(key) is not a number: \(String(describing: values[key]))") }
        return d
    }
    func double(_ key: String, default d: Double) -> Double { has(key) ? double(key) : d }
    func optionalDouble(_ key: String) -> Double? { has(key) ? double(key) : nil }

    func bool(_ key: String) -> Bool {
        guard case .bool(let b)? = values[key] else { fatalError("argument \(key) is not a boolean: \(String(describing: values[key]))") }
        return b
    }
    func bool(_ key: String, default d: Bool) -> Bool { has(key) ? bool(key) : d }

    func string(_ key: String) -> String {
        guard case .string(let s)? = values[key] else { fatalError("argument \(key) is not a string: \(String(describing: values[key]))") }
        return s
    }
    func string(_ key: String, default d: String) -> String { has(key) ? string(key) : d }

    /// A list of integers; a single integer is a list of one.
    func ints(_ key: String) -> [Int] {
        switch values[key] {
        case .int(let i)?: return [i]
        case .array(let a)?: return a.map { v in guard case .int(let i) = v else { fatalError("argument \(key): \(a) is not a list of integers") }; return i }
        default: fatalError("argument \(key) is not a list of integers: \(String(describing: values[key]))")
        }
    }
    func optionalInts(_ key: String) -> [Int]? { has(key) ? ints(key) : nil }

    func doubles(_ key: String) -> [Double] {
        switch values[key] {
        case .array(let a)?: return a.map { v in guard let d = v.double else { fatalError("argument \(key): \(a) is not a list of numbers") }; return d }
        case let v?: if let d = v.double { return [d] }
        default: break
        }
        fatalError("argument \(key) is not a list of numbers: \(String(describing: values[key]))")
    }
}

/// How Apus computes one op of the table.
struct OpInfo: Sendable {
    /// The fixture cases' `op`.
    let name: String
    /// Whether the op has gradients (its cases are gradchecked where the fixture asks for it).
    let differentiable: Bool
    /// `inputs` are the fixture's tensors (nil where PyTorch took None), in order; the result is
    /// every output PyTorch returned, in order.
    let call: @Sendable (_ inputs: [Tensor?], _ args: OpArgs) -> [Tensor]

    init(_ name: String, differentiable: Bool = true, _ call: @escaping @Sendable (_ inputs: [Tensor?], _ args: OpArgs) -> [Tensor]) {
        self.name = name
        self.differentiable = differentiable
        self.call = call
    }

    /// An op of one tensor and a single output.
    static func unary(_ name: String, differentiable: Bool = true, _ f: @escaping @Sendable (Tensor) -> Tensor) -> OpInfo {
        OpInfo(name, differentiable: differentiable) { x, _ in [f(x[0]!)] }
    }

    /// An op of two tensors and a single output.
    static func binary(_ name: String, differentiable: Bool = true, _ f: @escaping @Sendable (Tensor, Tensor) -> Tensor) -> OpInfo {
        OpInfo(name, differentiable: differentiable) { x, _ in [f(x[0]!, x[1]!)] }
    }
}

enum OpInfoTable {
    /// Every entry, one list per family file.
    static let all: [OpInfo] = [
        elementwise,
        dtypes,
        shape,
        zeroSize,
        layers,
        decompositions,
        products,
        selection,
        spatial,
        reductions,
        conv3d,
        pool,
        losses,
        segmentation,
    ].flatMap { $0 }

    static let byName: [String: OpInfo] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
}
