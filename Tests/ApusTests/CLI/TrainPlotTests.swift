import Foundation
import Testing
import Apus
import ApusVision

/// `apus train --plot FILE.png` draws the run's loss and accuracy curves.
struct TrainPlotTests {
    @Test func trainWritesItsCurves() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apus-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("curves.png").path
        let run = try apus(["train", "--epochs", "3", "--plot", path, "--csv-log", dir.appendingPathComponent("log.csv").path])
        #expect(run.status == 0, "\(run.stderr)")
        let image = try Image(contentsOf: path).rgb()
        #expect(image.width == 1200 && image.height == 420)
        // The training accuracy of epoch 3 (from the CSV log) has its marker where the 0…1 axis puts it.
        let rows = try String(contentsOfFile: dir.appendingPathComponent("log.csv").path, encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let column = try #require(rows[0].firstIndex(of: "accuracy"))
        let accuracy = try #require(Double(rows[3][column]))
        let area = LineChart.plotArea(width: 600, height: 420)
        let x = 600 + area.x + area.width - 1, y = area.y + area.height - 1 - Int((accuracy * Double(area.height - 1)).rounded())
        let rgb = (image[x - 1, y, 0], image[x - 1, y, 1], image[x - 1, y, 2])
        #expect(rgb == (31, 119, 180) || rgb == (255, 127, 14), "marker colour at (\(x - 1), \(y)): \(rgb)")

        for (arguments, message) in [(["--plot", dir.appendingPathComponent("curves.jpg").path], "--plot writes a PNG image"),
                                     (["--plot", dir.appendingPathComponent("missing/c.png").path], "--plot: directory")] {
            let bad = try apus(["train", "--epochs", "1"] + arguments)
            #expect(bad.status != 0 && bad.stderrLines.count == 1 && bad.stderr.contains(message), "\(bad.stderr)")
        }
    }
}
