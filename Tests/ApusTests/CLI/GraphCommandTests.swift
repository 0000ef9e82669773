import Foundation
import Testing
import Apus

/// `apus graph`: one training step of a model drawn as its autograd graph.
struct GraphCommandTests {
    private func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apus-graph-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func lenetGraphRendersWithGradientsOnTheLeaves() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("g.dot").path
        let run = try apus(["graph", "--model", "lenet5", "--input", "1x1x28x28", "--output", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutLines.last?.hasPrefix("lenet5: one training step, loss ") == true)
        let dot = try String(contentsOfFile: path, encoding: .utf8)
        #expect(dotEdges(dot).count >= 20)
        // Every parameter (10 of them) is a leaf with its gradient.
        let leaves = dotNodes(dot).filter { $0.contains("#dbe9f6") }
        #expect(leaves.count == 10 && leaves.allSatisfy { $0.contains(">grad ") })
        #expect(dotNode(dot, "features.0.weight") != nil && dotNode(dot, "conv2d") != nil)
        guard let dotProgram = Graphviz.executable else {
            #expect(!graphvizRequired, "APUS_REQUIRE_GRAPHVIZ=1 but Graphviz's dot is not in PATH")
            return
        }
        // `dot -Tsvg` renders it.
        let svg = dir.appendingPathComponent("g.svg")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dotProgram)
        process.arguments = ["-Tsvg", "-o", svg.path, path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try String(contentsOf: svg, encoding: .utf8).contains("features.0.weight"))
        // And apus renders SVG itself, grouped by layer.
        let layers = try apus(["graph", "--model", "lenet5", "--output", dir.appendingPathComponent("layers.svg").path, "--group", "layers"])
        #expect(layers.status == 0, "\(layers.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("layers.svg"), encoding: .utf8).contains("features.0: Conv2d"))
    }

    @Test func mlpGraph() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mlp.gv").path
        let run = try apus(["graph", "--model", "mlp", "--input", "4x64", "--hidden", "16", "--output", path])
        #expect(run.status == 0, "\(run.stderr)")
        let dot = try String(contentsOfFile: path, encoding: .utf8)
        #expect(dotNode(dot, "0.weight")?.contains("[16, 64] float32") == true)
        #expect(dotNode(dot, "2.bias")?.contains(">grad [") == true)  // 10 values: small enough to show
    }

    @Test func badArgumentsAreOneErrorLine() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], String)] = [
            (["--model", "lenet5", "--output", dir.appendingPathComponent("g.txt").path], "--output must name a .dot"),
            (["--model", "nope", "--output", dir.appendingPathComponent("g.dot").path], "unknown --model 'nope'"),
            (["--model", "lenet5", "--group", "0", "--output", dir.appendingPathComponent("g.dot").path], "--group must be ops, layers"),
            (["--model", "mlp", "--input", "1x1x8x8", "--output", dir.appendingPathComponent("g.dot").path], "--input must be 2 positive sizes"),
            (["--model", "lenet5", "--input", "1x1x32x32", "--output", dir.appendingPathComponent("g.dot").path], "lenet5 takes 28×28 images"),
        ]
        for (arguments, message) in cases {
            let run = try apus(["graph"] + arguments)
            #expect(run.status != 0)
            #expect(run.stderrLines.count == 1 && run.stderrLines[0].hasPrefix("error: ") && run.stderr.contains(message), "\(run.stderr)")
        }
        // Without Graphviz, rendering says how to install it (and .dot still works).
        let noDot = ["PATH": dir.path]
        let svg = try apus(["graph", "--model", "lenet5", "--output", dir.appendingPathComponent("g.svg").path], environment: noDot)
        #expect(svg.status != 0 && svg.stderrLines.count == 1 && svg.stderr.contains("apt-get install graphviz"), "\(svg.stderr)")
        let text = try apus(["graph", "--model", "lenet5", "--output", dir.appendingPathComponent("g.dot").path], environment: noDot)
        #expect(text.status == 0, "\(text.stderr)")
    }
}
