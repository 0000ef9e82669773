import Foundation
import Testing
@testable import Apus

// The README's data-and-logging example, run end to end on a generated CSV file.

/// 150 rows of 4 features and a text label: three well-separated Gaussian classes.
private func writeFlowersCSV(to path: String) throws {
    let g = RandomGenerator(seed: 21)
    let names = ["setosa", "versicolor", "virginica"]
    var text = "sepal_length,sepal_width,petal_length,petal_width,species\r\n"
    for i in 0..<150 {
        let c = i % 3
        let noise = g.normals(4)
        let row = (0..<4).map { String(format: "%.3f", 1 + 2 * Double(c) + Double($0) + 0.3 * noise[$0]) }
        text += row.joined(separator: ",") + ",\(names[c])\r\n"
    }
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

@Test func csvSplitStandardizeTrainAndLog() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("apus-pipeline-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    try writeFlowersCSV(to: root + "/flowers.csv")

    // --- the README example, with paths under `root` ---
    let table = try loadCSV(path: root + "/flowers.csv", target: .name("species"))
    let (train, validation, _) = table.dataset.split(generator: RandomGenerator(seed: 0))
    let scaler = Standardizer(fitting: train.inputs)
    let loader = DataLoader(scaler.transform(train), batchSize: 32, shuffle: true, generator: RandomGenerator(seed: 1))

    let model = mlp(inputs: 4, hidden: [16], outputs: 3, generator: RandomGenerator(seed: 2))
    let optimizer = Adam(model.parameters(), lr: 1e-2)
    let writer = try SummaryWriter(logDirectory: root + "/runs/flowers")
    let csv = try CSVLogger(path: root + "/runs/flowers/metrics.csv")
    var validationAccuracy = 0.0
    for epoch in 0..<20 {
        var total = 0.0
        for (x, y) in loader {
            optimizer.zeroGrad()
            let loss = crossEntropy(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
        }
        validationAccuracy = noGrad { accuracy(model(scaler.transform(validation.inputs)), validation.targets) }
        writer.addScalar("loss/train", total / Double(loader.count), step: epoch)
        writer.addScalar("accuracy/validation", validationAccuracy, step: epoch)
        writer.addHistograms(of: model, step: epoch)
        try csv.log(epoch: epoch, metrics: ["loss": total / Double(loader.count), "val_accuracy": validationAccuracy])
    }
    try writer.close()
    // --- end of the example ---

    #expect(table.features.shape == [150, 4])
    #expect(table.classNames == ["setosa", "versicolor", "virginica"])
    #expect(train.count == 120 && validation.count == 15)
    #expect(validationAccuracy == 1)
    let rows = try String(contentsOfFile: root + "/runs/flowers/metrics.csv", encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 21 && rows[0] == "epoch,loss,val_accuracy" && rows[20].hasPrefix("19,"))
    let events = try TFRecord.payloads(in: [UInt8](Data(contentsOf: URL(fileURLWithPath: writer.path))), path: writer.path)
    #expect(events.count == 1 + 20 * (2 + 2 * model.parameters().count))
}
