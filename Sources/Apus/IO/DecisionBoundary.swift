/// Pictures of what a 2-D classifier has learned: the plane coloured by predicted class, with the
/// training points on top.
public enum DecisionBoundary {
    /// A colour per class (light for regions, full for points), repeating after ten classes.
    static let palette: [(UInt8, UInt8, UInt8)] = [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
        (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
    ]

    /// Renders `model` over the bounding box of `inputs` (`[N, 2]`, with a 10% margin) at
    /// `width`×`height` pixels, then draws each input as a dot of its label's colour.
    ///
    /// The model maps `[M, 2]` to logits `[M, C]` (class = argmax) or to `[M, 1]` / `[M]`
    /// scores (class 1 where the score is positive, as for logistic regression on logits).
    public static func image(of model: (Tensor) -> Tensor, inputs: Tensor, labels: Tensor,
                             width: Int = 300, height: Int = 300) -> RGBImage {
        require(inputs.rank == 2 && inputs.shape[1] == 2 && labels.shape == [inputs.shape[0]],
                "DecisionBoundary.image: inputs \(inputs.shape) and labels \(labels.shape) are not [N, 2] and [N]")
        let xs = inputs.contiguous().toDoubles()
        let px = stride(from: 0, to: xs.count, by: 2).map { xs[$0] }, py = stride(from: 1, to: xs.count, by: 2).map { xs[$0] }
        let (x0, x1) = padded(px.min() ?? -1, px.max() ?? 1), (y0, y1) = padded(py.min() ?? -1, py.max() ?? 1)
        var grid: [Double] = []
        grid.reserveCapacity(2 * width * height)
        for row in 0..<height {
            let y = y1 - (y1 - y0) * (Double(row) + 0.5) / Double(height)
            for col in 0..<width { grid += [x0 + (x1 - x0) * (Double(col) + 0.5) / Double(width), y] }
        }
        let classes = noGrad { predictedClasses(model(Tensor(shape: [width * height, 2], values: grid, dtype: inputs.dtype))) }
        var image = RGBImage(width: width, height: height)
        for (i, c) in classes.enumerated() {
            let (r, g, b) = palette[c % palette.count]
            image[i % width, i / width] = (lighten(r), lighten(g), lighten(b))
        }
        for (i, label) in labels.contiguous().toDoubles().enumerated() {
            let col = Int((px[i] - x0) / (x1 - x0) * Double(width)), row = Int((y1 - py[i]) / (y1 - y0) * Double(height))
            drawDot(&image, col, row, palette[Int(label) % palette.count])
        }
        return image
    }

    static func predictedClasses(_ output: Tensor) -> [Int] {
        if output.rank == 2 && output.shape[1] > 1 {
            return output.argmax(axis: 1).toDoubles().map { Int($0) }
        }
        return output.contiguous().toDoubles().map { $0 > 0 ? 1 : 0 }
    }

    private static func padded(_ low: Double, _ high: Double) -> (Double, Double) {
        let margin = Swift.max(high - low, 1e-6) * 0.1
        return (low - margin, high + margin)
    }

    private static func lighten(_ v: UInt8) -> UInt8 { UInt8((Int(v) + 2 * 255) / 3) }

    private static func drawDot(_ image: inout RGBImage, _ cx: Int, _ cy: Int, _ colour: (UInt8, UInt8, UInt8)) {
        for dy in -3...3 {
            for dx in -3...3 where dx * dx + dy * dy <= 9 {
                let x = cx + dx, y = cy + dy
                guard x >= 0, x < image.width, y >= 0, y < image.height else { continue }
                image[x, y] = dx * dx + dy * dy >= 7 ? (0, 0, 0) : colour
            }
        }
    }
}
