import Apus

/// A segmentation mask: one class index per pixel, rows top to bottom, as the ground truth of
/// semantic segmentation (torchvision's `target` of `VOCSegmentation`).
///
/// A mask is class ids, never colours: a palette PNG gives its palette indices (Pascal VOC's
/// `SegmentationClass/*.png`), a grayscale PNG its grey values, as `numpy.array(PIL.Image.open(path))`
/// reads them. The value ``void`` (255) marks pixels that belong to no class (VOC's object borders,
/// padding added by transforms); losses and metrics leave them out.
///
/// Values are kept as `UInt16` (two bytes a pixel: 16-bit grayscale masks fit, and a mask stays small
/// next to its image); ``tensor()`` gives the int64 `[H, W]` class indices that `crossEntropy`,
/// `diceLoss` and `SegmentationConfusionMatrix` take.
///
/// ```swift
/// let mask = try SegmentationMask(contentsOf: "VOC2012/SegmentationClass/2007_000032.png")
/// let target = mask.tensor()      // int64 [281, 500]; 0 background, 1 aeroplane, …, 255 void
/// ```
public struct SegmentationMask: Sendable, Equatable {
    /// Columns of pixels.
    public let width: Int
    /// Rows of pixels.
    public let height: Int
    /// `height · width` class indices; pixel `(x, y)` is at `y · width + x`.
    public var values: [UInt16]

    /// The value of pixels that belong to no class: 255, torchvision's and Pascal VOC's `ignore_index`.
    public static let void: UInt16 = 255

    /// A mask of the given size holding `values` (row-major, `width · height` of them).
    public init(width: Int, height: Int, values: [UInt16]) {
        require(width > 0 && height > 0, "SegmentationMask: size must be positive, got \(width)×\(height)")
        require(values.count == width * height,
                "SegmentationMask: \(values.count) values do not hold \(width)×\(height) pixels")
        (self.width, self.height, self.values) = (width, height, values)
    }

    /// A mask of the given size with every pixel set to `value`.
    public init(width: Int, height: Int, filledWith value: UInt16 = 0) {
        require(width > 0 && height > 0, "SegmentationMask: size must be positive, got \(width)×\(height)")
        self.init(width: width, height: height, values: [UInt16](repeating: value, count: width * height))
    }

    /// The mask of an int64 (or any integer) tensor `[H, W]` of values in `0…65535`, such as a model's
    /// `argmax(axis: 0)` prediction.
    public init(_ tensor: Tensor) {
        require(tensor.rank == 2 && tensor.shape[0] > 0 && tensor.shape[1] > 0,
                "SegmentationMask: expected a non-empty [H, W] tensor, got shape \(tensor.shape)")
        require(!tensor.dtype.isFloatingPoint, "SegmentationMask: expected an integer tensor of class indices, got \(tensor.dtype)")
        let values = tensor.toArray(as: Int64.self)
        for v in values { require((0...65_535).contains(v), "SegmentationMask: value \(v) is outside 0…65535") }
        self.init(width: tensor.shape[1], height: tensor.shape[0], values: values.map { UInt16($0) })
    }

    /// Decodes a mask from the PNG file held in `bytes` (from `path`, named in errors).
    ///
    /// Palette PNGs give their indices, grayscale PNGs their values (8- and 16-bit as stored, 1-bit
    /// as 0 and 1, 2- and 4-bit scaled to 0…255 as Pillow opens them). Throws
    /// `ApusError.invalidArgument` naming `path` for an RGB or RGBA PNG or a JPEG (a mask must be a
    /// palette or grayscale PNG) and `ApusError.corruptFile(path:reason:)` for a damaged file.
    public init(decoding bytes: [UInt8], path: String = "<mask data>", maxPixels: Int = ImageDecoding.maxPixels) throws {
        switch ImageDecoding.format(of: bytes) {
        case .png:
            self = try PNGDecoder.decodeMask(bytes, path: path, maxPixels: maxPixels)
        case .jpeg:
            throw ApusError.invalidArgument(
                "mask '\(path)' is a JPEG: masks must be palette or grayscale PNGs holding a class index per pixel "
                + "(JPEG's lossy compression changes the indices)")
        case nil:
            throw ApusError.corruptFile(path: path, reason: "not a PNG file (unknown signature); masks are palette or grayscale PNGs")
        }
    }

