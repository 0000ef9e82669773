import Foundation

extension History {
    /// The training curves as a picture: one ``LineChart`` per metric side by side (`loss`,
    /// `accuracy`, … in the order the logs name them; the learning rate left out), each with the
    /// training value (`train`, blue) and the validation value (`validation`, orange, from the
    /// `val_` key) per epoch. Accuracies are drawn on a 0…1 axis; other metrics on an axis from the
    /// data, widened to round numbers. Each chart is `width / metrics` pixels wide.
    public func plotImage(width: Int = 1200, height: Int = 420) -> RGBImage {
        let metrics = plottedMetrics
        require(!metrics.isEmpty, "History.plotImage: no epochs with metrics to plot")
        var image = RGBImage(width: width, height: height)
        let panel = width / metrics.count
        for (i, metric) in metrics.enumerated() {
            chart(of: metric).draw(into: &image, left: i * panel, top: 0, width: panel, height: height)
        }
        return image
    }

    /// Writes ``plotImage(width:height:)`` to `path` as a PNG file, atomically.
    ///
    /// Throws when `path` does not end in `.png`, when no epoch has been logged, or when the file
    /// cannot be written.
    public func plot(to path: String, width: Int = 1200, height: Int = 420) throws {
        guard URL(fileURLWithPath: path).pathExtension.lowercased() == "png" else {
            throw ApusError.invalidArgument("training curves are written as PNG: '\(path)' does not end in .png")
        }
        guard !plottedMetrics.isEmpty else {
            throw ApusError.invalidArgument("no training curves to draw to '\(path)': no epoch was logged")
        }
        try plotImage(width: width, height: height).writePNG(to: path)
    }

    /// The chart of one metric: `metric` and `val_metric` against the epoch.
    public func chart(of metric: String) -> LineChart {
        func points(_ key: String) -> [(x: Double, y: Double)] {
            zip(epochs, logs).compactMap { epoch, entry in entry[key].map { (Double(epoch), $0) } }
        }
        var series = [LineChart.Series("train", points: points(metric), color: (31, 119, 180))]
        let validation = points("val_" + metric)
        if !validation.isEmpty { series.append(LineChart.Series("validation", points: validation, color: (255, 127, 14))) }
        let first = Double(epochs.first ?? 1), last = Double(epochs.last ?? 1)
        let values = series.flatMap(\.points).map(\.y).filter(\.isFinite)
        let isFraction = MonitorMode.auto.resolved(for: metric) == .max && values.allSatisfy { (0...1).contains($0) }
        return LineChart(title: metric, xLabel: "epoch", series: series, xRange: first...Swift.max(last, first + 1),
                         yRange: isFraction ? 0...1 : nil)
    }

    /// Logged metrics other than learning rates, without the `val_` prefix, in first-logged order.
    var plottedMetrics: [String] {
        var names: [String] = []
        for entry in logs {
            for key in entry.keys {
                let name = key.hasPrefix("val_") ? String(key.dropFirst(4)) : key
                guard name != "lr", !name.hasSuffix("_lr"), !names.contains(name) else { continue }
                names.append(name)
            }
        }
        return names
    }
}
