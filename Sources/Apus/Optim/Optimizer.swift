/// Updates parameters from their gradients: `optimizer.step()` after `loss.backward()`.
///
/// An optimizer holds one or more parameter groups (PyTorch's `param_groups`), each with its own
/// options; ``learningRates`` has one entry per group, in order, and is what schedulers scale.
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates, group after group.
    var parameters: [Parameter] { get }
    /// The learning rate of each parameter group, in group order. Setting it changes every
    /// group's learning rate (the count must stay the same).
    var learningRates: [Double] { get set }
    /// Learning rate. Get: the first group's; set: every group's.
    var lr: Double { get set }
    /// Applies one update from the current gradients. Parameters without a gradient are skipped
    /// and their state is left unchanged.
    func step()
    /// The optimizer's state as named tensors, keyed as PyTorch's `state_dict()` flattened:
    /// `state.<i>.<name>` for the `i`-th parameter's state (`state.0.exp_avg`,
    /// `state.0.momentum_buffer`, `state.0.step`; `i` counts parameters across all groups), and
    /// `param_groups.<g>.lr` for each group's learning rate, the option that changes in training.
    func stateDict() -> [(name: String, tensor: Tensor)]
    /// Restores a state saved by ``stateDict()`` from an optimizer built on the same parameters
    /// and groups. Throws ``ApusError/stateMismatch(_:)`` listing every unexpected, missing and
    /// mis-shaped key; nothing changes then.
    func loadStateDict(_ state: [String: Tensor]) throws
}

extension Optimizer {
    public var lr: Double {
        get { learningRates[0] }
        set { learningRates = Array(repeating: newValue, count: learningRates.count) }
    }

    /// Clears the gradients of all parameters.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// The options every optimizer has; each optimizer's `Options` struct adds its own.
public protocol OptimizerOptions: Sendable {
    /// Learning rate.
    var lr: Double { get set }
    /// Weight decay λ (L2 penalty, or decoupled decay for ``AdamW``).
    var weightDecay: Double { get set }
    /// Stops with a message naming `optimizer` and the bad value when an option is out of range.
    func validate(optimizer: String)
}

/// Some parameters with their own options, as an entry of PyTorch's list of `param_groups`
/// dictionaries: options not set here take the optimizer's defaults.
///
///     let opt = SGD([
///         ParameterGroup(trunk.parameters(), lr: 0.1),
///         ParameterGroup(head.parameters()) { $0.momentum = 0.5 },
///     ], lr: 0.01, momentum: 0.9)
///     // trunk: lr 0.1, momentum 0.9; head: lr 0.01, momentum 0.5
public struct ParameterGroup<Options: OptimizerOptions> {
    /// The parameters of this group.
    public var parameters: [Parameter]
    /// Changes this group's options from the optimizer's defaults.
    public var configure: (inout Options) -> Void

    /// A group of `parameters` whose `lr` and `weightDecay`, when given, replace the optimizer's
    /// defaults; `configure` may change any other option.
    public init(_ parameters: [Parameter], lr: Double? = nil, weightDecay: Double? = nil,
                configure: @escaping (inout Options) -> Void = { _ in }) {
        self.parameters = parameters
        self.configure = { options in
            if let lr { options.lr = lr }
            if let weightDecay { options.weightDecay = weightDecay }
            configure(&options)
        }
    }
}

/// A parameter group as an optimizer holds it: its parameters and their resolved options.
public struct OptimizerGroup<Options: OptimizerOptions> {
    /// The parameters of this group.
    public let parameters: [Parameter]
    /// This group's options (the optimizer's defaults with the group's changes).
    public internal(set) var options: Options
}

/// Per-parameter optimizer state that converts to and from PyTorch's state names.
protocol OptimizerParameterState {
    associatedtype Options: OptimizerOptions
    /// The names of the state a parameter in a group with `options` has once updated, in
    /// PyTorch's order (`step` is a 0-d count, the others have the parameter's shape).
    static func names(for options: Options) -> [String]
    /// The state's tensors, named as ``names(for:)``.
    var namedTensors: [(name: String, tensor: Tensor)] { get }
    /// State from saved tensors, one per name of ``names(for:)``, in `parameter`'s dtype.
    init(saved: [String: Tensor], parameter: Parameter, options: Options)
}

/// What every optimizer has: its groups, the flattened parameter list, and per-parameter state,
/// with the state-dict conversions and the loop over parameters that have a gradient.
struct OptimizerCore<State: OptimizerParameterState> {
    typealias Options = State.Options
    /// The optimizer's name, for messages.
    let name: String
    var groups: [OptimizerGroup<Options>]
    /// All parameters, group after group (the index `i` of `state.<i>.…`).
    let parameters: [Parameter]
    var state: [ObjectIdentifier: State] = [:]

    init(_ name: String, groups: [ParameterGroup<Options>], defaults: Options) {
        self.name = name
        defaults.validate(optimizer: name)
        require(!groups.isEmpty, "\(name): got no parameter groups")
        self.groups = groups.enumerated().map { g, group in
            var options = defaults
            group.configure(&options)
            options.validate(optimizer: groups.count == 1 ? name : "\(name) (parameter group \(g))")
            return OptimizerGroup(parameters: group.parameters, options: options)
        }
        parameters = groups.flatMap(\.parameters)
        require(!parameters.isEmpty, "\(name): got an empty parameter list")
        require(Set(parameters.map(ObjectIdentifier.init)).count == parameters.count,
                "\(name): some parameters appear more than once (in one group or in several)")
    }

