import Foundation
import Testing
@testable import Apus

// Tables for training (TableTask, TableData) and their preprocessing's round trip through JSON.

@Test func theTaskIsInferredFromTheTargetColumn() throws {
    func task(_ values: [String]) throws -> TableTask {
        let path = try writeTemporaryCSV("x,y\n" + values.enumerated().map { "\($0.offset),\($0.element)" }.joined(separator: "\n"))
        defer { removeTableFolder(path) }
        return TableTask.infer(from: try loadCSV(path: path, target: .name("y")))
    }
    #expect(try task(["cat", "dog", "cat", "dog"]) == .classification)            // labels
    #expect(try task((0..<40).map { String($0 % 3) }) == .classification)         // a few integers
    #expect(try task((0..<40).map { String(Double($0) / 4) }) == .regression)      // fractions
    #expect(try task((0..<40).map { String($0 * 7) }) == .regression)             // integers, all distinct
    #expect(try task((0..<30).map { String($0 % 21) }) == .regression)            // 21 distinct values: more than 20
    #expect(try task((0..<10).map { String($0 % 6) }) == .regression)             // 6 values in 10 rows: not seen twice each
}

@Test func tableDataSplitsStandardisesOnTheTrainingRowsAndScalesARegressionTarget() throws {
    let path = try writeTemporaryCSV(housesCSV(rows: 200))
    defer { removeTableFolder(path) }
    let table = try loadCSV(path: path, target: .name("price"))
    let data = try TableData(table, seed: 3)
    #expect(data.task == .regression)
    #expect(data.train.count == 160 && data.validation.count == 20 && data.test.count == 20)
    #expect(data.train.targets.shape == [160, 1])
    // Training features and target have mean 0 and standard deviation 1; the others do not exactly.
    for column in data.train.inputs.mean(axis: 0).toDoubles() + data.train.targets.mean(axis: 0).toDoubles() {
        #expect(abs(column) < 1e-5)
    }
    for s in data.train.inputs.cast(to: .float64).variance(axis: 0, correction: 0).toDoubles() { #expect(abs(s - 1) < 1e-4) }
    let p = data.preprocessing
    #expect(p.features == ["area", "rooms", "age", "distance", "garden"] && p.target == "price" && p.classes == nil)
    // The recorded statistics undo the scaling: the first training row's price comes back.
    let parts = randomSplit(count: 200, fractions: [0.8, 0.1, 0.1], generator: RandomGenerator(seed: 3))
    let price = table.targets.toDoubles()[parts[0][0]]
    #expect(abs(p.targetValue(fromOutput: data.train.targets.toDoubles()[0]) - price) < 1e-3)
    #expect(p.inputs(table.features).toArray(as: Float.self) == TensorDataset(inputs: p.inputs(table.features), targets: table.targets)
                .inputs.toArray(as: Float.self))
    // The same seed gives the same split; JSON round-trips.
    #expect(try TableData(table, seed: 3).test.inputs.toDoubles() == data.test.inputs.toDoubles())
    #expect(try TablePreprocessing(json: p.json, path: "x") == p)
    #expect(throws: ApusError.self) { try TablePreprocessing(json: "{\"features\": []}", path: "x") }
}

@Test func classificationTargetsBecomeIndicesOfSortedLabels() throws {
    let path = try writeTemporaryCSV("a,b,label\n" + (0..<30).map { "\($0),\($0 % 4),\([10, 2, 1][$0 % 3])" }.joined(separator: "\n"))
    defer { removeTableFolder(path) }
    let table = try loadCSV(path: path, target: .name("label"))
    let data = try TableData(table, task: .classification)
    #expect(data.preprocessing.classes == ["1", "2", "10"])   // numerically sorted
    let labels = table.targets.toDoubles().map { ["1", "2", "10"].firstIndex(of: TableData.label($0))! }
    let parts = randomSplit(count: 30, fractions: [0.8, 0.1, 0.1], generator: RandomGenerator(seed: 0))
    #expect(data.train.targets.toArray(as: Int64.self) == parts[0].map { Int64(labels[$0]) })
    #expect(data.classificationData().classes == 3 && data.classificationData().classNames == ["1", "2", "10"])
    // Named labels keep the loader's order; a regression needs numbers.
    let flowers = try writeTemporaryCSV(flowersCSV(rows: 30))
    defer { removeTableFolder(flowers) }
    let species = try loadCSV(path: flowers, target: .name("species"))
    #expect(try TableData(species).preprocessing.classes == ["setosa", "versicolor", "virginica"])
    #expect(throws: ApusError.invalidArgument("regression needs a numeric target; column 'species' holds 'setosa' "
                                              + "(use --task classification for labels)")) {
        try TableData(species, task: .regression)
    }
    #expect(TableData.label(3) == "3" && TableData.label(0.5) == "0.5")
}

@Test func tooSmallOrFeaturelessTablesAreRefused() throws {
    let small = try writeTemporaryCSV("x,y\n" + (0..<9).map { "\($0),\($0)" }.joined(separator: "\n"))
    defer { removeTableFolder(small) }
    #expect(throws: ApusError.self) { try TableData(try loadCSV(path: small, target: .name("y"))) }
    let lonely = try writeTemporaryCSV("y\n" + (0..<20).map { "\($0)" }.joined(separator: "\n"))
    defer { removeTableFolder(lonely) }
    #expect(throws: ApusError.self) { try TableData(try loadCSV(path: lonely, target: .name("y"))) }
}
