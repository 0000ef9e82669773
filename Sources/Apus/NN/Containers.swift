// Containers that hold sub-modules without running them: `Identity`, `ModuleList`, `ModuleDict`
// (`torch.nn.Identity`, `ModuleList`, `ModuleDict`). Their children are named as PyTorch names
// them (`blocks.0.weight`, `heads.cls.bias`), so state dicts of models written with them match.

/// A placeholder layer that returns its input unchanged, as `torch.nn.Identity`: the layer put
/// where an architecture's option is switched off (`useNorm ? BatchNorm2d(c) : Identity()`), or in
/// place of a classifier head to read a backbone's features. It has no parameters.
public final class Identity: Module {
    /// Creates the layer.
    public override init() {}
    /// `input` itself.
    public override func forward(_ input: Tensor) -> Tensor { input }
}

/// Sub-modules in a list, as `torch.nn.ModuleList`: indexable, iterable and appendable, named
/// `0`, `1`, … in parameter names and state dicts (`layers.0.weight`).
///
/// Unlike ``Sequential`` a list has no forward of its own: the module that owns it decides how its
/// members are called (`for block in blocks { x = block(x) }`, or in any other order). Calling the
/// list itself stops, as in PyTorch.
public final class ModuleList: Module, RandomAccessCollection {
    /// The members in order.
    public private(set) var modules: [Module]

    /// A list of the given modules (empty by default).
    public init(_ modules: [Module] = []) { self.modules = modules }

    /// The index of the first member (0).
    public var startIndex: Int { 0 }
    /// One past the index of the last member (the number of members).
    public var endIndex: Int { modules.count }

    /// The member at `index` (named `"\(index)"`); a negative index counts from the end, as in
    /// Python. Setting it replaces the member.
    public subscript(index: Int) -> Module {
        get { modules[resolved(index)] }
        set { modules[resolved(index)] = newValue }
    }

    private func resolved(_ index: Int) -> Int {
        let i = index < 0 ? index + modules.count : index
        require(i >= 0 && i < modules.count, "ModuleList: index \(index) out of range for \(modules.count) modules")
        return i
    }

    /// Adds `module` at the end (PyTorch's `append`).
    public func append(_ module: Module) { modules.append(module) }

    /// Adds `modules` at the end, in order (PyTorch's `extend`).
    public func extend(_ modules: [Module]) { self.modules.append(contentsOf: modules) }

    /// Inserts `module` before position `index` (`0...count`; negative counts from the end),
    /// renumbering the members after it (PyTorch's `insert`).
    public func insert(_ module: Module, at index: Int) {
        let i = index < 0 ? Swift.max(index + modules.count, 0) : Swift.min(index, modules.count)
        modules.insert(module, at: i)
    }

    /// Removes and returns the member at `index`, renumbering the members after it (PyTorch's `pop`).
    @discardableResult
    public func remove(at index: Int) -> Module { modules.remove(at: resolved(index)) }

    /// The members named `0`, `1`, … .
    public override var namedChildren: [(name: String, module: Module)] {
        modules.enumerated().map { (String($0.offset), $0.element) }
    }

    /// Stops: a list has no forward of its own; call its members.
    public override func forward(_ input: Tensor) -> Tensor {
        fatalError("ModuleList has no forward: call its members (for module in list { x = module(x) })")
    }
}

/// Sub-modules under string keys in insertion order, as `torch.nn.ModuleDict`: the keys are the
/// names in parameter names and state dicts (`heads.cls.weight`).
///
/// Keys must be non-empty and contain no `.` (they become parts of dotted names). Assigning to an
/// existing key replaces the module in its place; a new key goes to the end. Like ``ModuleList``
/// it has no forward of its own.
public final class ModuleDict: Module, Sequence {
    /// The entries in insertion order.
    public private(set) var items: [(key: String, module: Module)] = []

    /// A dictionary of the given entries, in order (a key given twice keeps its first place and its last module).
    public init(_ entries: KeyValuePairs<String, Module> = [:]) {
        super.init()
        for (key, module) in entries { self[key] = module }
    }

    /// A dictionary of the given entries, in order.
    public init(_ entries: [(String, Module)]) {
        super.init()
        for (key, module) in entries { self[key] = module }
    }

    /// The keys in insertion order.
    public var keys: [String] { items.map(\.key) }
    /// The modules in insertion order.
    public var values: [Module] { items.map(\.module) }
    /// The number of entries.
    public var count: Int { items.count }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool { items.contains { $0.key == key } }

    /// The module under `key` (nil when absent). Setting a module adds or replaces the entry;
    /// setting nil removes it.
    public subscript(key: String) -> Module? {
        get { items.first { $0.key == key }?.module }
        set {
            if let i = items.firstIndex(where: { $0.key == key }) {
                if let newValue { items[i].module = newValue } else { items.remove(at: i) }
            } else if let newValue {
                require(!key.isEmpty, "ModuleDict: a key must not be empty")
                require(!key.contains("."), "ModuleDict: key \"\(key)\" must not contain \".\"")
                items.append((key, newValue))
            }
        }
    }

    /// Removes and returns the module under `key` (PyTorch's `pop`); stops when it is absent.
    @discardableResult
    public func remove(_ key: String) -> Module {
        require(contains(key), "ModuleDict: no module under key \"\(key)\"")
        let module = self[key]!
        self[key] = nil
        return module
    }

    /// Iterates over `(key, module)` in insertion order.
    public func makeIterator() -> IndexingIterator<[(key: String, module: Module)]> { items.makeIterator() }

    /// The entries, named by their keys.
    public override var namedChildren: [(name: String, module: Module)] {
        items.map { (name: $0.key, module: $0.module) }
    }

    /// Stops: a dictionary has no forward of its own; call its members.
    public override func forward(_ input: Tensor) -> Tensor {
        fatalError("ModuleDict has no forward: call its members (dict[\"name\"]!(x))")
    }
}
