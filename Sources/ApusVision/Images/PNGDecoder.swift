import Apus

/// PNG decoding (ISO/IEC 15948) on zlib: every colour type and bit depth PNG allows, Adam7
/// interlacing and all five filters, into 8-bit ``Image``s the way Pillow converts them.
///
/// - Grey (colour type 0) and grey + alpha (4) give one channel, RGB (2), palette (3) and RGBA (6)
///   three: alpha and tRNS transparency are dropped, as PIL's `convert("L")` / `convert("RGB")` do.
/// - Grey samples of 1, 2 and 4 bits are scaled to 0…255 (×255, ×85, ×17); palette indices of any
///   depth are looked up in PLTE.
/// - 16-bit samples keep their high byte (`v >> 8`). Pillow does the same for RGB, RGBA and grey +
///   alpha, but clips 16-bit grey to 255 in `convert("L")`; the high byte keeps the picture.
///
/// Every chunk's CRC is checked, and the size in IHDR against the pixel limit before anything is
/// allocated; the image data is inflated with a cap of exactly the bytes the scanlines need.
/// Ancillary chunks (tRNS, gAMA, text, …) are skipped; an unknown critical chunk is an error.
enum PNGDecoder {
    /// Decodes the PNG file held in `bytes` (from `path`, named in errors).
    ///
    /// Throws `ApusError.corruptFile(path:reason:)` for a wrong signature, a truncated file or
    /// chunk, a bad CRC (naming the chunk), an invalid IHDR (size, bit depth for the colour type,
    /// compression, filter or interlace method), a size above `maxPixels`, a missing PLTE, IDAT or
    /// IEND, image data that inflates to fewer or more bytes than the scanlines need, an invalid
    /// filter type, or a palette index beyond PLTE.
    static func decode(_ bytes: [UInt8], path: String, maxPixels: Int) throws -> Image {
        let chunks = try Chunks(bytes, path: path, maxPixels: maxPixels)
        let header = chunks.header
        let channels = header.outputChannels
        var pixels = [UInt8](repeating: 0, count: header.width * header.height * channels)
        try pixels.withUnsafeMutableBufferPointer { out in
            try forEachRow(of: chunks, path: path) { pass, y, row in
                let target = out.baseAddress! + (y * header.width + pass.x0) * channels
                try header.expand(row, count: pass.width, into: target, step: pass.dx * channels,
                                  palette: chunks.palette, path: path)
            }
        }
        return Image(width: header.width, height: header.height, channels: channels, pixels: pixels)
    }

    /// Decodes the PNG file held in `bytes` as a segmentation mask: one stored sample per pixel,
    /// not a colour, as `numpy.array(PIL.Image.open(path))` reads it: a palette image gives its palette
    /// indices (PLTE is not looked up), a grey image its grey values: 8- and 16-bit values as stored,
    /// 1-bit ones as 0 and 1, 2- and 4-bit ones scaled to 0…255 as Pillow opens them (grey + alpha:
    /// the grey sample).
    ///
    /// Throws `ApusError.invalidArgument` naming `path` for an RGB or RGBA PNG (a mask must be a
    /// palette or grayscale PNG of class indices), and everything ``decode(_:path:maxPixels:)`` throws.
    static func decodeMask(_ bytes: [UInt8], path: String, maxPixels: Int) throws -> SegmentationMask {
        let chunks = try Chunks(bytes, path: path, maxPixels: maxPixels)
        let header = chunks.header
        guard header.colorType == 0 || header.colorType == 3 || header.colorType == 4 else {
            let kind = header.colorType == 2 ? "an RGB" : "an RGBA"
            throw ApusError.invalidArgument(
                "mask '\(path)' is \(kind) PNG: masks must be palette or grayscale PNGs holding a class index per pixel "
                + "(255 for void), not colours; save it with PIL as Image.fromarray(indices.astype(np.uint8), mode=\"P\") "
                + "or mode \"L\"")
        }
        var values = [UInt16](repeating: 0, count: header.width * header.height)
        let entries = chunks.palette.count / 3
        try values.withUnsafeMutableBufferPointer { out in
            try forEachRow(of: chunks, path: path) { pass, y, row in
                try header.samples(row, count: pass.width, into: out.baseAddress! + y * header.width + pass.x0,
                                   step: pass.dx, paletteEntries: entries, path: path)
            }
        }
        return SegmentationMask(width: header.width, height: header.height, values: values)
    }

