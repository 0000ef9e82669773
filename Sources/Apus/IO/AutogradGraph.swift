import Foundation

/// What one node of a drawn graph stands for.
public enum GraphGrouping: Sendable, Equatable {
    /// One node per op (and per leaf).
    case ops
    /// One node per call of a layer, a module without sub-modules (`features.0: Conv2d`).
    case layers
    /// One node per call of a module `depth` levels down the model (`layer1` at depth 1,
    /// `layer1.0` at depth 2 of a ResNet), and of each layer above that depth.
    case modules(depth: Int)
}

/// How ``graph(of:names:trace:options:)`` draws a graph.
public struct GraphOptions: Sendable {
    /// What a node stands for; anything but `.ops` needs the model and the ``GraphTrace`` of its
    /// forward pass (``graph(of:model:names:trace:options:)``). Parameters stay nodes of their own,
    /// and ops outside the chosen modules (a residual addition, the loss) stay ops.
    public var grouping: GraphGrouping
    /// Tensors with at most this many elements show their values; a larger gradient shows its L2 norm.
    public var valueLimit: Int
    /// Inputs on the left and the output on the right, as the lectures draw it (else top to bottom).
    public var leftToRight: Bool

    /// Options for drawing: by default one node per op, values of tensors up to 10 elements, left to right.
    public init(grouping: GraphGrouping = .ops, valueLimit: Int = 10, leftToRight: Bool = true) {
        require(valueLimit >= 0, "GraphOptions: valueLimit must be non-negative, got \(valueLimit)")
        if case .modules(let depth) = grouping { require(depth >= 1, "GraphOptions: module depth must be at least 1, got \(depth)") }
        (self.grouping, self.valueLimit, self.leftToRight) = (grouping, valueLimit, leftToRight)
    }
}

/// The autograd graph that produced `tensor`, as Graphviz DOT text (render it with
/// ``writeGraph(_:to:)`` or `dot -Tsvg`), laid out like the computational graphs of the lectures:
/// one node per op and per leaf, edges from inputs to the op that used them, left to right.
///
/// Each node shows what made it (the op's name, or the leaf's name from `names`), its shape and
/// dtype, its value in green (`data`, when it has at most ``GraphOptions/valueLimit`` elements
/// and is known) and its gradient in red (`grad`: the values of a small one, the L2 norm of a
/// large one) once `backward()` has run. Leaves show their gradient (`.grad`); intermediate
/// results show theirs when they were recorded by `trace` or marked with ``Tensor/retainGrad()``.
/// Values are known for the output, for the tensors in `names` and for the module outputs `trace` kept.
///
/// `backward()` frees what each op saved for its backward pass, but not the graph's structure (op
/// names, shapes, edges), so the graph can be drawn before or after backward; after, it shows gradients.
///
/// - Parameters:
///   - tensor: the result whose history is drawn, usually the loss.
///   - names: names for leaves (`["w1": w1, "x": x]`) or intermediate results (`["h": h]`).
///   - trace: the recording of the forward pass, for intermediate gradients, module outputs and for
///     grouping ops by module (``GraphOptions/grouping``).
///   - options: grouping (`.ops` only here: grouping by module needs ``graph(of:model:names:trace:options:)``),
///     value limit and direction.
/// - Returns: the graph as Graphviz DOT text.
public func graph(of tensor: Tensor, names: [String: Tensor] = [:], trace: GraphTrace? = nil,
                  options: GraphOptions = GraphOptions()) -> String {
    require(options.grouping == .ops, "graph: grouping ops by module needs the model: graph(of:model:names:trace:options:)")
    return AutogradGraphDrawing(root: tensor, names: names.map { ($0.key, $0.value) }, modules: nil, trace: trace,
                                options: options).dot()
}

/// The autograd graph of `tensor` with `model`'s parameters named as in its state dict
/// (`features.0.weight`); with a ``GraphOptions/grouping`` by module and the `trace` of the forward
/// pass, each layer or module is one node named as in `namedModules()` (`features.0: Conv2d`).
/// See ``graph(of:names:trace:options:)``.
public func graph(of tensor: Tensor, model: Module, names: [String: Tensor] = [:], trace: GraphTrace? = nil,
                  options: GraphOptions = GraphOptions()) -> String {
    require(options.grouping == .ops || trace != nil,
            "graph: grouping ops by module needs the GraphTrace that recorded the forward pass (trace.record { model(x) })")
    let named = model.namedParameters().map { ($0.name, $0.parameter.value) } + names.map { ($0.key, $0.value) }
    return AutogradGraphDrawing(root: tensor, names: named, modules: model.namedModules(), trace: trace, options: options).dot()
}

