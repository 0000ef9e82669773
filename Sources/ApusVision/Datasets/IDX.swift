import Apus
import Foundation

/// Reader of the IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed.
///
/// An IDX file is a 4-byte magic number `00 00 T D` (T: element type, D: number of dimensions),
/// D big-endian 32-bit dimension sizes, then the elements, big-endian, row-major.
/// Element types: `08` unsigned byte, `09` signed byte, `0B` int16, `0C` int32, `0D` float32, `0E` float64.
public enum IDX {
    /// The parsed contents of an IDX file: the element type code, the dimensions and the raw element bytes.
    struct Contents {
        var type: UInt8
        var shape: [Int]
        /// The whole (decompressed) file; elements start at `dataOffset`.
        var bytes: [UInt8]
        var dataOffset: Int
    }

    /// Bytes per element of each supported type code.
    static let elementSizes: [UInt8: Int] = [0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8]

    /// Reads the IDX file at `path` (gzip-compressed when it starts with `1f 8b`) as a tensor of its shape.
    ///
    /// Integer element types become int64 (exact values), `0D` float32 and `0E` float64, unless
    /// `dtype` asks for another type (e.g. `.float32` for raw pixel values 0…255).
    /// Throws `ApusError.fileNotReadable(path:)` or `ApusError.corruptFile(path:reason:)` (wrong
    /// magic number, unsupported element type, dimensions that do not match the file length).
    public static func read(_ path: String, dtype: DType? = nil) throws -> Tensor {
        try tensor(of: readContents(path), dtype: dtype, path: path)
    }

    /// Decodes the bytes of an IDX file held in memory (gzip-compressed when they start with
    /// `1f 8b`), as ``read(_:dtype:)`` reads a file; `path` names the data in errors.
    public static func decode(_ bytes: [UInt8], path: String = "<IDX data>", dtype: DType? = nil) throws -> Tensor {
        try tensor(of: contents(of: bytes, path: path), dtype: dtype, path: path)
    }

    /// The tensor of checked `contents`, in `dtype` or the element type's natural one.
    static func tensor(of contents: Contents, dtype: DType?, path: String) throws -> Tensor {
        // The header check bounds the product by the file's size, so it cannot overflow.
        let n = contents.shape.reduce(1, *)
        let natural: DType = contents.type == 0x0D ? .float32 : contents.type == 0x0E ? .float64 : .int64
        let tensorBytes = n.multipliedReportingOverflow(by: 8)
        guard !tensorBytes.overflow, MemoryLimit.allows(tensorBytes.partialValue) else {
            throw ApusError.corruptFile(path: path, reason: "\(n) elements of shape \(contents.shape) need up to "
                                        + "\(MemoryLimit.describe(tensorBytes.overflow ? nil : tensorBytes.partialValue)) as a tensor, "
                                        + "more than \(MemoryLimit.limitDescription)")
        }
        let tensor: Tensor
        switch contents.type {
        case 0x0D: tensor = Tensor(scalars: decode(contents, count: n) { Float(bitPattern: UInt32($0)) }, shape: contents.shape)
        case 0x0E: tensor = Tensor(scalars: decode(contents, count: n) { Double(bitPattern: $0) }, shape: contents.shape)
        case 0x08 where (dtype ?? natural) == .float32:  // the common case (images) without an int64 detour
            tensor = Tensor(scalars: contents.bytes[contents.dataOffset...].map { Float($0) }, shape: contents.shape)
        case 0x08: tensor = Tensor(scalars: contents.bytes[contents.dataOffset...].map { Int64($0) }, shape: contents.shape)
        case 0x09: tensor = Tensor(scalars: decode(contents, count: n) { Int64(Int8(truncatingIfNeeded: $0)) }, shape: contents.shape)
        case 0x0B: tensor = Tensor(scalars: decode(contents, count: n) { Int64(Int16(truncatingIfNeeded: $0)) }, shape: contents.shape)
        default: tensor = Tensor(scalars: decode(contents, count: n) { Int64(Int32(truncatingIfNeeded: $0)) }, shape: contents.shape)
        }
        let wanted = dtype ?? natural
        return tensor.dtype == wanted ? tensor : tensor.cast(to: wanted)
    }

    /// The elements as big-endian unsigned integers of the type's size, converted by `convert`.
    static func decode<S>(_ contents: Contents, count: Int, _ convert: (UInt64) -> S) -> [S] {
        let size = elementSizes[contents.type]!
        return (0..<count).map { i in
            var v: UInt64 = 0
            let start = contents.dataOffset + i * size
            for b in contents.bytes[start..<(start + size)] { v = v << 8 | UInt64(b) }
            return convert(v)
        }
    }

    /// Reads and checks the IDX file at `path`, decompressing gzip data.
    ///
    /// Gzip data is inflated in steps: the magic number, the dimensions, then the elements only up
    /// to the size the dimensions announce, so that a small file cannot inflate to more than the
    /// IDX file it claims to be (a "gzip bomb" throws "too long" once it passes that size).
    static func readContents(_ path: String) throws -> Contents {
        try contents(of: FileBytes.read(path), path: path)
    }

