/// Drawing on an ``RGBImage``, for charts: filled rectangles and thick straight lines, clipped to
/// the image or to a rectangle of it.
extension RGBImage {
    /// A rectangle of the image: top-left corner and size.
    typealias Area = (x: Int, y: Int, width: Int, height: Int)

    /// Fills the rectangle with top-left corner (`x`, `y`), clipped to `area` (default: the whole image).
    mutating func fillRectangle(x: Int, y: Int, width: Int, height: Int, color: (UInt8, UInt8, UInt8), within area: Area? = nil) {
        let clip = area ?? (0, 0, self.width, self.height)
        let (x0, y0) = (Swift.max(x, clip.x, 0), Swift.max(y, clip.y, 0))
        let (x1, y1) = (Swift.min(x + width, clip.x + clip.width, self.width), Swift.min(y + height, clip.y + clip.height, self.height))
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 { self[column, row] = color }
        }
    }

    /// A straight line from `p0` to `p1` (Bresenham's), drawn with a `thickness`-pixel square
    /// brush, clipped to `area` (default: the whole image).
    mutating func drawLine(from p0: (x: Int, y: Int), to p1: (x: Int, y: Int), thickness: Int = 1,
                           color: (UInt8, UInt8, UInt8), within area: Area? = nil) {
        var (x, y) = p0
        let (dx, dy) = (Swift.abs(p1.x - x), -Swift.abs(p1.y - y))
        let (sx, sy) = (x < p1.x ? 1 : -1, y < p1.y ? 1 : -1)
        var error = dx + dy
        let offset = (thickness - 1) / 2
        while true {
            fillRectangle(x: x - offset, y: y - offset, width: thickness, height: thickness, color: color, within: area)
            if x == p1.x && y == p1.y { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }
}
