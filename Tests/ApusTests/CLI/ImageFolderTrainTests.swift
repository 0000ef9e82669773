import Foundation
import Testing
@testable import ApusVision

// `apus train --dataset image-folder` on a small folder of PNG (and, with libjpeg-turbo, JPEG)
// files: the whole path in a debug build. CI trains ResNet-18 on a larger generated folder with
// the release binary (.ci/run).

/// Two classes of 14 images of different sizes, dark and bright, every other one a JPEG when
/// libjpeg-turbo is there.
private func makePhotoFolder() throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("apus-photos-\(UUID().uuidString)").path
    for (c, name) in ["dark", "bright"].enumerated() {
        try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
        for i in 0..<14 {
            let (w, h) = (30 + 3 * i, 40 - i)
            let pixels = (0..<(w * h * 3)).map { UInt8((c == 0 ? 20 : 200) + ($0 * 7 + i) % 40) }
            let ext = JPEGFixtures.libraryLoads && i % 2 == 1 ? "jpg" : "png"
            try Image(width: w, height: h, channels: 3, pixels: pixels).write(to: "\(root)/\(name)/\(i).\(ext)")
        }
    }
    return root
}

@Test func trainsAZooModelOnAnImageFolder() throws {
    let root = try makePhotoFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let r = try apus(["train", "--dataset", "image-folder", "--data", root, "--model", "lenet5", "--image-size", "28",
                      "--epochs", "2", "--batch-size", "8", "--workers", "2", "--json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let json = try lastLineJSON(r)
    #expect(json["classes"] as? [String] == ["bright", "dark"])
    #expect(json["dataset"] as? String == "image-folder")
    #expect(json["parameters"] as? Int == 61_326)   // LeNet-5 with 3 input channels and 2 classes
    #expect(r.stdoutLines.contains("classes: bright, dark"))
    // The same seed gives the same run, whatever the number of workers.
    let serial = try apus(["train", "--dataset", "image-folder", "--data", root, "--model", "lenet5", "--image-size", "28",
                           "--epochs", "2", "--batch-size", "8", "--workers", "0", "--json"])
    let again = try lastLineJSON(serial)
    for key in ["train_loss", "test_accuracy", "validation_accuracy"] {
        #expect(again[key] as? Double == json[key] as? Double, "\(key)")
    }
}

@Test func aDamagedPhotoStopsTheRunWithOneLineNamingIt() throws {
    let root = try makePhotoFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let victim = root + "/dark/3." + (JPEGFixtures.libraryLoads ? "jpg" : "png")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: victim))
    let r = try apus(["train", "--dataset", "image-folder", "--data", root, "--model", "lenet5", "--image-size", "28",
                      "--epochs", "1", "--workers", "2"])
    #expect(r.status != 0)
    #expect(r.stderrLines.count == 1 && r.stderrLines[0].hasPrefix("error: ") && r.stderrLines[0].contains(victim),
            "stderr: \(r.stderr)")
}

@Test func imageFolderFlagsAreChecked() throws {
    let missing = try apus(["train", "--dataset", "image-folder", "--model", "lenet5"])
    #expect(missing.status != 0 && missing.stderr.contains("needs --data DIR"))
    let size = try apus(["train", "--dataset", "digits", "--image-size", "32"])
    #expect(size.status != 0 && size.stderr.contains("--image-size applies to --dataset image-folder"))
    let workers = try apus(["train", "--workers", "-1"])
    #expect(workers.status != 0 && workers.stderr.contains("--workers must be in 0...64"))
    let root = try makePhotoFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let unsized = try apus(["train", "--dataset", "image-folder", "--data", root, "--model", "lenet5"])
    #expect(unsized.status != 0 && unsized.stderr.contains("--image-size N"), "stderr: \(unsized.stderr)")
}