    /// Checks the IDX file `bytes` (from `path`, named in errors), decompressing gzip data.
    static func contents(of bytes: [UInt8], path: String) throws -> Contents {
        guard Gzip.isGzip(bytes) else { return try parse(bytes, path: path) }
        let inflater = try Gzip.inflater(bytes, path: path)
        var inflated: [UInt8] = []
        if try !inflater.read(into: &inflated, upTo: 4) {
            try inflater.read(into: &inflated, upTo: 4 + 4 * Int(inflated[3]))
        }
        let header = try Header(inflated, path: path)
        // Before inflating the elements: deflate cannot expand data more than 1032-fold, so a
        // header claiming more than that is damaged, whatever the data holds.
        let bound = Zlib.maximumInflatedSize(compressedSize: bytes.count)
        guard header.fileSize <= bound else {
            throw ApusError.corruptFile(path: path, reason: "dimensions \(header.shape) of \(header.elementSize)-byte elements "
                                        + "need \(header.fileSize) bytes, more than the \(bytes.count) bytes of gzip data "
                                        + "can hold (deflate expands at most 1032-fold)")
        }
        guard MemoryLimit.allows(header.fileSize) else {
            throw ApusError.corruptFile(path: path, reason: "dimensions \(header.shape) need "
                                        + "\(MemoryLimit.describe(header.fileSize)), more than \(MemoryLimit.limitDescription)")
        }
        if try !inflater.read(into: &inflated, upTo: header.fileSize), try inflater.hasMoreOutput() {
            throw ApusError.corruptFile(path: path, reason: "too long: dimensions \(header.shape) of \(header.elementSize)-byte "
                                        + "elements need \(header.fileSize) bytes, the gzip data inflates to more")
        }
        return try parse(inflated, path: path)
    }

    /// The header of an IDX file: element type, dimensions, and the file size they imply.
    struct Header {
        var type: UInt8
        var elementSize: Int
        var shape: [Int]
        /// Where the elements start: after the magic number and the dimensions.
        var dataOffset: Int
        /// The exact size of the whole file.
        var fileSize: Int

        /// Reads the header at the start of `bytes` (from `path`, named in errors), which may hold
        /// only the header; checks that the size it implies is representable.
        init(_ bytes: [UInt8], path: String) throws {
            func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }
            guard bytes.count >= 4 else { throw corrupt("\(bytes.count) bytes is too short for an IDX file (4-byte magic number)") }
            guard bytes[0] == 0, bytes[1] == 0 else {
                throw corrupt(String(format: "not an IDX file: magic number %02x %02x %02x %02x does not start with 00 00",
                                     bytes[0], bytes[1], bytes[2], bytes[3]))
            }
            type = bytes[2]
            let rank = Int(bytes[3])
            guard let size = elementSizes[type] else {
                throw corrupt(String(format: "unsupported IDX element type 0x%02x (supported: 08 ubyte, 09 byte, 0B short, 0C int, 0D float, 0E double)", type))
            }
            elementSize = size
            dataOffset = 4 + 4 * rank
            guard bytes.count >= dataOffset else {
                throw corrupt("truncated: the header announces \(rank) dimensions but the file has only \(bytes.count) bytes")
            }
            shape = (0..<rank).map { d in
                (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * d + $1]) }
            }
            // Up to 255 dimensions of up to 2³²−1 each: the product can overflow Int. Zero dimensions
            // are left out of the check, so that every partial product later code forms fits too.
            var dataSize = size
            var overflow = false
            for d in shape where d != 0 && !overflow {
                (dataSize, overflow) = dataSize.multipliedReportingOverflow(by: d)
            }
            let total = dataOffset.addingReportingOverflow(shape.contains(0) ? 0 : dataSize)
            guard !overflow, !total.overflow else {
                throw corrupt("dimensions \(shape) of \(size)-byte elements are too large: their size does not fit in 64 bits")
            }
            fileSize = total.partialValue
        }
    }

    /// Checks the header of IDX `bytes` (from `path`, named in errors) and that the file has
    /// exactly the size its dimensions imply.
    static func parse(_ bytes: [UInt8], path: String) throws -> Contents {
        let header = try Header(bytes, path: path)
        guard bytes.count == header.fileSize else {
            let kind = bytes.count < header.fileSize ? "truncated" : "too long"
            throw ApusError.corruptFile(path: path, reason: "\(kind): dimensions \(header.shape) of \(header.elementSize)-byte "
                                        + "elements need \(header.fileSize) bytes, the file has \(bytes.count)")
        }
        return Contents(type: header.type, shape: header.shape, bytes: bytes, dataOffset: header.dataOffset)
    }

    /// The bytes of an IDX file holding unsigned bytes of `shape` (what MNIST's files hold).
    ///
    /// ```swift
    /// try Data(IDX.encode(pixels, shape: [2, 28, 28])).write(to: url)
    /// ```
    public static func encode(_ values: [UInt8], shape: [Int]) -> [UInt8] {
        require(shape.reduce(1, *) == values.count, "IDX.encode: \(values.count) values do not fill shape \(shape)")
        var out: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
        for d in shape { out += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
        return out + values
    }
}
