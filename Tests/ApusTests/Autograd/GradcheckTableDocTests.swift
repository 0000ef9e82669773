import Foundation
import Testing
@testable import Apus

/// `Docs/Gradcheck.md` lists how many gradcheck rows each op has; this keeps it true.
///
/// After adding rows, regenerate it with
/// `APUS_WRITE_GRADCHECK_DOC=1 swift test --filter GradcheckTableDocTests`.
struct GradcheckTableDocTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Docs/Gradcheck.md").path

    static func markdown() -> String {
        var lines = [
            "# Gradient checks",
            "",
            "Every differentiable operation of Apus is checked by `gradcheck` against central finite",
            "differences in float64, with plain, broadcast (where the op broadcasts) and non-contiguous",
            "(transposed, permuted, strided) inputs. The table of cases is `Tests/ApusTests/Autograd/GradcheckTests.swift`",
            "and the `Gradcheck+*.swift` files beside it, one family of ops each; a test fails when an op has",
            "no plain or no non-contiguous case, and another keeps this page in step with the table",
            "(`APUS_WRITE_GRADCHECK_DOC=1 swift test --filter GradcheckTableDocTests` rewrites it).",
            "",
            "\(GradcheckTests.cases.count) cases over \(GradcheckTests.differentiableOps.count) ops; number of cases per op and kind of input:",
            "",
            "| op | plain | broadcast | non-contiguous |",
            "| --- | ---: | ---: | ---: |",
        ]
        for op in GradcheckTests.differentiableOps {
            let rows = GradcheckTests.cases.filter { $0.op == op }
            let plain = rows.filter { $0.layout == .plain }.count
            let broadcast = rows.filter { $0.layout == .broadcast }.count
            let strided = rows.filter { if case .strided = $0.layout { true } else { false } }.count
            let b = GradcheckTests.broadcastingOps.contains(op) || broadcast > 0 ? "\(broadcast)" : "—"
            lines.append("| `\(op)` | \(plain) | \(b) | \(strided) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func docListsTheCurrentTable() throws {
        let expected = Self.markdown()
        if ProcessInfo.processInfo.environment["APUS_WRITE_GRADCHECK_DOC"] == "1" {
            try expected.write(toFile: Self.path, atomically: true, encoding: .utf8)
        }
        let current = try? String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(current == expected,
                "Docs/Gradcheck.md is out of date: run APUS_WRITE_GRADCHECK_DOC=1 swift test --filter GradcheckTableDocTests")
    }
}