    var learningRates: [Double] {
        get { groups.map(\.options.lr) }
        set {
            require(newValue.count == groups.count,
                    "\(name): got \(newValue.count) learning rates for \(groups.count) parameter groups")
            for (g, lr) in newValue.enumerated() {
                require(lr >= 0 && lr.isFinite, "\(name): lr must be a finite non-negative number, got \(lr)")
                groups[g].options.lr = lr
            }
        }
    }

    /// Calls `body` for every parameter that has a gradient, with its group's options and its
    /// state (`nil` before its first update), which `body` updates. The state is taken out of
    /// the table during the call so that its tensors are uniquely referenced (updated in place).
    mutating func update(_ body: (_ parameter: Parameter, _ grad: Tensor, _ options: Options,
                                  _ state: inout State?) -> Void) {
        for group in groups {
            for p in group.parameters {
                guard let grad = p.grad else { continue }
                let key = ObjectIdentifier(p)
                var s = state.removeValue(forKey: key)
                body(p, grad, group.options, &s)
                state[key] = s
            }
        }
    }

    /// The options of each parameter, in ``parameters`` order.
    private var parameterOptions: [Options] {
        groups.flatMap { g in Array(repeating: g.options, count: g.parameters.count) }
    }

    func stateDict() -> [(name: String, tensor: Tensor)] {
        var result = groups.indices.map { g in
            (name: "param_groups.\(g).lr", tensor: OptimizerState.scalar(groups[g].options.lr))
        }
        for (i, p) in parameters.enumerated() {
            guard let s = state[ObjectIdentifier(p)] else { continue }
            result += s.namedTensors.map { (name: "state.\(i).\($0.name)", tensor: $0.tensor) }
        }
        return result
    }

    /// Checks every key of `saved` (each group's `lr`; for each parameter, either all of its
    /// state or none), then replaces the state and learning rates; throws listing every
    /// unexpected, missing and mis-shaped key, and changes nothing then.
    mutating func loadStateDict(_ saved: [String: Tensor]) throws {
        let options = parameterOptions
        var missing: [String] = [], unexpected: [String] = [], wrongShape: [StateMismatch.WrongShape] = []
        let groupKeys = groups.indices.map { "param_groups.\($0).lr" }
        missing += groupKeys.filter { saved[$0] == nil }
        var byParameter: [Int: [String: Tensor]] = [:]
        for (key, tensor) in saved {
            if groupKeys.contains(key) {
                if tensor.count != 1 { wrongShape.append(.init(name: key, expected: [], found: tensor.shape)) }
                continue
            }
            let parts = key.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "state", let i = Int(parts[1]), parameters.indices.contains(i),
                  State.names(for: options[i]).contains(String(parts[2])) else {
                unexpected.append(key)
                continue
            }
            let expected = parts[2] == "step" ? [] : parameters[i].shape
            if tensor.shape != expected && !(parts[2] == "step" && tensor.count == 1) {
                wrongShape.append(.init(name: key, expected: expected, found: tensor.shape))
            }
            byParameter[i, default: [:]][String(parts[2])] = tensor
        }
        for (i, tensors) in byParameter {
            missing += State.names(for: options[i]).filter { tensors[$0] == nil }.map { "state.\(i).\($0)" }
        }
        let mismatch = StateMismatch(missing: missing.sorted(), unexpected: unexpected.sorted(),
                                     wrongShape: wrongShape.sorted { $0.name < $1.name })
        if !mismatch.isEmpty { throw ApusError.stateMismatch(mismatch) }
        let lrs = groupKeys.map { saved[$0]!.cast(to: .float64).item() as Double }
        if let bad = lrs.first(where: { !($0 >= 0 && $0.isFinite) }) {
            throw ApusError.invalidArgument("\(name).loadStateDict: saved lr must be a finite non-negative number, got \(bad)")
        }
        var restored: [ObjectIdentifier: State] = [:]
        for (i, tensors) in byParameter {
            restored[ObjectIdentifier(parameters[i])] = State(saved: tensors, parameter: parameters[i], options: options[i])
        }
        state = restored
        for g in groups.indices { groups[g].options.lr = lrs[g] }
    }
}

/// Helpers for optimizers' ``Optimizer/stateDict()`` and ``Optimizer/loadStateDict(_:)``.
enum OptimizerState {
    /// A 0-d float64 tensor holding `value` (step counts and hyper-parameters in a state dict).
    static func scalar(_ value: Double) -> Tensor { Tensor(shape: [], values: [value], dtype: .float64) }

    /// A saved step count as an `Int`.
    static func step(_ t: Tensor) -> Int { Int((t.cast(to: .float64).toDoubles()[0]).rounded()) }

    /// A saved tensor as state for `parameter`: its dtype and shape, contiguous.
    static func like(_ t: Tensor, _ parameter: Parameter) -> Tensor {
        t.detached().cast(to: parameter.value.dtype).contiguous()
    }
}
