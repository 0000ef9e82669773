import Foundation
import Testing
@testable import Apus
import ApusVision

/// CI sets APUS_REQUIRE_GRAPHVIZ=1 (and installs graphviz) so that rendering is tested, not skipped.
let graphvizRequired = ProcessInfo.processInfo.environment["APUS_REQUIRE_GRAPHVIZ"] == "1"

/// The node lines and the edges of DOT text written by `graph(of:)`.
func dotNodes(_ dot: String) -> [String] { dot.split(separator: "\n").map(String.init).filter { $0.contains(" [fillcolor=") } }
func dotEdges(_ dot: String) -> [String] { dot.split(separator: "\n").map(String.init).filter { $0.contains(" -> ") } }

/// The node line whose title is `title`.
func dotNode(_ dot: String, _ title: String) -> String? { dotNodes(dot).first { $0.contains("<b>\(title)</b>") } }

struct AutogradGraphTests {
    /// y = σ(w·x + b) with every leaf named: one node per leaf and per op, edges from inputs.
    private func neuron() -> (x: Tensor, w: Tensor, b: Tensor, z: Tensor, y: Tensor) {
        let x = Tensor(shape: [2], values: [1, 2], dtype: .float64).requiringGrad()
        let w = Tensor(shape: [2], values: [0.5, -0.25], dtype: .float64).requiringGrad()
        let b = Tensor(scalar: 0.125, dtype: .float64).requiringGrad()
        let z = (w * x).sum() + b
        return (x, w, b, z, sigmoid(z))
    }

