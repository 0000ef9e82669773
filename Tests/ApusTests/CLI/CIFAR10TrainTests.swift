import Foundation
import Testing

// `apus train --model resnet18 --dataset cifar10 --data DIR` on a tiny CIFAR-10 directory in the
// real binary format: the whole path (file reading, ImageDataset, validation split, ResNet-18 on
// 32×32, evaluation, top-5) on twelve images, seconds in a debug build.

/// One CIFAR-10 record: the label byte, then 1,024 red, 1,024 green and 1,024 blue bytes.
private func cifarRecord(_ r: Int, label: Int) -> [UInt8] {
    [UInt8(label)] + (0..<3072).map { UInt8(($0 / 1024 * 70 + ($0 % 32) * 3 + r * 11) % 256) }
}

@Test func trainsResNet18OnATinyCIFAR10Directory() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apus-cifar10-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    // data_batch_1…5.bin with two records each (10 training images, the last validates), test_batch.bin with two.
    for b in 1...5 {
        let records = (0..<2).flatMap { cifarRecord(b * 2 + $0, label: (b * 2 + $0) % 10) }
        try Data(records).write(to: dir.appendingPathComponent("data_batch_\(b).bin"))
    }
    try Data((0..<2).flatMap { cifarRecord(100 + $0, label: $0 * 3) }).write(to: dir.appendingPathComponent("test_batch.bin"))

    let r = try apus(["train", "--model", "resnet18", "--dataset", "cifar10", "--data", dir.path,
                      "--epochs", "1", "--json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let json = try lastLineJSON(r)
    #expect(json["dataset"] as? String == "cifar10" && json["model"] as? String == "resnet18")
    #expect(json["epochs"] as? Int == 1)
    #expect(json["parameters"] as? Int == 11_181_642)  // torchvision resnet18(num_classes=10)
    for key in ["train_accuracy", "validation_accuracy", "test_accuracy", "test_top5_accuracy"] {
        let value = try #require(json[key] as? Double, "\(key) missing from \(json)")
        #expect(value >= 0 && value <= 1, "\(key) = \(value)")
    }
    // Accuracies over 9 training, 1 validation and 2 test images are multiples of 1/9, 1 and 1/2
    // (one batch of 9 at the default batch size 64; a last batch of 1 would stop batch norm, as in PyTorch).
    let train = try #require(json["train_accuracy"] as? Double), test = try #require(json["test_accuracy"] as? Double)
    func isMultiple(_ x: Double, of n: Double) -> Bool { Swift.abs(x * n - (x * n).rounded()) < 1e-9 }
    #expect(isMultiple(train, of: 9) && isMultiple(test, of: 2))
    #expect(json["validation_accuracy"] as? Double == 0 || json["validation_accuracy"] as? Double == 1)
    let loss = try #require(json["train_loss"] as? Double)
    #expect(loss.isFinite && loss > 0)
}
