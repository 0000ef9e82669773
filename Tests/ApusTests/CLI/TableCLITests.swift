import Foundation
import Testing
@testable import Apus

// `apus train --csv FILE --target COLUMN [--task …]` and `apus predict --checkpoint FILE --csv FILE`.

private func expectError(_ r: Outcome, mentioning fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status != 0, sourceLocation: sourceLocation)
    #expect(r.stderrLines.count == 1 && (r.stderrLines.first ?? "").hasPrefix("error: "), "stderr: \(r.stderr)",
            sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(r.stderr.contains(fragment), "'\(r.stderr)' should mention '\(fragment)'", sourceLocation: sourceLocation)
    }
    #expect(!r.stdout.contains("epoch"), sourceLocation: sourceLocation)
}

@Test func aLinearHousesTableReachesR2AboveNinetyFivePercentAndPredictsRows() throws {
    let path = try writeTemporaryCSV(housesCSV(), name: "houses.csv")
    defer { removeTableFolder(path) }
    let checkpoint = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("houses.safetensors").path
    let r = try apus(["train", "--csv", path, "--target", "price", "--json", "--checkpoint", checkpoint])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let json = try lastLineJSON(r)
    #expect(json["task"] as? String == "regression" && json["target"] as? String == "price")
    #expect((json["test_r2"] as? Double ?? 0) >= 0.95, "\(json)")
    for key in ["train_mse", "train_mae", "train_r2", "validation_mse", "validation_mae", "validation_r2", "test_mse", "test_mae"] {
        #expect(json[key] is Double, "\(key)")
    }
    #expect(json["test_accuracy"] == nil && json["model"] as? String == "mlp-5-128-64-1")
    #expect(r.stdoutLines.contains { $0.hasPrefix("test mse ") && $0.contains("r2 0.9") })
    let metadata = try Safetensors.read(checkpoint).metadata
    #expect(metadata["task"] == "regression" && metadata["table"] != nil && metadata["input_shape"] == "[5]")

    // Predicting rows: CSV with the target's name as header, one value per row.
    let rows = try writeTemporaryCSV("rooms,area,age,distance,garden\n3,120,10,2.5,1\n1,40,70,25,0\n")
    defer { removeTableFolder(rows) }
    let p = try apus(["predict", "--checkpoint", checkpoint, "--csv", rows])
    #expect(p.status == 0, "stderr: \(p.stderr)")
    #expect(p.stdoutLines.count == 3 && p.stdoutLines[0] == "price")
    let prices = p.stdoutLines.dropFirst().compactMap(Double.init)
    // The true prices are 50 + 300 + 36 − 8 − 10 + 30 = 398 and 50 + 100 + 12 − 56 − 100 = 6.
    #expect(prices.count == 2 && abs(prices[0] - 398) < 25 && abs(prices[1] - 6) < 40, "\(prices)")
    let j = try apus(["predict", "--checkpoint", checkpoint, "--csv", rows, "--json"])
    let values = try #require(try lastLineJSON(j)["predictions"] as? [[String: Any]])
    let jsonPrices = values.compactMap { $0["value"] as? Double }
    #expect(jsonPrices.count == 2 && zip(jsonPrices, prices).allSatisfy { abs($0 - $1) < 1e-9 })
    expectError(try apus(["predict", "--checkpoint", checkpoint, "x.png"]), mentioning: ["trained on a table", "--csv"])
}

