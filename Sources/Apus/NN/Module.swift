/// The base class of layers and models, as `torch.nn.Module`.
///
/// A subclass declares its parameters (`Parameter`), buffers (`Buffer`) and sub-modules
/// (`Module`, or arrays of them) as stored properties and overrides ``forward(_:)``; users call
/// the module, `model(x)`. Parameters are found by reflection and named with PyTorch's dotted
/// paths (`layers.0.weight`), so no list of parameters is written by hand.
open class Module {
    /// Whether the module is in training mode (dropout active, batch statistics) or evaluation mode.
    public private(set) var training = true
    /// Whether ``freeze()`` froze this module: its parameters take no gradients and layers with
    /// running statistics (``BatchNorm``) keep them, normalising as in evaluation mode even while
    /// the model trains. See ``freeze()``.
    public internal(set) var isFrozen = false

    /// Creates a module in training mode; a subclass initialises its parameters and sub-modules, then calls this.
    public init() {}

    /// The computation of this module; subclasses override it (PyTorch's `forward`).
    open func forward(_ input: Tensor) -> Tensor {
        fatalError("\(type(of: self)) does not override forward(_:)")
    }

    /// Runs ``forward(_:)``: `model(x)`. Calls go through here, not straight to `forward`, so
    /// that tools such as ``summary(of:inputShape:dtype:)`` can observe every layer's input and output.
    public final func callAsFunction(_ input: Tensor) -> Tensor {
        guard let tracer = ModuleTracer.current else { return forward(input) }
        return tracer.record(self, input) { forward(input) }
    }

    /// Direct sub-modules with their names, found by reflection over stored properties.
    open var namedChildren: [(name: String, module: Module)] {
        reflectedMembers().compactMap { name, value in (value as? Module).map { (name, $0) } }
    }

    /// Parameters held directly by this module (not by its children), with their names.
    open var namedOwnParameters: [(name: String, parameter: Parameter)] {
        reflectedMembers().compactMap { name, value in (value as? Parameter).map { (name, $0) } }
    }

    /// Buffers held directly by this module (not by its children), with their names.
    open var namedOwnBuffers: [(name: String, buffer: Buffer)] {
        reflectedMembers().compactMap { name, value in (value as? Buffer).map { (name, $0) } }
    }

    /// Stored properties of this object and its superclasses, arrays flattened to `name.i`.
    ///
    /// A superclass's properties come before the subclass's, in declaration order.
    private func reflectedMembers() -> [(String, Any)] {
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror {
            mirrors.append(m)
            mirror = m.superclassMirror
        }
        var members: [(String, Any)] = []
        for m in mirrors.reversed() {
            for child in m.children {
                guard let label = child.label else { continue }
                let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
                members.append(contentsOf: Self.flatten(child.value, name: name))
            }
        }
        return members
    }

    private static func flatten(_ value: Any, name: String) -> [(String, Any)] {
        if value is Module || value is Parameter || value is Buffer { return [(name, value)] }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { flatten($0.value, name: name) } ?? []
        case .collection:
            return mirror.children.enumerated().flatMap { flatten($0.element.value, name: "\(name).\($0.offset)") }
        default:
            return []
        }
    }

    /// All parameters of this module and its descendants, with dotted names, in declaration order.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        collectOwned(\.namedOwnParameters).map { (name: $0.0, parameter: $0.1) }
    }

    /// All buffers of this module and its descendants, with dotted names, in declaration order.
    public func namedBuffers() -> [(name: String, buffer: Buffer)] {
        collectOwned(\.namedOwnBuffers).map { (name: $0.0, buffer: $0.1) }
    }

    /// What `own` lists for this module and every descendant, prefixed with the module's dotted
    /// path; an object reached twice (a shared layer) is listed once, under its first name.
    private func collectOwned<T: AnyObject>(_ own: (Module) -> [(String, T)]) -> [(String, T)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(String, T)] = []
        func visit(_ module: Module, prefix: String) {
            for (name, object) in own(module) where seen.insert(ObjectIdentifier(object)).inserted {
                result.append((prefix + name, object))
            }
            for (name, child) in module.namedChildren { visit(child, prefix: prefix + name + ".") }
        }
        visit(self, prefix: "")
        return result
    }

    /// This module and all its descendants with dotted names (the root's name is empty), each
    /// once, parents before children, as PyTorch's `named_modules()`.
    public func namedModules() -> [(name: String, module: Module)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(String, Module)] = []
        func visit(_ module: Module, name: String) {
            guard seen.insert(ObjectIdentifier(module)).inserted else { return }
            result.append((name, module))
            for (child, m) in module.namedChildren { visit(m, name: name.isEmpty ? child : name + "." + child) }
        }
        visit(self, name: "")
        return result
    }

    /// All parameters (each once, even when shared).
    public func parameters() -> [Parameter] { namedParameters().map(\.parameter) }

    /// Total number of scalar parameters.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Switches this module and its descendants to training (`true`) or evaluation mode.
    public func train(_ on: Bool = true) {
        training = on
        for (_, child) in namedChildren { child.train(on) }
    }

    /// Switches to evaluation mode.
    public func eval() { train(false) }

    /// Clears the gradients of all parameters.
    public func zeroGrad() { for p in parameters() { p.zeroGrad() } }
}