    @Test func nodesEdgesValuesAndGradients() {
        let (x, w, b, z, y) = neuron()
        y.backward()
        let dot = graph(of: y, names: ["x": x, "w": w, "b": b, "z": z])
        #expect(dot.hasPrefix("digraph autograd {") && dot.hasSuffix("}\n"))
        // Leaves x, w, b; ops multiply, sum, z = add, sigmoid.
        #expect(dotNodes(dot).count == 7)
        #expect(dotEdges(dot).count == 6)
        let wLine = try! #require(dotNode(dot, "w"))
        #expect(wLine.contains("[2] float64") && wLine.contains("data [0.5, -0.25]"))
        // ∂y/∂w = σ′(z)·x with z = 0.125: σ(z)(1 − σ(z)) = 0.24902…
        let s = 1 / (1 + Foundation.exp(-0.125)), d = s * (1 - s)
        #expect(wLine.contains("grad [\(AutogradGraphDrawing.number(d)), \(AutogradGraphDrawing.number(2 * d))]"))
        #expect(try! #require(dotNode(dot, "b")).contains("grad \(AutogradGraphDrawing.number(d))"))
        // A named intermediate result is titled with its name and op, and shows its value (given in `names`).
        #expect(try! #require(dotNode(dot, "z = add")).contains("data 0.125"))
        // The output shows its value and is drawn twice framed.
        let out = try! #require(dotNode(dot, "sigmoid"))
        #expect(out.contains("data \(AutogradGraphDrawing.number(s))") && out.contains("peripheries=2"))
        // Edges run from inputs to the op that used them.
        let ids = Dictionary(uniqueKeysWithValues: dotNodes(dot).map { line in
            (String(line.split(separator: "<b>")[1].split(separator: "</b>")[0]), line.trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
        })
        #expect(dotEdges(dot).contains("  \(ids["w"]!) -> \(ids["multiply"]!);"))
        #expect(dotEdges(dot).contains("  \(ids["b"]!) -> \(ids["z = add"]!);"))
    }

    /// backward() frees the saved tensors, not the structure: the graph drawn after it has the
    /// same nodes and edges as before, plus the gradients.
    @Test func structureSurvivesBackward() {
        let (x, w, b, _, y) = neuron()
        let before = graph(of: y, names: ["x": x, "w": w, "b": b])
        #expect(dotNodes(before).allSatisfy { !$0.contains(">grad ") })
        y.backward()
        let after = graph(of: y, names: ["x": x, "w": w, "b": b])
        #expect(dotEdges(after) == dotEdges(before))
        #expect(dotNodes(after).count == dotNodes(before).count)
        #expect(dotNodes(after).filter { $0.contains(">grad ") }.count == 3)  // the three leaves
    }

    /// With a trace, intermediate results show their gradients (a large one its norm).
    @Test func traceAddsIntermediateValuesAndGradients() {
        let a = Tensor.full([4, 5], value: 0.5, dtype: .float64).requiringGrad()
        let trace = GraphTrace()
        let (h, loss) = trace.record { () -> (Tensor, Tensor) in
            let h = a * 3
            return (h, (h * h).sum())
        }
        loss.backward()
        let dot = graph(of: loss, names: ["a": a, "h": h], trace: trace, options: GraphOptions(valueLimit: 4))
        // ∂loss/∂h = 2h = 3 everywhere (20 elements): norm √(20·9); ∂loss/∂a = 18h... = 9.
        #expect(try! #require(dotNode(dot, "h = multiply")).contains("grad ‖·‖ \(AutogradGraphDrawing.number((20 * 9.0).squareRoot()))"))
        #expect(try! #require(dotNode(dot, "a")).contains("grad ‖·‖ \(AutogradGraphDrawing.number((20 * 81.0).squareRoot()))"))
        #expect(h.grad != nil)  // the trace retained it
        // Unnamed intermediate results have no value to show; named ones do.
        let small = graph(of: loss, names: ["a": a], trace: trace, options: GraphOptions(valueLimit: 20))
        #expect(!(try! #require(dotNode(small, "multiply")).contains(">data ")))
        #expect(try! #require(dotNode(dot, "h = multiply")).contains(">data ") == false)  // 20 elements > 4
        let named = graph(of: loss, names: ["h": h], options: GraphOptions(valueLimit: 20))
        #expect(try! #require(dotNode(named, "h = multiply")).contains("data [[1.5, 1.5, 1.5, 1.5, 1.5], "))
    }

    /// A trace keeps the value of each module's output.
    @Test func traceKeepsModuleOutputs() {
        let layer = Linear(3, 2, dtype: .float64)
        layer.weight.assign(Tensor(shape: [2, 3], values: [1, 0, 0, 0, 1, 0], dtype: .float64))
        layer.bias!.assign(Tensor(shape: [2], values: [0.5, -0.5], dtype: .float64))
        let trace = GraphTrace()
        let loss = trace.record { layer(Tensor(shape: [1, 3], values: [1, 2, 3], dtype: .float64)).sum() }
        loss.backward()
        let dot = graph(of: loss, model: layer, trace: trace)
        #expect(try! #require(dotNode(dot, "linear")).contains("data [[1.5, 1.5]]"))
        #expect(try! #require(dotNode(dot, "linear")).contains("grad [[1, 1]]"))
        #expect(try! #require(dotNode(dot, "weight")).contains("grad [[1, 2, 3], [1, 2, 3]]"))
    }

    /// A model's parameters are named as in its state dict; grouping draws one node per layer or module.
    @Test func modelNamesAndGrouping() {
        let model = LeNet5(generator: RandomGenerator(seed: 0))
        let trace = GraphTrace()
        let loss = trace.record { crossEntropy(model(Tensor.randn([1, 1, 28, 28], generator: RandomGenerator(seed: 1))), Tensor([3])) }
        loss.backward()
        let ops = graph(of: loss, model: model, trace: trace)
        #expect(dotEdges(ops).count >= 20)
        for p in model.namedParameters() { #expect(dotNode(ops, p.name)?.contains(">grad ") == true, "\(p.name)") }
        #expect(dotNode(ops, "conv2d") != nil && dotNode(ops, "features.0: Conv2d") == nil)

        let layers = graph(of: loss, model: model, trace: trace, options: GraphOptions(grouping: .layers))
        #expect(dotNode(layers, "features.0: Conv2d") != nil && dotNode(layers, "classifier.4: Linear") != nil)
        #expect(dotNode(layers, "conv2d") == nil && dotNode(layers, "features.1: ReLU") != nil)

        let blocks = graph(of: loss, model: model, trace: trace, options: GraphOptions(grouping: .modules(depth: 1)))
        #expect(dotNode(blocks, "features: Sequential") != nil && dotNode(blocks, "classifier: Sequential") != nil)
        #expect(dotNode(blocks, "features.0: Conv2d") == nil)
        // Ten parameters, two modules, the flatten and the loss's ops.
        #expect(dotNodes(blocks).count < dotNodes(ops).count)
        let params = dotNodes(blocks).filter { $0.contains("#dbe9f6") }
        #expect(params.count == 10)
    }

    @Test func retainGradKeepsAnIntermediateGradient() {
        let x = Tensor(shape: [3], values: [1, 2, 3], dtype: .float64).requiringGrad()
        let h = x * 2
        h.retainGrad()
        (h * h).sum().backward()
        #expect(h.grad?.toDoubles() == [4, 8, 12])
        #expect((x * 3).grad == nil)
    }

    @Test func writesDOTAndRendersSVG() throws {
        let (_, _, _, _, y) = neuron()
        y.backward()
        let dot = graph(of: y)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apus-graph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeGraph(dot, to: dir.appendingPathComponent("g.dot").path)
        #expect(try String(contentsOf: dir.appendingPathComponent("g.dot"), encoding: .utf8) == dot)
        #expect(throws: ApusError.self) { try writeGraph(dot, to: dir.appendingPathComponent("g.txt").path) }
        guard Graphviz.isAvailable else {
            #expect(!graphvizRequired, "APUS_REQUIRE_GRAPHVIZ=1 but Graphviz's dot is not in PATH")
            return
        }
        try writeGraph(dot, to: dir.appendingPathComponent("g.svg").path)
        let svg = try String(contentsOf: dir.appendingPathComponent("g.svg"), encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("sigmoid"))
        // Only the rendered file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["g.dot", "g.svg"])
        #expect(throws: ApusError.self) { try writeGraph(dot, to: dir.appendingPathComponent("missing/g.svg").path) }
    }
}
