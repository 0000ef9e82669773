/// A module's state as named tensors, as PyTorch's `state_dict()` / `load_state_dict()`.
extension Module {
    /// Every parameter and buffer under its dotted name (`layers.0.weight`,
    /// `bn.running_mean`), detached: PyTorch's `state_dict()` keys, so checkpoints match by name.
    ///
    /// Parameters come first, then buffers, each in declaration order.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        namedParameters().map { ($0.name, $0.parameter.value.detached()) }
            + namedBuffers().map { ($0.name, $0.buffer.value) }
    }

    /// Replaces parameter and buffer values with the tensors of `state`, matched by name, and
    /// returns what did not fit.
    ///
    /// Values are converted to each parameter's dtype.
    ///
    /// - With `strict` (the default) every name of ``stateDict()`` must be present with its shape
    ///   and no other name may be; otherwise nothing is changed and ``ApusError/stateMismatch(_:)``
    ///   lists every missing, unexpected and mis-shaped name in one error.
    /// - Without `strict`, every tensor whose name and shape fit is loaded and the rest is skipped:
    ///   the returned ``StateMismatch`` lists the names left at their old values (`missing`), the
    ///   names the module does not have (`unexpected`) and the tensors skipped for their shape
    ///   (`wrongShape`: a classifier head with another number of classes). PyTorch's
    ///   `load_state_dict(strict=False)` still fails on shapes; Apus skips them so that a backbone
    ///   loads into a model with a new head in one call.
    @discardableResult
    public func loadStateDict(_ state: [String: Tensor], strict: Bool = true) throws -> StateMismatch {
        let parameters = namedParameters(), buffers = namedBuffers()
        var known: [String: [Int]] = [:]
        for (name, p) in parameters { known[name] = p.shape }
        for (name, b) in buffers { known[name] = b.shape }
        let missing = (parameters.map(\.name) + buffers.map(\.name)).filter { state[$0] == nil }
        let unexpected = state.keys.filter { known[$0] == nil }.sorted()
        let wrongShape = state.compactMap { name, tensor -> StateMismatch.WrongShape? in
            guard let expected = known[name], expected != tensor.shape else { return nil }
            return .init(name: name, expected: expected, found: tensor.shape)
        }.sorted { $0.name < $1.name }
        let mismatch = StateMismatch(missing: missing, unexpected: unexpected, wrongShape: wrongShape)
        if strict && !mismatch.isEmpty { throw ApusError.stateMismatch(mismatch) }
        for (name, p) in parameters {
            if let t = state[name], t.shape == p.shape { p.assign(t) }
        }
        for (name, b) in buffers {
            if let t = state[name], t.shape == b.shape { b.value = t.cast(to: b.value.dtype).contiguous() }
        }
        return mismatch
    }
}

/// What does not fit when a saved state is loaded into a model or optimizer.
///
/// ``Module/loadStateDict(_:strict:)`` and ``Module/loadWeights(from:strict:)`` throw it (strict)
/// or return it as the report of what was skipped (non-strict).
public struct StateMismatch: Sendable, Equatable, CustomStringConvertible {
    /// A tensor whose shape differs from the model's.
    public struct WrongShape: Sendable, Equatable {
        /// The tensor's name.
        public let name: String
        /// The shape in the model.
        public let expected: [Int]
        /// The shape in the saved state.
        public let found: [Int]

        /// Records that `name` has shape `found` in the saved state where the model has `expected`.
        public init(name: String, expected: [Int], found: [Int]) {
            self.name = name
            self.expected = expected
            self.found = found
        }
    }
    /// Names the model needs that the state lacks.
    public let missing: [String]
    /// Names in the state that the model does not have.
    public let unexpected: [String]
    /// Names present on both sides with different shapes.
    public let wrongShape: [WrongShape]

    /// Collects the differences between a model and a saved state (all empty: they match).
    public init(missing: [String] = [], unexpected: [String] = [], wrongShape: [WrongShape] = []) {
        self.missing = missing
        self.unexpected = unexpected
        self.wrongShape = wrongShape
    }

    /// Whether the state matches the model exactly: nothing missing, nothing unexpected, every shape equal.
    public var isEmpty: Bool { missing.isEmpty && unexpected.isEmpty && wrongShape.isEmpty }

    /// The differences in one line, as `missing: fc.bias; wrong shape: fc.weight (expected [10, 512], found [1000, 512])`.
    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing: \(missing.joined(separator: ", "))") }
        if !unexpected.isEmpty { parts.append("unexpected: \(unexpected.joined(separator: ", "))") }
        if !wrongShape.isEmpty {
            parts.append("wrong shape: " + wrongShape.map { "\($0.name) (expected \($0.expected), found \($0.found))" }
                .joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
}