/// Builds the DOT text: nodes in dependency order, then edges.
struct AutogradGraphDrawing {
    enum Kind { case parameter, leaf, op, layer, output }

    struct Node {
        let id: String
        var kind: Kind
        var title: String
        var shape: [Int]
        var dtype: DType
        var value: Tensor?
        var grad: Tensor?
    }

    let root: Tensor
    let names: [(String, Tensor)]
    let modules: [(name: String, module: Module)]?
    let trace: GraphTrace?
    let options: GraphOptions

    func dot() -> String {
        let (nodes, edges) = build()
        var lines = ["digraph autograd {",
                     "  rankdir=\(options.leftToRight ? "LR" : "TB");",
                     "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, penwidth=1.2];",
                     "  edge [color=\"#555555\", arrowsize=0.7];",
                     "  labelloc=b; fontname=\"Helvetica\"; fontsize=10;",
                     "  label=<<font color=\"#1b7837\">data: forward value</font>   <font color=\"#b2182b\">grad: ∂output/∂node</font>>;"]
        for node in nodes {
            lines.append("  \(node.id) [fillcolor=\"\(fill(node.kind))\"\(node.kind == .output ? ", peripheries=2" : ""), label=<\(label(node))>];")
        }
        for (from, to) in edges { lines.append("  \(from) -> \(to);") }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The nodes to draw and the edges between them (input → op), each once.
    func build() -> ([Node], [(String, String)]) {
        guard let rootNode = root.node else {
            return ([Node(id: "n0", kind: .output, title: "tensor", shape: root.shape, dtype: root.dtype,
                          value: root.detached(), grad: nil)], [])
        }
        let order = Autograd.topologicalOrder(from: rootNode)
        var nameOf: [ObjectIdentifier: String] = [:]
        var valueOf: [ObjectIdentifier: Tensor] = [ObjectIdentifier(rootNode): root.detached()]
        for (name, tensor) in names {
            guard let node = tensor.node else { continue }
            nameOf[ObjectIdentifier(node)] = name
            valueOf[ObjectIdentifier(node)] = tensor.detached()
        }
        // The model's parameters (the root module comes first in `namedModules()`).
        let parameters = Set((modules?.first?.module.parameters() ?? []).compactMap { $0.value.node.map(ObjectIdentifier.init) })
        let layers = collapsedLayers(order)
        var drawn: [Node] = []
        var idOf: [ObjectIdentifier: String] = [:]
        var layerIndex: [Int: Int] = [:]  // call → index in `drawn`
        for (i, node) in order.enumerated() {
            let key = ObjectIdentifier(node)
            let value = valueOf[key] ?? trace?.value(of: node)
            if let call = layers.callOf[key] {
                let id = "m\(call)"
                idOf[key] = id
                guard layerIndex[call] == nil else { continue }
                let info = layers.calls[call]
                let output = info.output
                layerIndex[call] = drawn.count
                drawn.append(Node(id: id, kind: .layer, title: info.title, shape: output?.shape ?? [], dtype: output?.dtype ?? node.dtype,
                                  value: output.flatMap { valueOf[ObjectIdentifier($0)] ?? trace?.value(of: $0) },
                                  grad: output?.grad))
                continue
            }
            let id = "n\(i)"
            idOf[key] = id
            let kind: Kind = node === rootNode ? .output : node.isLeaf ? (parameters.contains(key) ? .parameter : .leaf) : .op
            let title: String
            if node.isLeaf {
                title = nameOf[key] ?? "leaf"
            } else {
                title = nameOf[key].map { "\($0) = \(node.op)" } ?? node.op
            }
            drawn.append(Node(id: id, kind: kind, title: title, shape: node.shape, dtype: node.dtype, value: value, grad: node.grad))
        }
        var edges: [(String, String)] = []
        var seen = Set<String>()
        for node in order {
            guard let to = idOf[ObjectIdentifier(node)] else { continue }
            for case let input? in node.inputs {
                guard let from = idOf[ObjectIdentifier(input)], from != to, seen.insert("\(from)>\(to)").inserted else { continue }
                edges.append((from, to))
            }
        }
        return (drawn, edges)
    }


    /// With a ``GraphOptions/grouping`` by module: each recorded call of a chosen module, and the
    /// call each op node belongs to (the innermost chosen one that recorded it).
    private func collapsedLayers(_ order: [GradNode]) -> (calls: [(title: String, output: GradNode?)], callOf: [ObjectIdentifier: Int]) {
        guard options.grouping != .ops, let trace, let modules else { return ([], [:]) }
        let moduleName = Dictionary(modules.map { (ObjectIdentifier($0.module), $0.name) }, uniquingKeysWith: { a, _ in a })
        func chosen(_ module: Module) -> Bool {
            let isLayer = module.namedChildren.isEmpty
            guard case .modules(let depth) = options.grouping else { return isLayer }
            guard let name = moduleName[ObjectIdentifier(module)], !name.isEmpty else { return false }
            let level = name.split(separator: ".").count
            return level == depth || (isLayer && level < depth)
        }
        var calls: [(title: String, output: GradNode?, nodes: Range<Int>)] = []
        var count: [ObjectIdentifier: Int] = [:]
        for call in trace.modules.calls where chosen(call.module) {
            guard let recorded = call.recorded, !recorded.nodes.isEmpty else { continue }
            let key = ObjectIdentifier(call.module)
            count[key, default: 0] += 1
            let name = moduleName[key] ?? "?"
            let title = "\(name.isEmpty ? "(model)" : name): \(type(of: call.module))" + (count[key]! > 1 ? " #\(count[key]!)" : "")
            calls.append((title, recorded.output, recorded.nodes))
        }
        var callOf: [ObjectIdentifier: Int] = [:]
        for node in order where !node.isLeaf {
            guard let sequence = trace.entries[ObjectIdentifier(node)]?.sequence else { continue }
            let containing = calls.indices.filter { calls[$0].nodes.contains(sequence) }
            if let innermost = containing.min(by: { calls[$0].nodes.count < calls[$1].nodes.count }) {
                callOf[ObjectIdentifier(node)] = innermost
            }
        }
        return (calls.map { ($0.title, $0.output) }, callOf)
    }

    private func fill(_ kind: Kind) -> String {
        switch kind {
        case .parameter: "#dbe9f6"
        case .leaf: "#fff2cc"
        case .op: "#eeeeee"
        case .layer: "#e2f0d9"
        case .output: "#fbe5d6"
        }
    }

    /// An HTML-like label: title, shape and dtype, data, grad.
    private func label(_ node: Node) -> String {
        var rows = ["<tr><td><b>\(escape(node.title))</b></td></tr>",
                    "<tr><td><font point-size=\"9\" color=\"#555555\">\(node.shape) \(node.dtype)</font></td></tr>"]
        if let value = node.value, let text = Self.format(value, limit: options.valueLimit) {
            rows.append("<tr><td><font color=\"#1b7837\">data \(escape(text))</font></td></tr>")
        }
        if let grad = node.grad {
            let text = Self.format(grad, limit: options.valueLimit) ?? "‖·‖ " + Self.number(Self.norm(grad))
            rows.append("<tr><td><font color=\"#b2182b\">grad \(escape(text))</font></td></tr>")
        }
        return "<table border=\"0\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"1\">" + rows.joined() + "</table>"
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The values of a tensor of at most `limit` elements, nested like the tensor (`[[1, 2], [3, 4]]`); nil when larger.
    static func format(_ t: Tensor, limit: Int) -> String? {
        guard t.count <= limit else { return nil }
        let values = t.dtype == .bool ? t.cast(to: .int64).toDoubles() : t.contiguous().toDoubles()
        if t.rank == 0 { return number(values[0]) }
        func nest(_ axis: Int, _ offset: Int) -> String {
            let size = t.shape[axis], inner = t.shape[(axis + 1)...].reduce(1, *)
            let parts = (0..<size).map { i in axis == t.rank - 1 ? number(values[offset + i]) : nest(axis + 1, offset + i * inner) }
            return "[" + parts.joined(separator: ", ") + "]"
        }
        return nest(0, 0)
    }

    /// Four significant digits, no trailing zeros: `0.5`, `-1.25`, `0.0001234`, `1.5e+06`.
    static func number(_ v: Double) -> String {
        if v == 0 { return "0" }
        return String(format: "%.4g", v)
    }

    /// The L2 norm, accumulated in float64.
    static func norm(_ t: Tensor) -> Double {
        t.contiguous().toDoubles().reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}
