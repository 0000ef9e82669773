import Foundation
import Testing
@testable import Apus
import ApusVision

/// `History.plot(to:)`: the PNG decodes to the expected size, and each epoch's marker is where its
/// value puts it on the chart's axes.
struct TrainingCurvesTests {
    static let blue: (UInt8, UInt8, UInt8) = (31, 119, 180), orange: (UInt8, UInt8, UInt8) = (255, 127, 14)

    private func history() -> History {
        var h = History()
        let loss = [2.0, 1.2, 0.8, 0.5, 0.4], valLoss = [1.8, 1.3, 1.0, 0.9, 0.95]
        let accuracy = [0.3, 0.6, 0.75, 0.85, 0.9], valAccuracy = [0.35, 0.55, 0.7, 0.72, 0.7]
        for e in 0..<5 {
            h.append(epoch: e + 1, logs: Logs(["loss": loss[e], "accuracy": accuracy[e], "val_loss": valLoss[e],
                                              "val_accuracy": valAccuracy[e], "lr": 0.1]))
        }
        return h
    }

    @Test func pngHasTheSizeAndTheMarkersWhereTheDataSays() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apus-curves-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("curves.png").path
        let h = history()
        try h.plot(to: path)
        if let keep = ProcessInfo.processInfo.environment["APUS_KEEP_PLOT"] { try h.plot(to: keep) }
        let image = try Image(contentsOf: path).rgb()
        #expect(image.width == 1200 && image.height == 420)
        func color(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) { (image[x, y, 0], image[x, y, 1], image[x, y, 2]) }
        func same(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Bool { a == b }

        // Two charts of 600×420 (loss, accuracy; no lr). Accuracy's axis is 0…1, the epochs 1…5 span the plotting area.
        let area = LineChart.plotArea(width: 600, height: 420)
        #expect(area == (84, 44, 492, 316))
        func pixel(panel: Int, epoch: Int, value: Double, range: ClosedRange<Double>) -> (Int, Int) {
            let x = panel * 600 + area.x + Int((Double(epoch - 1) / 4 * Double(area.width - 1)).rounded())
            let y = area.y + area.height - 1 - Int(((value - range.lowerBound) / (range.upperBound - range.lowerBound) * Double(area.height - 1)).rounded())
            return (x, y)
        }
        for (e, (a, v)) in zip(h["accuracy"], h["val_accuracy"]).enumerated() {
            let (tx, ty) = pixel(panel: 1, epoch: e + 1, value: a, range: 0...1)
            let (vx, vy) = pixel(panel: 1, epoch: e + 1, value: v, range: 0...1)
            // A 5×5 marker around the point (clipped at the plotting area's edges), the validation
            // curve drawn over the training one.
            for (dx, dy) in [(0, 0), e == 0 ? (2, -2) : (-2, -2), e == 4 ? (-2, 2) : (2, 2)] {
                #expect(same(color(vx + dx, vy + dy), Self.orange), "val_accuracy epoch \(e + 1)")
                if abs(ty - vy) > 5 { #expect(same(color(tx + dx, ty + dy), Self.blue), "accuracy epoch \(e + 1)") }
            }
        }
        // Loss: losses from 0.4 to 2 are drawn on 0…2 (round numbers, from 0).
        #expect(h.chart(of: "loss").ranges.y == 0...2)
        for (e, l) in h["loss"].enumerated() {
            let (x, y) = pixel(panel: 0, epoch: e + 1, value: l, range: 0...2)
            #expect(same(color(x, y), Self.blue), "loss epoch \(e + 1)")
        }
        // Between the curves, far from any line, the plotting area is white (or a grid line).
        let (x, y) = pixel(panel: 1, epoch: 2, value: 0.1, range: 0...1)
        #expect(same(color(x + 7, y), (255, 255, 255)))
        // The legend has both colours above the plotting area; the axes are drawn.
        let legend = (0..<area.y).flatMap { y in (600..<1200).map { color($0, y) } }
        #expect(legend.contains { same($0, Self.blue) } && legend.contains { same($0, Self.orange) })
        #expect(same(color(area.x - 1, area.y + 100), (40, 40, 40)))
    }

    @Test func ticksAndLabels() {
        #expect(LineChart.niceStep(0.4) == 0.5 && LineChart.niceStep(0.21) == 0.25 && LineChart.niceStep(3) == 5)
        #expect(LineChart.niceStep(0.21, integers: true) == 1 && LineChart.niceStep(2.2, integers: true) == 5)
        #expect(LineChart.ticks(0...2, integers: false) == [0, 0.5, 1, 1.5, 2])
        #expect(LineChart.ticks(1...30, integers: true) == [5, 10, 15, 20, 25, 30])
        #expect(LineChart.ticks(1...12, integers: true) == [2, 4, 6, 8, 10, 12])
        #expect(LineChart.ticks(1...3, integers: true) == [1, 2, 3])
        #expect(LineChart.label(0.25, step: 0.25) == "0.25" && LineChart.label(2, step: 0.5) == "2.0" && LineChart.label(10, step: 5) == "10")
        #expect(LineChart.range([0.43, 2.31], round: true) == 0...2.5)
        #expect(LineChart.range([-1.2, 0.7], round: true) == -1.5...1)
    }

    @Test func badPathsAndEmptyHistoriesThrow() {
        #expect(throws: ApusError.self) { try self.history().plot(to: "curves.jpg") }
        #expect(throws: ApusError.self) { try History().plot(to: "curves.png") }
        #expect(throws: ApusError.self) { try self.history().plot(to: "/nonexistent-directory/curves.png") }
        // A single epoch still draws (one point at the left edge).
        var one = History()
        one.append(epoch: 1, logs: Logs(["loss": 1]))
        #expect(one.plotImage(width: 600, height: 420).width == 600)
    }
}
