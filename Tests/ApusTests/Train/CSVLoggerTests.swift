import Foundation
import Testing
@testable import Apus

private func temporaryPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("apus-log-\(UUID().uuidString).csv").path
}

private func contents(_ path: String) -> String {
    String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
}

@Test func csvLoggerWritesAHeaderAndOneRowPerEpoch() throws {
    let path = temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let logger = try CSVLogger(path: path)
    #expect(contents(path) == "")
    try logger.log(epoch: 0, metrics: ["loss": 0.52, "accuracy": 0.91, "val_loss": 0.1 + 0.2])
    // Each row is on disk as soon as it is logged; columns sorted by name, numbers round-trip.
    #expect(contents(path) == "epoch,accuracy,loss,val_loss\n0,0.91,0.52,0.30000000000000004\n")
    try logger.log(epoch: 1, metrics: ["loss": 1e-5, "accuracy": 1, "val_loss": .nan])
    #expect(logger.columns == ["accuracy", "loss", "val_loss"])
    // A metric left out leaves its field empty.
    try logger.log(epoch: 2, metrics: ["loss": 0.25])
    #expect(contents(path) == """
        epoch,accuracy,loss,val_loss
        0,0.91,0.52,0.30000000000000004
        1,1.0,1e-05,nan
        2,,0.25,

        """)
}

@Test func csvLoggerRejectsAMetricThatIsNotAColumn() throws {
    let path = temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let logger = try CSVLogger(path: path)
    try logger.log(epoch: 0, metrics: ["loss": 1])
    #expect(throws: ApusError.invalidArgument("CSVLogger: metric 'acc' is not a column of '\(path)' (epoch, loss)")) {
        try logger.log(epoch: 1, metrics: ["loss": 0.5, "acc": 0.9])
    }
    #expect(contents(path) == "epoch,loss\n0,1.0\n")  // the rejected row is not written
}

@Test func csvLoggerAppendsWhenResuming() throws {
    let path = temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let first = try CSVLogger(path: path)
    try first.log(epoch: 0, metrics: ["loss": 2, "acc": 0.5])
    try first.log(epoch: 1, metrics: ["loss": 1, "acc": 0.75])
    first.close()
    #expect(throws: ApusError.fileNotWritable(path: path)) { try first.log(epoch: 2, metrics: [:]) }

    // Resuming continues the file with its columns and no second header.
    let resumed = try CSVLogger(path: path, append: true)
    #expect(resumed.columns == ["acc", "loss"])
    try resumed.log(epoch: 2, metrics: ["loss": 0.5, "acc": 0.875])
    #expect(contents(path) == "epoch,acc,loss\n0,0.5,2.0\n1,0.75,1.0\n2,0.875,0.5\n")

    // Without append the file starts over.
    let fresh = try CSVLogger(path: path)
    try fresh.log(epoch: 0, metrics: ["loss": 3])
    #expect(contents(path) == "epoch,loss\n0,3.0\n")
}

@Test func csvLoggerAppendEdgeCases() throws {
    // Appending to a missing file starts a new one.
    let path = temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let logger = try CSVLogger(path: path, append: true)
    #expect(logger.columns == nil)
    try logger.log(epoch: 0, metrics: ["loss": 1])
    #expect(contents(path) == "epoch,loss\n0,1.0\n")

    // A file cut after its last field gets its line break back before the next row.
    try Data("epoch,loss\r\n0,1.0".utf8).write(to: URL(fileURLWithPath: path))
    try CSVLogger(path: path, append: true).log(epoch: 1, metrics: ["loss": 0.5])
    #expect(contents(path) == "epoch,loss\r\n0,1.0\n1,0.5\n")

    // A file that is not a metrics log is not appended to.
    try Data("a,b\n1,2\n".utf8).write(to: URL(fileURLWithPath: path))
    #expect(throws: ApusError.corruptFile(path: path, reason: "expected a header starting with 'epoch' to append to")) {
        try CSVLogger(path: path, append: true)
    }
    let unwritable = "/nonexistent-dir-\(UUID().uuidString)/log.csv"
    #expect(throws: ApusError.fileNotWritable(path: unwritable)) { try CSVLogger(path: unwritable) }
}

@Test func csvLoggerQuotesNamesWithCommasAndItsOutputLoads() throws {
    let path = temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let logger = try CSVLogger(path: path)
    try logger.log(epoch: 0, metrics: ["f1, macro": 0.5, "say \"x\"": 2])
    try logger.log(epoch: 1, metrics: ["f1, macro": 0.75, "say \"x\"": 3])
    #expect(contents(path) == "epoch,\"f1, macro\",\"say \"\"x\"\"\"\n0,0.5,2.0\n1,0.75,3.0\n")
    // The log reads back with loadCSV.
    let d = try loadCSV(path: path, target: .name("epoch"))
    #expect(d.featureNames == ["f1, macro", "say \"x\""])
    #expect(d.features.toDoubles() == [0.5, 2, 0.75, 3] && d.targets.toDoubles() == [0, 1])
}
