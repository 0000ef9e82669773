import Apus

/// Resizes images with antialiased bilinear filtering: torchvision's `Resize(size, max_size=None)` on PIL
/// images, which is PIL's `Image.resize(size, Image.BILINEAR)`.
///
/// `Resize(256)` makes the shorter side 256 and the longer one `Int(256 · long / short)` (truncated, as
/// torchvision's `_compute_resized_output_size`): a 500×375 photo becomes 341×256. `Resize(height: 224,
/// width: 224)` gives exactly that size. Shrinking averages over a triangle filter widened by the shrink
/// factor, so small outputs do not alias; outputs equal Pillow 13's byte for byte.
///
/// ```swift
/// let eval = ImageCompose([Resize(256), CenterCrop(224)])
/// ```
public struct Resize: ImageTransform {
    /// How the output size follows from the input's.
    public enum Size: Sendable, Hashable {
        /// The shorter side becomes `side`, the longer keeps the aspect ratio (truncated), and is at most
        /// `maxSize` (the shorter then shrinks in proportion) when given: torchvision's `Resize(side, max_size)`.
        case shorterSide(Int, maxSize: Int?)
        /// Exactly `height` × `width`, whatever the input: torchvision's `Resize((height, width))`.
        case exact(height: Int, width: Int)
    }

    /// The output size rule.
    public let size: Size

    /// Shorter side to `size`, aspect ratio kept; the longer side at most `maxSize`, which must exceed `size`.
    public init(_ size: Int, maxSize: Int? = nil) {
        require(size > 0, "Resize: size must be positive, got \(size)")
        if let maxSize {
            require(maxSize > size, "Resize: maxSize \(maxSize) must be greater than the shorter side \(size)")
        }
        self.size = .shorterSide(size, maxSize: maxSize)
    }

    /// Exactly `height` × `width`.
    public init(height: Int, width: Int) {
        require(height > 0 && width > 0, "Resize: size must be positive, got \(height)×\(width)")
        size = .exact(height: height, width: width)
    }

    /// Exactly `size.height` × `size.width`, as torchvision's `Resize((h, w))`.
    public init(_ size: (height: Int, width: Int)) { self.init(height: size.height, width: size.width) }

    /// The size an image of `height` × `width` is resized to.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        switch size {
        case let .exact(h, w):
            return (h, w)
        case let .shorterSide(side, maxSize):
            let (short, long) = width <= height ? (width, height) : (height, width)
            // Python's `int(side * long / short)`: true division in doubles, then truncation.
            var (newShort, newLong) = (side, Int(Double(side * long) / Double(short)))
            if let maxSize, newLong > maxSize {
                (newShort, newLong) = (Int(Double(maxSize * newShort) / Double(newLong)), maxSize)
            }
            require(newShort > 0, "Resize: \(width)×\(height) image resized to a side of 0 (maxSize \(maxSize ?? 0))")
            return width <= height ? (newLong, newShort) : (newShort, newLong)
        }
    }

    /// `image` resized to ``outputSize(height:width:)``; the same image when that is its own size.
    public func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image {
        let (h, w) = outputSize(height: image.height, width: image.width)
        if h == image.height && w == image.width { return image }
        return image.resized(CropBox(top: 0, left: 0, height: image.height, width: image.width), toHeight: h, width: w)
    }
}

/// A rectangle of an image's pixels: rows `top..<top+height`, columns `left..<left+width` (torchvision's
/// crop parameters `(i, j, h, w)`).
public struct CropBox: Sendable, Hashable {
    /// First row.
    public var top: Int
    /// First column.
    public var left: Int
    /// Number of rows.
    public var height: Int
    /// Number of columns.
    public var width: Int

    /// The rectangle with top-left corner (`left`, `top`) and the given size.
    public init(top: Int, left: Int, height: Int, width: Int) {
        (self.top, self.left, self.height, self.width) = (top, left, height, width)
    }
}