    /// Reads and decodes the mask PNG at `path` (see ``init(decoding:path:maxPixels:)``).
    public init(contentsOf path: String, maxPixels: Int = ImageDecoding.maxPixels) throws {
        try self.init(decoding: FileBytes.read(path), path: path, maxPixels: maxPixels)
    }

    /// The class index of the pixel in column `x`, row `y`.
    public subscript(x: Int, y: Int) -> UInt16 {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// The mask as int64 class indices `[H, W]` (void pixels 255), the target of `crossEntropy`.
    public func tensor() -> Tensor {
        Tensor(shape: [height, width], of: Int64.self) { out in
            values.withUnsafeBufferPointer { v in
                for i in 0..<v.count { out[i] = Int64(v[i]) }
            }
        }
    }

    /// The largest value that is not ``void`` (nil when every pixel is void).
    public var largestClass: Int? {
        var largest = -1
        values.withUnsafeBufferPointer { v in
            for x in v where x != Self.void && Int(x) > largest { largest = Int(x) }
        }
        return largest < 0 ? nil : largest
    }

    /// The first pixel whose value is neither a class index below `classes` nor ``void``: its
    /// column, row and value; nil when every pixel is valid.
    public func firstInvalidPixel(classes: Int) -> (x: Int, y: Int, value: Int)? {
        let limit = Swift.min(classes, 65_536)
        let index: Int? = values.withUnsafeBufferPointer { v in
            for i in 0..<v.count where Int(v[i]) >= limit && v[i] != Self.void { return i }
            return nil
        }
        return index.map { ($0 % width, $0 / width, Int(values[$0])) }
    }

    /// Pascal VOC's colour map, 256 RGB triples (768 bytes): class 0 black, 1 dark red (128, 0, 0),
    /// 2 dark green, …, 255 (void) cream (224, 224, 192), the colours of `SegmentationClass/*.png`.
    public static let vocPalette: [UInt8] = (0..<256).flatMap { index -> [UInt8] in
        var (r, g, b, c) = (0, 0, 0, index)
        for bit in 0..<8 {
            r |= (c & 1) << (7 - bit)
            g |= (c >> 1 & 1) << (7 - bit)
            b |= (c >> 2 & 1) << (7 - bit)
            c >>= 3
        }
        return [UInt8(r), UInt8(g), UInt8(b)]
    }

    /// The mask as an 8-bit palette PNG file: each pixel stores its class index, shown in the colour
    /// `palette` gives it (RGB triples, VOC's colour map by default), as VOC's ground truth is stored.
    /// Reading it back with ``init(decoding:path:maxPixels:)`` gives the same values. Every value must
    /// be below 256 and have a colour.
    public func pngData(palette: [UInt8] = SegmentationMask.vocPalette) -> [UInt8] {
        require(palette.count % 3 == 0 && (3...768).contains(palette.count),
                "SegmentationMask.pngData: the palette must hold 1 to 256 RGB triples, got \(palette.count) bytes")
        let largest = values.max() ?? 0
        require(Int(largest) < palette.count / 3,
                "SegmentationMask.pngData: value \(largest) has no colour in a palette of \(palette.count / 3)")
        var scanlines = [UInt8](repeating: 0, count: height * (width + 1))
        for y in 0..<height {
            for x in 0..<width { scanlines[y * (width + 1) + 1 + x] = UInt8(values[y * width + x]) }
        }
        func bigEndian(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> UInt32($0)) } }
        func chunk(_ type: String, _ data: [UInt8], into file: inout [UInt8]) {
            let body = Array(type.utf8) + data
            file += bigEndian(UInt32(data.count))
            file += body
            file += bigEndian(Zlib.crc32(body))
        }
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let size: [UInt8] = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        let header: [UInt8] = size + [8, 3, 0, 0, 0]
        chunk("IHDR", header, into: &file)
        chunk("PLTE", palette, into: &file)
        chunk("IDAT", Zlib.deflate(scanlines), into: &file)
        chunk("IEND", [], into: &file)
        return file
    }

    // MARK: - Geometry (the mask side of the joint transforms)

    /// The values inside `box`, `fill` where it reaches past the mask.
    func cropped(_ box: CropBox, fill: UInt16 = SegmentationMask.void) -> SegmentationMask {
        let top = Swift.max(box.top, 0), bottom = Swift.min(box.top + box.height, height)
        let first = Swift.max(box.left, 0), last = Swift.min(box.left + box.width, width)
        var out = [UInt16](repeating: fill, count: box.height * box.width)
        if top < bottom && first < last {
            values.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for y in top..<bottom {
                        (dst.baseAddress! + (y - box.top) * box.width + first - box.left)
                            .update(from: src.baseAddress! + y * width + first, count: last - first)
                    }
                }
            }
        }
        return SegmentationMask(width: box.width, height: box.height, values: out)
    }

    /// The values inside `box` resized to `height` × `width` by nearest neighbour, as PIL's
    /// `crop(box).resize(size, NEAREST)` (what torchvision's `F.resized_crop` does to a mask): output
    /// column `x` reads source column `⌊(x + ½) · box.width / width⌋` of the box, summed step by step in
    /// doubles as PIL's affine scaling does, so the same columns are picked.
    func resizedNearest(_ box: CropBox, toHeight height: Int, width: Int) -> SegmentationMask {
        require(box.height > 0 && box.width > 0 && box.top >= 0 && box.left >= 0
                && box.top + box.height <= self.height && box.left + box.width <= self.width,
                "resizedNearest: crop \(box) is not inside the \(self.width)×\(self.height) mask")
        require(height > 0 && width > 0, "resizedNearest: output size must be positive, got \(height)×\(width)")
        func taps(_ length: Int, _ count: Int) -> [Int] {
            let step = Double(length) / Double(count)
            var position = step * 0.5, result = [Int](repeating: 0, count: count)
            for i in 0..<count {
                result[i] = Swift.min(Int(position), length - 1)
                position += step
            }
            return result
        }
        let columns = taps(box.width, width), rows = taps(box.height, height)
        let out = [UInt16](unsafeUninitializedCapacity: height * width) { dst, count in
            values.withUnsafeBufferPointer { src in
                columns.withUnsafeBufferPointer { columns in
                    for y in 0..<height {
                        let from = src.baseAddress! + (box.top + rows[y]) * self.width + box.left
                        let to = dst.baseAddress! + y * width
                        for x in 0..<width { to[x] = from[columns[x]] }
                    }
                }
            }
            count = height * width
        }
        return SegmentationMask(width: width, height: height, values: out)
    }

    /// The mask mirrored left to right.
    func flippedHorizontally() -> SegmentationMask {
        let (w, h) = (width, height)
        let out = [UInt16](unsafeUninitializedCapacity: values.count) { dst, count in
            values.withUnsafeBufferPointer { src in
                for y in 0..<h {
                    let from = src.baseAddress! + y * w, to = dst.baseAddress! + y * w
                    for x in 0..<w { to[w - 1 - x] = from[x] }
                }
            }
            count = values.count
        }
        return SegmentationMask(width: w, height: h, values: out)
    }
}

extension Image {
    /// The pixels inside `box`, `fill` (every channel) where it reaches past the image.
    func cropped(_ box: CropBox, fill: UInt8) -> Image {
        guard fill != 0 else { return cropped(box) }
        let inside = cropped(box)
        var out = Image(width: box.width, height: box.height, channels: channels, filledWith: fill)
        let top = Swift.max(-box.top, 0), bottom = Swift.min(height - box.top, box.height)
        let first = Swift.max(-box.left, 0), last = Swift.min(width - box.left, box.width)
        guard top < bottom && first < last else { return out }
        for y in top..<bottom {
            let start = (y * box.width + first) * channels, end = (y * box.width + last) * channels
            out.pixels.replaceSubrange(start..<end, with: inside.pixels[start..<end])
        }
        return out
    }
}
