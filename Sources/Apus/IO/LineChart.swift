import Foundation

/// A line chart drawn as an image: a title, a legend, axes with ticks at round numbers and their
/// labels, a light grid, and each series as a line through square markers at its points. Used by
/// ``History/plot(to:width:height:)`` for training curves; text uses a built-in 5×7 pixel font at
/// twice its size.
///
/// The layout is fixed, so that a point's pixel can be computed: the plotting area of a chart of
/// `width`×`height` pixels is ``plotArea(width:height:)``; the smallest x of the range is on its
/// left column, the largest on its right column, the smallest y on its bottom row and the largest
/// on its top row.
public struct LineChart: Sendable {
    /// One line of the chart.
    public struct Series: Sendable {
        /// The name shown in the legend (`loss`, `val_loss`).
        public var name: String
        /// The points in drawing order, joined by straight lines.
        public var points: [(x: Double, y: Double)]
        /// The line's colour as red, green, blue bytes.
        public var color: (UInt8, UInt8, UInt8)

        /// A series; points with a non-finite coordinate are left out (the line breaks there).
        public init(_ name: String, points: [(x: Double, y: Double)], color: (UInt8, UInt8, UInt8)) {
            (self.name, self.points, self.color) = (name, points, color)
        }
    }

    /// The text above the plotting area.
    public var title: String
    /// The label under the x axis (`epoch`); empty: none.
    public var xLabel: String
    /// The lines, drawn in order (the last on top) and listed in the legend.
    public var series: [Series]
    /// The x axis's range; nil: from the smallest to the largest x of the points.
    public var xRange: ClosedRange<Double>?
    /// The y axis's range; nil: from the data, widened to round numbers (from 0 when no value is negative).
    public var yRange: ClosedRange<Double>?

    /// A chart of `series`; the axes' ranges come from the data unless given.
    public init(title: String, xLabel: String = "", series: [Series], xRange: ClosedRange<Double>? = nil,
                yRange: ClosedRange<Double>? = nil) {
        (self.title, self.xLabel, self.series, self.xRange, self.yRange) = (title, xLabel, series, xRange, yRange)
    }

    /// Text is drawn at this multiple of the 5×7 font.
    static let textScale = 2
    static let margins = (left: 84, right: 24, top: 44, bottom: 60)

    /// The plotting area (inside the axes) of a chart drawn `width`×`height` pixels: 84 pixels from
    /// the left (tick labels), 24 from the right, 44 from the top (title and legend), 60 from the
    /// bottom (tick labels and the x axis's label).
    public static func plotArea(width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        (margins.left, margins.top, width - margins.left - margins.right, height - margins.top - margins.bottom)
    }

    /// The ranges the chart is drawn with: given, or from the points as described at ``xRange`` and ``yRange``.
    public var ranges: (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let x = xRange ?? Self.range(points.map(\.x), round: false)
        let y = yRange ?? Self.range(points.map(\.y), round: true)
        return (x, y)
    }