extension Image {
    /// The pixels inside `box` resized to `height` × `width` with PIL's antialiased bilinear filter, in one
    /// go: torchvision's `F.resized_crop` (crop, then `Image.resize(..., BILINEAR)` of the crop), so the
    /// filter reads no pixel outside `box`, unlike PIL's `resize(size, box=...)`, which reads past its edges.
    ///
    /// Two passes as PIL, each rounding to 8-bit pixels: along rows (horizontal) then down columns
    /// (vertical), or the other way round when the height loses more than twice as many pixels as the
    /// width, as Pillow 13 chooses (older Pillow always goes horizontal first, which can differ by one
    /// level). The horizontal-first order resamples only the rows the vertical pass reads. An axis whose
    /// length does not change is copied, as PIL skips its pass.
    func resized(_ box: CropBox, toHeight height: Int, width: Int) -> Image {
        require(box.height > 0 && box.width > 0 && box.top >= 0 && box.left >= 0
                && box.top + box.height <= self.height && box.left + box.width <= self.width,
                "resized: crop \(box) is not inside the \(self.width)×\(self.height) image")
        require(height > 0 && width > 0, "resized: output size must be positive, got \(height)×\(width)")
        let c = channels, sourceStride = self.width * c, rowBytes = width * c
        let horizontal = width == box.width ? nil : BilinearTaps(source: box.width, output: width)
        let vertical = height == box.height ? nil : BilinearTaps(source: box.height, output: height)
        let verticalFirst = box.height - height > 0 && box.height - height > 2 * (box.width - width)
        let out = [UInt8](unsafeUninitializedCapacity: height * rowBytes) { buffer, count in
            pixels.withUnsafeBufferPointer { pixels in
                let origin = pixels.baseAddress! + (box.top * self.width + box.left) * c
                let dst = buffer.baseAddress!
                switch (horizontal, vertical) {
                case (nil, nil):
                    for y in 0..<height { (dst + y * rowBytes).initialize(from: origin + y * sourceStride, count: rowBytes) }
                case let (h?, nil):
                    h.resampleRows(origin, sourceStride, into: dst, rowBytes, rows: height, channels: c)
                case let (nil, v?):
                    v.resampleColumns(origin, sourceStride, firstRow: 0, rowBytes: rowBytes, into: dst)
                case let (h?, v?) where verticalFirst:
                    let tempStride = box.width * c
                    let temp = UnsafeMutablePointer<UInt8>.allocate(capacity: height * tempStride)
                    defer { temp.deallocate() }
                    v.resampleColumns(origin, sourceStride, firstRow: 0, rowBytes: tempStride, into: temp)
                    h.resampleRows(temp, tempStride, into: dst, rowBytes, rows: height, channels: c)
                case let (h?, v?):
                    let rows = v.sourceRange
                    let temp = UnsafeMutablePointer<UInt8>.allocate(capacity: rows.count * rowBytes)
                    defer { temp.deallocate() }
                    h.resampleRows(origin + rows.lowerBound * sourceStride, sourceStride, into: temp, rowBytes,
                                   rows: rows.count, channels: c)
                    v.resampleColumns(temp, rowBytes, firstRow: rows.lowerBound, rowBytes: rowBytes, into: dst)
                }
            }
            count = height * rowBytes
        }
        return Image(width: width, height: height, channels: c, pixels: out)
    }
}

/// PIL's bilinear resampling weights from `source` pixels to `output` pixels along one axis, computed once
/// per pass: output pixel `i` is centred at source position `(i + 0.5) · source / output`, and reads the
/// `counts[i]` pixels from `starts[i]` with weights `1 − |d|` of their centres' distance `d` (in output
/// pixels when shrinking: the triangle widens by the shrink factor), normalised to sum to 1 and stored in
/// fixed point with 22 fractional bits as PIL's `precompute_coeffs` and `normalize_coeffs_8bpc`.
struct BilinearTaps {
    /// First source pixel of each output pixel.
    let starts: [Int]
    /// Number of source pixels of each output pixel.
    let counts: [Int]
    /// `stride` weights per output pixel (the first `counts[i]` used), each `w · 2²²` rounded.
    let weights: [Int32]
    let stride: Int

    /// The fixed-point shift: 32 bits less 8 for the value and 2 for overflow, as PIL's `PRECISION_BITS`.
    static let precision: Int32 = 22

    init(source: Int, output: Int) {
        let scale = Double(source) / Double(output)
        let filterScale = Swift.max(scale, 1)
        let support = filterScale  // the triangle's half-width 1, widened when shrinking
        let inverseScale = 1 / filterScale  // multiplied, not divided by, for PIL's exact weights
        let stride = Int(support.rounded(.up)) * 2 + 1
        var starts = [Int](repeating: 0, count: output), counts = starts
        var weights = [Int32](repeating: 0, count: output * stride)
        var w = [Double](repeating: 0, count: stride)
        for i in 0..<output {
            let center = (Double(i) + 0.5) * scale
            // Int(_:) truncates toward zero, as C's (int) cast in PIL.
            let start = Swift.max(Int(center - support + 0.5), 0)
            let count = Swift.min(Int(center + support + 0.5), source) - start
            var total = 0.0
            for k in 0..<count {
                let d = Swift.abs((Double(k + start) - center + 0.5) * inverseScale)
                w[k] = d < 1 ? 1 - d : 0
                total += w[k]
            }
            for k in 0..<count {
                let normalised = total != 0 ? w[k] / total : w[k]
                weights[i * stride + k] = Int32(0.5 + normalised * Double(1 << BilinearTaps.precision))
            }
            (starts[i], counts[i]) = (start, count)
        }
        (self.starts, self.counts, self.weights, self.stride) = (starts, counts, weights, stride)
    }