    /// Inflates and unfilters the image data of `chunks` and hands each scanline to `body`: the pass
    /// it belongs to (the whole picture, or an Adam7 pass), the picture row `y` it fills, and its
    /// unfiltered bytes (`header.rowBytes(pass.width)` of them).
    ///
    /// Throws `ApusError.corruptFile(path:reason:)` for image data that inflates to fewer or more
    /// bytes than the scanlines need, or an invalid filter type; rethrows what `body` throws.
    private static func forEachRow(of chunks: Chunks, path: String,
                                   _ body: (_ pass: Pass, _ y: Int, _ row: UnsafePointer<UInt8>) throws -> Void) throws {
        func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }
        let header = chunks.header

        // The scanlines of all passes, each a filter-type byte and the row's bytes.
        var expected = 0
        for pass in header.passes {
            let (rows, overflow) = pass.height.multipliedReportingOverflow(by: 1 + header.rowBytes(pass.width))
            let (sum, overflowSum) = expected.addingReportingOverflow(rows)
            guard !overflow, !overflowSum else { throw corrupt("image of \(header.width)×\(header.height) pixels is too large to decode") }
            expected = sum
        }
        let inflater = Zlib.Inflater(chunks.imageData, format: .zlib, path: path)
        var scanlines: [UInt8] = []
        if try inflater.read(into: &scanlines, upTo: expected) {
            guard scanlines.count == expected else {
                throw corrupt("truncated image data: it inflates to \(scanlines.count) bytes, the scanlines of "
                              + "\(header.width)×\(header.height) pixels need \(expected)")
            }
        } else if try inflater.hasMoreOutput() {
            throw corrupt("too much image data: it inflates to more than the \(expected) bytes the scanlines of "
                          + "\(header.width)×\(header.height) pixels need")
        }