@Test func aTableOfLabelsIsAClassificationWithNamedClasses() throws {
    let path = try writeTemporaryCSV(flowersCSV(), name: "flowers.csv")
    defer { removeTableFolder(path) }
    let checkpoint = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("flowers.safetensors").path
    let r = try apus(["train", "--csv", path, "--target", "species", "--epochs", "10", "--json", "--checkpoint", checkpoint])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let json = try lastLineJSON(r)
    #expect(json["classes"] as? [String] == ["setosa", "versicolor", "virginica"])
    #expect((json["test_accuracy"] as? Double ?? 0) >= 0.9, "\(json)")
    let rows = try writeTemporaryCSV("length,width\n1.4,0.3\n5.7,2.1\n")
    defer { removeTableFolder(rows) }
    let p = try apus(["predict", "--checkpoint", checkpoint, "--csv", rows])
    #expect(p.status == 0, "stderr: \(p.stderr)")
    #expect(p.stdoutLines.first == "species,probability")
    #expect(p.stdoutLines.dropFirst().map { String($0.prefix { $0 != "," }) } == ["setosa", "virginica"], "\(p.stdout)")
    // Numbers as classes: --task classification on an integer target.
    let numeric = try writeTemporaryCSV("x,grade\n" + (0..<60).map { "\(Double($0) / 6),\($0 / 20 + 1)" }.joined(separator: "\n"))
    defer { removeTableFolder(numeric) }
    let g = try apus(["train", "--csv", numeric, "--target", "grade", "--epochs", "2", "--json"])
    #expect(g.status == 0, "stderr: \(g.stderr)")
    let grades = try lastLineJSON(g)["classes"] as? [String]
    #expect(grades == ["1", "2", "3"])
    let forced = try apus(["train", "--csv", numeric, "--target", "grade", "--task", "regression", "--epochs", "2", "--json"])
    #expect(forced.status == 0, "stderr: \(forced.stderr)")
    let task = try lastLineJSON(forced)["task"] as? String
    #expect(task == "regression")
}

@Test func badTablesAndTableFlagsFailWithOneErrorLine() throws {
    let path = try writeTemporaryCSV(housesCSV(rows: 50), name: "houses.csv")
    defer { removeTableFolder(path) }
    expectError(try apus(["train", "--csv", path, "--target", "nope"]),
                mentioning: ["no column 'nope'", "area, rooms, age, distance, garden, price"])
    expectError(try apus(["train", "--csv", path]), mentioning: ["--csv needs --target COLUMN"])
    expectError(try apus(["train", "--csv", path, "--target", "price", "--task", "nope"]), mentioning: ["unknown --task 'nope'"])
    expectError(try apus(["train", "--csv", path, "--target", "price", "--dataset", "digits"]), mentioning: ["--csv", "--dataset digits"])
    expectError(try apus(["train", "--csv", path, "--target", "price", "--model", "resnet18"]), mentioning: ["--model resnet18"])
    expectError(try apus(["train", "--csv", path, "--target", "price", "--weights", "w"]), mentioning: ["--weights does not apply"])
    expectError(try apus(["train", "--csv", path, "--target", "price", "--image-size", "32"]), mentioning: ["--image-size"])
    expectError(try apus(["train", "--csv", path, "--target", "price", "--epochs", "0"]), mentioning: ["--epochs"])
    expectError(try apus(["train", "--csv", "/nonexistent/t.csv", "--target", "y"]), mentioning: ["/nonexistent/t.csv"])
    expectError(try apus(["train", "--target", "price"]), mentioning: ["--target", "--csv FILE"])
    expectError(try apus(["train", "--task", "regression"]), mentioning: ["--task", "--csv FILE"])
    let labels = try writeTemporaryCSV("x,y\n" + (0..<20).map { "\($0),\($0 % 2 == 0 ? "even" : "odd")" }.joined(separator: "\n"))
    defer { removeTableFolder(labels) }
    expectError(try apus(["train", "--csv", labels, "--target", "y", "--task", "regression"]),
                mentioning: ["regression needs a numeric target", "'y'"])
    var text = housesCSV(rows: 30)
    text = text.replacingOccurrences(of: "\n", with: "\n12,3,old,4.5,1,300\n", options: [], range: text.range(of: "\n"))
    let bad = try writeTemporaryCSV(text)
    defer { removeTableFolder(bad) }
    expectError(try apus(["train", "--csv", bad, "--target", "price"]), mentioning: ["line 2", "column 'age'", "'old'"])
}