    /// The chart alone, `width`×`height` pixels on white.
    public func image(width: Int = 600, height: Int = 420) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        draw(into: &image, left: 0, top: 0, width: width, height: height)
        return image
    }

    /// Draws the chart into the `width`×`height` rectangle of `image` whose top-left corner is (`left`, `top`).
    public func draw(into image: inout RGBImage, left: Int, top: Int, width: Int, height: Int) {
        let s = Self.textScale, textHeight = BitmapFont.height(scale: s)
        let local = Self.plotArea(width: width, height: height)
        require(local.width > 20 && local.height > 20, "LineChart: \(width)×\(height) pixels leave no room to plot")
        let area = (x: left + local.x, y: top + local.y, width: local.width, height: local.height)
        let (xr, yr) = ranges
        func px(_ x: Double) -> Int { area.x + Int(((x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * Double(area.width - 1)).rounded()) }
        func py(_ y: Double) -> Int {
            area.y + area.height - 1 - Int(((y - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * Double(area.height - 1)).rounded())
        }
        let ink: (UInt8, UInt8, UInt8) = (40, 40, 40), grid: (UInt8, UInt8, UInt8) = (225, 225, 225)

        // Grid and tick labels.
        let xTicks = Self.ticks(xr, integers: true), yTicks = Self.ticks(yr, integers: false)
        for t in yTicks {
            let y = py(t)
            image.fillRectangle(x: area.x, y: y, width: area.width, height: 1, color: grid)
            image.fillRectangle(x: area.x - 6, y: y, width: 6, height: 1, color: ink)
            let label = Self.label(t, step: Self.step(yTicks))
            image.drawText(label, x: area.x - 10 - BitmapFont.width(of: label, scale: s), y: y - textHeight / 2, scale: s, color: ink)
        }
        for t in xTicks {
            let x = px(t)
            image.fillRectangle(x: x, y: area.y, width: 1, height: area.height, color: grid)
            image.fillRectangle(x: x, y: area.y + area.height, width: 1, height: 6, color: ink)
            let label = Self.label(t, step: Self.step(xTicks))
            image.drawText(label, x: x - BitmapFont.width(of: label, scale: s) / 2, y: area.y + area.height + 10, scale: s, color: ink)
        }
        // Axes along the left and bottom edges of the plotting area.
        image.fillRectangle(x: area.x - 1, y: area.y, width: 1, height: area.height + 1, color: ink)
        image.fillRectangle(x: area.x - 1, y: area.y + area.height, width: area.width + 1, height: 1, color: ink)
        if !xLabel.isEmpty {
            image.drawText(xLabel, x: area.x + (area.width - BitmapFont.width(of: xLabel, scale: s)) / 2,
                           y: top + height - textHeight - 8, scale: s, color: ink)
        }
        // Title on the left, legend on the right, above the plotting area.
        let titleY = top + (local.y - textHeight) / 2
        image.drawText(title, x: area.x, y: titleY, scale: s, color: (0, 0, 0))
        var legendX = area.x + area.width
        for entry in series.reversed() {
            legendX -= BitmapFont.width(of: entry.name, scale: s) + 28
            image.fillRectangle(x: legendX, y: titleY + 2, width: 10, height: 10, color: entry.color)
            image.drawText(entry.name, x: legendX + 16, y: titleY, scale: s, color: ink)
        }
        // Lines, then markers on top, clipped to the plotting area.
        for entry in series {
            var previous: (x: Int, y: Int)?
            for p in entry.points {
                guard p.x.isFinite && p.y.isFinite else { previous = nil; continue }
                let q = (x: px(p.x), y: py(p.y))
                if let previous { image.drawLine(from: previous, to: q, thickness: 2, color: entry.color, within: area) }
                previous = q
            }
        }
        for entry in series {
            for p in entry.points where p.x.isFinite && p.y.isFinite {
                image.fillRectangle(x: px(p.x) - 2, y: py(p.y) - 2, width: 5, height: 5, color: entry.color, within: area)
            }
        }
    }

    // MARK: Axes

    /// [min, max] of `values`; with `round`, widened to multiples of a round step and to include 0
    /// when no value is negative. A single value or none gets a unit-wide range.
    static func range(_ values: [Double], round: Bool) -> ClosedRange<Double> {
        guard var low = values.min(), var high = values.max() else { return 0...1 }
        if round && low >= 0 { low = 0 }
        if high - low < 1e-12 { (low, high) = round && low == 0 ? (0, Swift.max(high, 1)) : (low - 0.5, high + 0.5) }
        guard round else { return low...high }
        let step = niceStep((high - low) / Double(maxIntervals))
        return (low / step).rounded(.down) * step...(high / step).rounded(.up) * step
    }

    /// An axis has at most this many intervals between ticks.
    static let maxIntervals = 6

    /// 1, 2, 2.5 or 5 times a power of ten (not 2.5 with `integers`, and at least 1), the smallest at least `rough`.
    static func niceStep(_ rough: Double, integers: Bool = false) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = Foundation.pow(10.0, Foundation.log10(rough).rounded(.down))
        let multiples: [Double] = integers ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10]
        let step = multiples.map { $0 * magnitude }.first { $0 >= rough * (1 - 1e-9) } ?? 10 * magnitude
        return integers ? Swift.max(1, step.rounded()) : step
    }

    /// Round-numbered ticks inside `range`, at most ``maxIntervals`` apart (whole numbers only with `integers`).
    static func ticks(_ range: ClosedRange<Double>, integers: Bool) -> [Double] {
        let step = niceStep((range.upperBound - range.lowerBound) / Double(maxIntervals), integers: integers)
        let first = (range.lowerBound / step - 1e-9).rounded(.up)
        return stride(from: first, through: range.upperBound / step + 1e-9, by: 1).map { $0 * step }
    }

    private static func step(_ ticks: [Double]) -> Double { ticks.count > 1 ? ticks[1] - ticks[0] : 1 }

    /// A tick value with as many decimals as its step needs (`0.25`, `1.5`, `10`).
    static func label(_ value: Double, step: Double) -> String {
        var decimals = 0
        while decimals < 6, Swift.abs((step * Foundation.pow(10.0, Double(decimals))).rounded() - step * Foundation.pow(10.0, Double(decimals))) > 1e-9 {
            decimals += 1
        }
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