    /// The source pixels any output pixel reads.
    var sourceRange: Range<Int> { starts[0]..<(starts[starts.count - 1] + counts[counts.count - 1]) }

    /// Resamples `rows` rows of interleaved 1- or 3-channel pixels along the row: row `r` starts at
    /// `source + r · sourceStride` and its `starts.count` output pixels go to `output + r · outputStride`.
    func resampleRows(_ source: UnsafePointer<UInt8>, _ sourceStride: Int, into output: UnsafeMutablePointer<UInt8>,
                      _ outputStride: Int, rows: Int, channels: Int) {
        let half: Int32 = 1 << (BilinearTaps.precision - 1)
        let used = sourceRange
        starts.withUnsafeBufferPointer { starts in
            counts.withUnsafeBufferPointer { counts in
                weights.withUnsafeBufferPointer { weights in
                    let weights = weights.baseAddress!
                    guard channels == 3 else {
                        for r in 0..<rows {
                            let src = source + r * sourceStride, dst = output + r * outputStride
                            for i in 0..<starts.count {
                                let p = src + starts[i], k = weights + i * stride
                                var sum = half  // rounding, added up front as PIL does
                                for t in 0..<counts[i] { sum &+= Int32(p[t]) &* k[t] }
                                dst[i] = UInt8(clamping: sum >> BilinearTaps.precision)
                            }
                        }
                        return
                    }
                    // Each RGB pixel of a row widened once to four lanes (R, G, B, 0): a tap is then one
                    // vector multiply-add instead of three.
                    let wide = UnsafeMutablePointer<SIMD4<Int32>>.allocate(capacity: used.count)
                    defer { wide.deallocate() }
                    for r in 0..<rows {
                        let dst = output + r &* outputStride
                        var q = source + (r &* sourceStride &+ 3 &* used.lowerBound)
                        for x in 0..<used.count {
                            wide[x] = SIMD4(Int32(q[0]), Int32(q[1]), Int32(q[2]), 0)
                            q += 3
                        }
                        for i in 0..<starts.count {
                            let p = wide + (starts[i] &- used.lowerBound), k = weights + i &* stride
                            var sum = SIMD4<Int32>(repeating: half)
                            for t in 0..<counts[i] { sum &+= p[t] &* k[t] }
                            sum &>>= BilinearTaps.precision
                            let o = dst + 3 &* i
                            o[0] = UInt8(clamping: sum[0])
                            o[1] = UInt8(clamping: sum[1])
                            o[2] = UInt8(clamping: sum[2])
                        }
                    }
                }
            }
        }
    }

    /// Resamples down the columns: output row `i` (of `starts.count`, each `rowBytes` long, one after the
    /// other at `output`) mixes the source rows `starts[i] ..< starts[i] + counts[i]`, where source row `y`
    /// is at `source + (y − firstRow) · sourceStride`. Every byte of a row is one column, whatever the
    /// channels: 16 columns at a time keep their sums in registers across the taps.
    func resampleColumns(_ source: UnsafePointer<UInt8>, _ sourceStride: Int, firstRow: Int, rowBytes: Int,
                         into output: UnsafeMutablePointer<UInt8>) {
        let half: Int32 = 1 << (BilinearTaps.precision - 1)
        weights.withUnsafeBufferPointer { weights in
            for i in 0..<starts.count {
                let k = weights.baseAddress! + i * stride, n = counts[i]
                let first = source + (starts[i] - firstRow) * sourceStride, dst = output + i * rowBytes
                var x = 0
                while x + 16 <= rowBytes {
                    var sum = SIMD16<Int32>(repeating: half)
                    for t in 0..<n {
                        let bytes = UnsafeRawPointer(first + t * sourceStride + x).loadUnaligned(as: SIMD16<UInt8>.self)
                        sum &+= SIMD16<Int32>(truncatingIfNeeded: bytes) &* k[t]
                    }
                    sum &>>= BilinearTaps.precision
                    let clamped = sum.clamped(lowerBound: .zero, upperBound: SIMD16(repeating: 255))
                    UnsafeMutableRawPointer(dst + x).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: clamped),
                                                                as: SIMD16<UInt8>.self)
                    x += 16
                }
                while x < rowBytes {
                    var sum = half
                    for t in 0..<n { sum &+= Int32(first[t * sourceStride + x]) &* k[t] }
                    dst[x] = UInt8(clamping: sum >> BilinearTaps.precision)
                    x += 1
                }
            }
        }
    }
}