        try scanlines.withUnsafeMutableBufferPointer { lines in
            var line = lines.baseAddress!
            for (index, pass) in header.passes.enumerated() {
                let rowBytes = header.rowBytes(pass.width)
                for row in 0..<pass.height {
                    let filter = line[0]
                    let current = line + 1
                    let previous = row > 0 ? UnsafePointer(current - (1 + rowBytes)) : nil
                    guard unfilter(filter, current, previous: previous, count: rowBytes, bytesPerPixel: header.filterStride) else {
                        let which = header.interlaced ? " of Adam7 pass \(index + 1)" : ""
                        throw corrupt("invalid filter type \(filter) in scanline \(row)\(which) (PNG has filter types 0–4)")
                    }
                    try body(pass, pass.y0 + row * pass.dy, current)
                    line += 1 + rowBytes
                }
            }
        }
    }

    /// Undoes PNG filter `filter` (PNG §9) on the `count` bytes at `line`, in place, given the
    /// already unfiltered row above (nil for the first row of a pass, which PNG treats as zeros)
    /// and the distance in bytes to the corresponding byte of the pixel to the left. Returns false
    /// for an unknown filter type.
    static func unfilter(_ filter: UInt8, _ line: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>?,
                         count: Int, bytesPerPixel bpp: Int) -> Bool {
        let lead = min(bpp, count)  // bytes with no pixel to their left
        switch (filter, previous) {
        case (0, _), (2, nil):
            break
        case (1, _), (4, nil):  // Paeth with zeros above predicts the left byte, as Sub does
            for i in lead..<count { line[i] &+= line[i - bpp] }
        case (2, let above?):
            for i in 0..<count { line[i] &+= above[i] }
        case (3, nil):
            for i in lead..<count { line[i] &+= line[i - bpp] >> 1 }
        case (3, let above?):
            for i in 0..<lead { line[i] &+= above[i] >> 1 }
            for i in lead..<count { line[i] &+= UInt8((UInt16(line[i - bpp]) + UInt16(above[i])) >> 1) }
        case (4, let above?):
            for i in 0..<lead { line[i] &+= above[i] }  // Paeth with zeros left predicts the byte above
            for i in lead..<count {
                let a = Int(line[i - bpp]), b = Int(above[i]), c = Int(above[i - bpp])
                let pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c)
                line[i] &+= UInt8(truncatingIfNeeded: pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
            }
        default:
            return false
        }
        return true
    }

    /// A rectangle of the picture stored as one sub-image: every `dx`-th pixel from column `x0`
    /// of every `dy`-th row from `y0` (the whole picture, or one of Adam7's seven passes).
    struct Pass {
        var x0: Int, y0: Int, dx: Int, dy: Int
        /// Columns and rows of the pass for a `width`×`height` picture (zero when it is empty).
        var width = 0, height = 0
    }

    /// The fields of IHDR and what follows from them.
    struct Header {
        var width: Int, height: Int
        var bitDepth: Int
        var colorType: UInt8
        var interlaced: Bool

        /// Samples per pixel of the colour type: grey 1, RGB 3, palette index 1, grey + alpha 2, RGBA 4.
        var samplesPerPixel: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]! }
        /// Channels of the decoded image: grey (with or without alpha) 1, colour 3.
        var outputChannels: Int { colorType == 0 || colorType == 4 ? 1 : 3 }
        var bitsPerPixel: Int { samplesPerPixel * bitDepth }
        /// The filters' distance to the same byte of the pixel to the left: whole bytes per pixel, at least 1.
        var filterStride: Int { max(1, bitsPerPixel / 8) }

        /// Bytes of one row of `pixels` pixels (rows start on a byte).
        func rowBytes(_ pixels: Int) -> Int { (pixels * bitsPerPixel + 7) / 8 }

        /// The passes the image data holds, in order; empty Adam7 passes (small images) are left out.
        var passes: [Pass] {
            let layout = interlaced
                ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
                : [(0, 0, 1, 1)]
            return layout.compactMap { x0, y0, dx, dy in
                var pass = Pass(x0: x0, y0: y0, dx: dx, dy: dy)
                pass.width = width > x0 ? (width - x0 + dx - 1) / dx : 0
                pass.height = height > y0 ? (height - y0 + dy - 1) / dy : 0
                return pass.width > 0 && pass.height > 0 ? pass : nil
            }
        }

        /// Reads the 13 bytes of IHDR and checks them against the PNG specification and `maxPixels`.
        init(_ data: ArraySlice<UInt8>, path: String, maxPixels: Int) throws {
            func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }
            guard data.count == 13 else { throw corrupt("IHDR chunk has \(data.count) bytes, expected 13") }
            let d = Array(data)
            width = Int(bigEndianAt: 0, of: d)
            height = Int(bigEndianAt: 4, of: d)
            bitDepth = Int(d[8])
            colorType = d[9]
            guard width <= Int(Int32.max), height <= Int(Int32.max) else {
                throw corrupt("IHDR claims \(width)×\(height) pixels; PNG allows at most 2³¹−1 per side")
            }
            let depths: [UInt8: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
            guard let allowed = depths[colorType] else {
                throw corrupt("IHDR has colour type \(colorType); PNG has 0 (grey), 2 (RGB), 3 (palette), 4 (grey + alpha), 6 (RGBA)")
            }
            guard allowed.contains(bitDepth) else {
                throw corrupt("IHDR has bit depth \(bitDepth) for colour type \(colorType), which allows \(allowed.map(String.init).joined(separator: ", "))")
            }
            guard d[10] == 0 else { throw corrupt("IHDR has compression method \(d[10]); PNG has only 0 (deflate)") }
            guard d[11] == 0 else { throw corrupt("IHDR has filter method \(d[11]); PNG has only 0 (adaptive)") }
            guard d[12] <= 1 else { throw corrupt("IHDR has interlace method \(d[12]); PNG has 0 (none) and 1 (Adam7)") }
            interlaced = d[12] == 1
            try ImageDecoding.checkSize(width: width, height: height, path: path, maxPixels: maxPixels)
        }

        /// Writes the `count` pixels of the unfiltered row at `row` to `out`, one pixel every `step`
        /// bytes, as 8-bit grey or RGB. Throws for a palette index beyond `palette` (RGB triples).
        func expand(_ row: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>, step: Int,
                    palette: [UInt8], path: String) throws {
            let bytesPerSample = bitDepth == 16 ? 2 : 1
            let stride = samplesPerPixel * bytesPerSample  // bytes per pixel in the row (8 and 16 bits)
            switch (colorType, bitDepth) {
            case (3, _):
                let entries = palette.count / 3
                try palette.withUnsafeBufferPointer { palette in
                    for i in 0..<count {
                        let index = Int(sample(row, i))
                        guard index < entries else {
                            throw ApusError.corruptFile(path: path, reason: "palette index \(index) is out of range: PLTE has \(entries) entries")
                        }
                        (out + i * step).update(from: palette.baseAddress! + 3 * index, count: 3)
                    }
                }
            case (0, ..<8):
                let scale = UInt8(255 / ((1 << bitDepth) - 1))  // 1 bit ×255, 2 bits ×85, 4 bits ×17
                for i in 0..<count { out[i * step] = sample(row, i) * scale }
            case (_, 8) where stride == outputChannels && step == stride:  // 8-bit grey or RGB, pixels side by side: as stored
                out.update(from: row, count: count * stride)
            case (0, _), (4, _):  // first sample (grey), high byte
                for i in 0..<count { out[i * step] = row[i * stride] }
            default:  // RGB and RGBA: first three samples, high bytes
                for i in 0..<count {
                    let p = row + i * stride, o = out + i * step
                    o[0] = p[0]
                    o[1] = p[bytesPerSample]
                    o[2] = p[2 * bytesPerSample]
                }
            }
        }

        /// Writes the first sample of each of the `count` pixels of the unfiltered row at `row` to
        /// `out`, one every `step` values: palette indices, grey values of 1 to 16 bits as
        /// ``PNGDecoder/decodeMask(_:path:maxPixels:)`` describes (grey + alpha: the grey sample).
        /// Throws for a palette index at or beyond `paletteEntries`.
        func samples(_ row: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt16>, step: Int,
                     paletteEntries: Int, path: String) throws {
            switch bitDepth {
            case 16:
                let stride = samplesPerPixel * 2
                for i in 0..<count { out[i * step] = UInt16(row[i * stride]) << 8 | UInt16(row[i * stride + 1]) }
            case 8:
                let stride = samplesPerPixel
                for i in 0..<count { out[i * step] = UInt16(row[i * stride]) }
            default:
                // Palette indices and 1-bit grey as stored; 2- and 4-bit grey scaled to 0…255 (×85,
                // ×17), as Pillow opens them (mode "1" keeps 0 and 1, mode "L" scales).
                let scale = colorType == 3 || bitDepth == 1 ? 1 : UInt16(255 / ((1 << bitDepth) - 1))
                for i in 0..<count { out[i * step] = UInt16(sample(row, i)) * scale }
            }
            if colorType == 3 {
                for i in 0..<count where Int(out[i * step]) >= paletteEntries {
                    throw ApusError.corruptFile(path: path, reason: "palette index \(out[i * step]) is out of range: PLTE has \(paletteEntries) entries")
                }
            }
        }

        /// Sample `i` of a row of single-sample pixels of 1, 2, 4 or 8 bits (packed from the high bit).
        @inline(__always) func sample(_ row: UnsafePointer<UInt8>, _ i: Int) -> UInt8 {
            let bit = i * bitDepth
            return (row[bit >> 3] >> (8 - bitDepth - (bit & 7))) & UInt8((1 << bitDepth) - 1)
        }
    }

    /// The chunks of a PNG file that decoding needs, walked and checked once: IHDR, PLTE and the
    /// concatenated IDAT data.
    struct Chunks {
        var header: Header
        /// PLTE's RGB triples (empty unless the image is a palette image).
        var palette: [UInt8] = []
        /// The zlib stream split over the IDAT chunks.
        var imageData: [UInt8] = []

        init(_ bytes: [UInt8], path: String, maxPixels: Int) throws {
            func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }
            guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
                throw corrupt("not a PNG file (wrong signature)")
            }
            var position = 8
            var found: Header?
            var imageDataState = 0  // 0: no IDAT yet, 1: in the IDAT run, 2: after it
            while true {
                guard position + 8 <= bytes.count else {
                    throw corrupt(position == bytes.count
                                  ? "truncated: the file ends after \(position) bytes without an IEND chunk"
                                  : "truncated: the file ends inside the chunk header at byte \(position)")
                }
                let length = Int(bigEndianAt: position, of: bytes)
                let typeBytes = bytes[(position + 4)..<(position + 8)]
                guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                    throw corrupt("invalid chunk type \(typeBytes.map { String($0, radix: 16) }) at byte \(position) (not four letters)")
                }
                let type = String(decoding: typeBytes, as: UTF8.self)
                guard length <= Int(Int32.max) else {
                    throw corrupt("chunk '\(type)' at byte \(position) claims \(length) bytes; PNG allows at most 2³¹−1")
                }
                let dataStart = position + 8, dataEnd = dataStart + length
                guard dataEnd + 4 <= bytes.count else {
                    throw corrupt("truncated: chunk '\(type)' at byte \(position) claims \(length) bytes of data and a CRC, "
                                  + "the file ends \(bytes.count - dataStart) bytes after its header")
                }
                let stored = UInt32(Int(bigEndianAt: dataEnd, of: bytes))
                let computed = bytes.withUnsafeBytes { Zlib.crc32(UnsafeRawBufferPointer(rebasing: $0[(position + 4)..<dataEnd])) }
                guard stored == computed else {
                    throw corrupt("bad CRC in chunk '\(type)' at byte \(position): stored \(Self.hex(stored)), computed \(Self.hex(computed))")
                }
                let data = bytes[dataStart..<dataEnd]
                position = dataEnd + 4
                if imageDataState == 1 && type != "IDAT" { imageDataState = 2 }

                guard type == "IHDR" || found != nil else { throw corrupt("the first chunk is '\(type)', not IHDR") }
                switch type {
                case "IHDR":
                    guard found == nil else { throw corrupt("a second IHDR chunk at byte \(dataStart - 8)") }
                    found = try Header(data, path: path, maxPixels: maxPixels)
                case "PLTE" where found!.colorType == 3:  // other colour types may suggest a palette: ignored
                    guard palette.isEmpty, imageDataState == 0 else { throw corrupt("a PLTE chunk after the first PLTE or IDAT chunk") }
                    guard length % 3 == 0, (3...768).contains(length) else {
                        throw corrupt("PLTE chunk of \(length) bytes; it must hold 1 to 256 RGB triples")
                    }
                    palette = Array(data)
                case "IDAT":
                    guard imageDataState != 2 else { throw corrupt("IDAT chunks are not consecutive (another chunk comes between them)") }
                    guard found!.colorType != 3 || !palette.isEmpty else {
                        throw corrupt("palette image (colour type 3) without a PLTE chunk before its image data")
                    }
                    imageDataState = 1
                    imageData += data
                case "IEND":
                    guard imageDataState != 0 else { throw corrupt("no IDAT chunk: the file holds no image data") }
                    header = found!
                    return
                default:
                    // Bit 5 of the first letter (lower case) marks a chunk that may be skipped.
                    guard typeBytes.first! & 0x20 != 0 else { throw corrupt("unknown critical chunk '\(type)'") }
                }
            }
        }

        private static func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }
    }
}

private extension Int {
    /// The big-endian 32-bit unsigned integer at `offset` of `bytes`.
    init(bigEndianAt offset: Int, of bytes: [UInt8]) {
        self = (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }
}
