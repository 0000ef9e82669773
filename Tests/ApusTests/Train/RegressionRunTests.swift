import Foundation
import Testing
@testable import Apus

// runRegression on a linear table, its errors, checkpoint and TablePredictor.

@Test func regressionErrorsAreMSEMAEAndR2() {
    let e = RegressionErrors(predictions: [1, 2, 4], targets: [1, 3, 5])
    #expect(e.meanSquaredError == 2.0 / 3 && e.meanAbsoluteError == 2.0 / 3)
    #expect(e.r2 == 0.75)   // SS_res = 0 + 1 + 1 = 2; ȳ = 3: SS_tot = 4 + 0 + 4 = 8
    #expect(RegressionErrors(predictions: [2, 2], targets: [2, 2]).r2 == 1)
    #expect(RegressionErrors(predictions: [1, 2], targets: [2, 2]).r2 == 0)
}

@Test func aLinearTableIsLearnedAndPredictedFromTheCheckpoint() throws {
    let path = try writeTemporaryCSV(housesCSV(rows: 600))
    defer { removeTableFolder(path) }
    let data = try TableData(try loadCSV(path: path, target: .name("price")), seed: 0)
    var config = ClassificationRunConfig()
    config.dataset = "csv"
    config.epochs = 15
    config.checkpoint = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("houses.safetensors").path
    let result = try runRegression(config, data: data)
    #expect(result.test.r2 >= 0.95 && result.train.r2 >= 0.95, "\(result.json())")
    #expect(result.model == "mlp-5-128-64-1" && result.target == "price" && result.epochs == 15)
    let json = try JSONSerialization.jsonObject(with: Data(result.json().utf8)) as! [String: Any]
    #expect(json["task"] as? String == "regression" && abs((json["test_r2"] as? Double ?? 0) - result.test.r2) < 1e-12)
    #expect(json["test_accuracy"] == nil)
    // Same seed, same numbers.
    var again = config
    again.checkpoint = nil
    #expect(try runRegression(again, data: data).test == result.test)

    // The checkpoint predicts the test rows as the run evaluated them.
    let predictor = try TablePredictor(checkpoint: config.checkpoint!)
    #expect(predictor.preprocessing == data.preprocessing)
    let table = try loadCSV(path: path, target: .name("price"))
    let parts = randomSplit(count: 600, fractions: [0.8, 0.1, 0.1], generator: RandomGenerator(seed: 0))
    let testFeatures = table.features.indexSelect(axis: 0, indices: Tensor(scalars: parts[2].map(Int64.init)))
    let predicted = predictor.predict(testFeatures).map { p -> Double in
        guard case .value(let v) = p else { return .nan }
        return v
    }
    let errors = RegressionErrors(predictions: predicted, targets: parts[2].map { table.targets.toDoubles()[$0] })
    #expect(abs(errors.r2 - result.test.r2) < 1e-6 && abs(errors.meanSquaredError - result.test.meanSquaredError) < 1e-3 * result.test.meanSquaredError)
    // Whole-file prediction matches, whatever the column order.
    let all = try predictor.predict(csv: path)
    #expect(all.count == 600)
    let reordered = try writeTemporaryCSV("garden,price,distance,age,rooms,area\n1,0,2.5,10,3,120\n")
    defer { removeTableFolder(reordered) }
    let manual = predictor.predict(Tensor(shape: [1, 5], values: [120, 3, 10, 2.5, 1], dtype: .float32))
    #expect(try predictor.predict(csv: reordered) == manual)
}

@Test func tablePredictorReportsMissingAndNonNumericColumns() throws {
    let path = try writeTemporaryCSV(housesCSV(rows: 100))
    defer { removeTableFolder(path) }
    let data = try TableData(try loadCSV(path: path, target: .name("price")))
    let predictor = TablePredictor(model: mlp(inputs: 5, hidden: [4], outputs: 1), preprocessing: data.preprocessing)
    let missing = try writeTemporaryCSV("area,rooms,age,distance\n1,2,3,4\n")
    defer { removeTableFolder(missing) }
    #expect(throws: ApusError.unknownColumn(path: missing, name: "garden", available: ["area", "rooms", "age", "distance"])) {
        try predictor.predict(csv: missing)
    }
    // A bad value in the last column is reported by line and column, as anywhere else.
    let text = try writeTemporaryCSV("area,rooms,age,distance,garden\n1,2,3,4,5\n1,2,3,4,yes\n")
    defer { removeTableFolder(text) }
    do {
        _ = try predictor.predict(csv: text)
        Issue.record("a non-numeric garden was accepted")
    } catch let error as ApusError {
        #expect("\(error)".contains("line 3") && "\(error)".contains("'garden'") && "\(error)".contains("'yes'"), "\(error)")
    }
}
