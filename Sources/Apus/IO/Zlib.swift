import CZlib

/// A small Swift layer over zlib: streaming inflate with a hard output cap, one-shot deflate, and
/// zlib's CRC-32 and Adler-32.
///
/// Everything that reads compressed data from files (gzip data sets, PNG image data) goes through
/// ``Inflater``, so a small hostile file cannot make a reader produce more bytes than its header
/// allows: inflating stops as soon as the output would pass the cap.
///
/// ```swift
/// let packed = Zlib.deflate(bytes)
/// let unpacked = try Zlib.inflate(packed, format: .zlib, maxOutputBytes: bytes.count, path: "x.bin")
/// ```
package enum Zlib {
    /// The container around the deflate data (RFC 1951).
    package enum Format: Sendable {
        /// zlib (RFC 1950): a 2-byte header and an Adler-32 trailer (PNG's image data).
        case zlib
        /// gzip (RFC 1952): a header, a CRC-32 and length trailer; concatenated members are one stream.
        case gzip
        /// Bare deflate data, no header or trailer.
        case raw

        /// zlib's `windowBits` argument selecting this container with the largest window (32 KiB).
        var windowBits: Int32 {
            switch self {
            case .zlib: MAX_WBITS
            case .gzip: MAX_WBITS + 16
            case .raw: -MAX_WBITS
            }
        }

        /// The format's name in error messages.
        var name: String {
            switch self {
            case .zlib: "zlib"
            case .gzip: "gzip"
            case .raw: "deflate"
            }
        }
    }

    /// The inflated contents of `input`, at most `maxOutputBytes` bytes.
    ///
    /// The whole input must be one stream (for gzip: one or more members, optionally followed by
    /// zero padding). Throws ``ApusError/corruptFile(path:reason:)`` naming `path` when the data is
    /// truncated or invalid, a checksum (CRC-32 for gzip, Adler-32 for zlib) or the gzip length does
    /// not match, bytes follow the end of the stream, or the output would pass `maxOutputBytes`;
    /// in the last case inflating stops at the cap.
    package static func inflate(_ input: [UInt8], format: Format, maxOutputBytes: Int = .max,
                                path: String) throws -> [UInt8] {
        let inflater = Inflater(input, format: format, path: path)
        var output: [UInt8] = []
        try inflater.readToEnd(into: &output, maxOutputBytes: maxOutputBytes)
        return output
    }

    /// The most bytes `compressedSize` bytes of deflate data (in any container) can inflate to:
    /// deflate codes at most 258 bytes in 2 bits, a 1032:1 ratio. A header that claims more is
    /// damaged, so readers refuse it before they inflate anything.
    package static func maximumInflatedSize(compressedSize: Int) -> Int {
        let (bound, overflow) = compressedSize.multipliedReportingOverflow(by: 1032)
        return overflow ? .max : bound
    }

    /// `data` deflated at compression `level` (0 stores, 1 is fastest, 9 smallest, -1 zlib's
    /// default, 6) in the container `format`.
    package static func deflate(_ data: [UInt8], format: Format = .zlib, level: Int32 = Z_DEFAULT_COMPRESSION) -> [UInt8] {
        precondition((-1...9).contains(level), "Zlib.deflate: level must be -1…9, got \(level)")
        // zlib's state points back at its z_stream, so the stream needs a fixed address.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        // Fails only for bad arguments (checked above) or when memory runs out, neither from the data.
        let started = deflateInit2_(stream, level, Z_DEFLATED, format.windowBits, 8, Z_DEFAULT_STRATEGY,
                                    ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(started == Z_OK, "Zlib.deflate: deflateInit2 failed with zlib error \(started)")
        defer { deflateEnd(stream) }
        // deflateBound is an upper bound of the output, so one buffer always suffices.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(data.count))))
        let written = data.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var read = 0, written = 0
                while true {
                    // avail_in and avail_out are 32-bit: feed larger buffers in pieces.
                    let inCount = min(input.count - read, Int(UInt32.max))
                    let outCount = min(out.count - written, Int(UInt32.max))
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + read })
                    stream.pointee.avail_in = UInt32(inCount)
                    stream.pointee.next_out = out.baseAddress! + written
                    stream.pointee.avail_out = UInt32(outCount)
                    let last = read + inCount == input.count
                    let code = CZlib.deflate(stream, last ? Z_FINISH : Z_NO_FLUSH)
                    read += inCount - Int(stream.pointee.avail_in)
                    written += outCount - Int(stream.pointee.avail_out)
                    if code == Z_STREAM_END { return written }
                    precondition(code == Z_OK || code == Z_BUF_ERROR, "Zlib.deflate: zlib error \(code)")
                }
            }
        }
        output.removeLast(output.count - written)
        return output
    }

    /// CRC-32 (ISO 3309, as gzip members and PNG chunks use) of `bytes`, continuing from `crc`
    /// (the CRC of the bytes before; 0 to start).
    package static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        return UInt32(CZlib.crc32_z(UInt(crc), base, bytes.count))
    }

    /// CRC-32 of `bytes` (see ``crc32(_:continuing:)``).
    package static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0) }
    }

    /// Adler-32 (RFC 1950, the zlib stream's checksum) of `bytes`.
    package static func adler32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.adler32_z(1, $0.baseAddress, $0.count)) }
    }

    /// Incremental inflation of one compressed input, so that a reader can inflate a header,
    /// decide from it how long the rest may be, and inflate only that much.
    ///
    /// ```swift
    /// let inflater = Zlib.Inflater(bytes, format: .gzip, path: path)
    /// var out: [UInt8] = []
    /// _ = try inflater.read(into: &out, upTo: 4)        // the header
    /// try inflater.readToEnd(into: &out, maxOutputBytes: 4 + size(from: out))
    /// ```
    ///
    /// Errors are ``ApusError/corruptFile(path:reason:)`` naming `path`: truncated input, invalid
    /// deflate data or header, checksum or length mismatches (zlib checks them), and for gzip,
    /// bytes after the last member that are neither zeros nor another member.
    package final class Inflater {
        /// zlib's state points back at its `z_stream`, so the stream lives at a fixed heap address.
        private let stream: UnsafeMutablePointer<z_stream>
        private let input: [UInt8]
        private let format: Format
        private let path: String
        /// Bytes of `input` zlib has consumed.
        private var position = 0

        /// Whether the stream has ended (for gzip: the last member and any zero padding).
        package private(set) var isFinished = false

        /// Bytes zlib has produced so far, including one decoded by ``hasMoreOutput()``: what a
        /// test checks to see that a capped inflation stopped at its cap.
        package private(set) var totalOut = 0

        /// Bytes of the input after the end of the stream (zlib and raw formats; gzip rejects them).
        package var unusedInputCount: Int { isFinished ? input.count - position : 0 }

        /// An inflater of `input` in the container `format`; `path` names the source in errors.
        package init(_ input: [UInt8], format: Format, path: String) {
            self.input = input
            self.format = format
            self.path = path
            stream = .allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // Fails only when memory runs out or zlib's header and library disagree, never because of the data.
            let code = inflateInit2_(stream, format.windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            precondition(code == Z_OK, "Zlib.Inflater: inflateInit2 failed with zlib error \(code)")
        }

        deinit {
            inflateEnd(stream)
            stream.deallocate()
        }

        /// Appends inflated bytes to `output` until it holds `limit` bytes or the stream ends;
        /// never writes past `limit`. Returns ``isFinished``.
        @discardableResult
        package func read(into output: inout [UInt8], upTo limit: Int) throws -> Bool {
            while !isFinished && output.count < limit {
                let start = output.count
                // Grow by doubling (from 64 KiB), never past the limit: memory follows what the data
                // really inflates to, not what a header claims.
                let spare = min(limit - start, max(start, 1 << 16))
                output.append(contentsOf: repeatElement(0, count: spare))
                var produced = 0
                defer { output.removeLast(spare - produced) }
                try output.withUnsafeMutableBufferPointer { buffer in
                    try inflate(into: buffer.baseAddress! + start, count: spare, produced: &produced)
                }
            }
            return isFinished
        }

        /// Whether the stream holds more output after what ``read(into:upTo:)`` returned: decodes at
        /// most one byte more (and drops it). Throws when the stream neither ends nor yields a byte
        /// (truncated or invalid data). Call it once, when `read` stopped at its limit.
        package func hasMoreOutput() throws -> Bool {
            var byte: UInt8 = 0
            var produced = 0
            try inflate(into: &byte, count: 1, produced: &produced)
            return produced > 0
        }

        /// Inflates the rest of the stream into `output`, which may hold at most `maxOutputBytes`
        /// bytes in the end; throws "too long" as soon as one byte more appears, and rejects input
        /// after the end of the stream (gzip allows zero padding).
        package func readToEnd(into output: inout [UInt8], maxOutputBytes: Int) throws {
            if try !read(into: &output, upTo: maxOutputBytes), try hasMoreOutput() {
                throw corrupt("too long: the \(format.name) data inflates to more than \(maxOutputBytes) bytes, the most allowed here")
            }
            if unusedInputCount > 0 {
                throw corrupt("trailing garbage: \(unusedInputCount) bytes after the end of the \(format.name) stream")
            }
        }

        private func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }

        /// Runs zlib until `count` bytes are written to `out` or the stream ends; adds the bytes
        /// written to `produced` (also when it throws, so the caller can trim its buffer).
        private func inflate(into out: UnsafeMutablePointer<UInt8>, count: Int, produced: inout Int) throws {
            try input.withUnsafeBufferPointer { input in
                while produced < count && !isFinished {
                    // avail_in and avail_out are 32-bit: larger buffers go in pieces.
                    let inCount = min(input.count - position, Int(UInt32.max))
                    let outCount = min(count - produced, Int(UInt32.max))
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + position })
                    stream.pointee.avail_in = UInt32(inCount)
                    stream.pointee.next_out = out + produced
                    stream.pointee.avail_out = UInt32(outCount)
                    let code = CZlib.inflate(stream, Z_NO_FLUSH)
                    position += inCount - Int(stream.pointee.avail_in)
                    let made = outCount - Int(stream.pointee.avail_out)
                    produced += made
                    totalOut += made
                    switch code {
                    case Z_STREAM_END:
                        try endOfMember(input)
                    case Z_OK, Z_BUF_ERROR:
                        // zlib stops for want of input or of output space; no input left with space
                        // to spare means the stream was cut short.
                        if position == input.count && made < outCount {
                            throw corrupt("truncated \(format.name) data: the input ends before the end of the compressed stream")
                        }
                    default:
                        throw failure(code)
                    }
                }
            }
        }

        /// After zlib reports the end of a stream: gzip goes on with the next member after any
        /// zero padding (as gzip(1) and Python do); other formats are finished.
        private func endOfMember(_ input: UnsafeBufferPointer<UInt8>) throws {
            guard format == .gzip else {
                isFinished = true
                return
            }
            var next = position
            while next < input.count && input[next] == 0 { next += 1 }
            if next == input.count {
                position = next
                isFinished = true
            } else if next + 1 < input.count && input[next] == 0x1F && input[next + 1] == 0x8B {
                position = next
                inflateReset(stream)
            } else {
                throw corrupt("trailing garbage: \(input.count - position) bytes after the end of a gzip member "
                              + "that are neither another member nor zero padding")
            }
        }

        /// The error for zlib's return `code`, worded from zlib's message.
        private func failure(_ code: Int32) -> ApusError {
            let message = stream.pointee.msg.map { String(cString: $0) }
            let at = "at byte \(position) of the compressed data"
            switch (code, message) {
            case (_, "incorrect data check"?):
                return corrupt(format == .gzip
                               ? "CRC-32 mismatch: the data does not match the gzip trailer's checksum"
                               : "Adler-32 mismatch: the data does not match the zlib stream's checksum")
            case (_, "incorrect length check"?):
                return corrupt("length mismatch: the data's length does not match the gzip trailer's")
            case (Z_NEED_DICT, _):
                return corrupt("the zlib stream needs a preset dictionary, which no supported format uses")
            case (Z_MEM_ERROR, _):
                return corrupt("zlib ran out of memory inflating the data")
            case (_, let message?):
                return corrupt("invalid \(format.name) data \(at) (zlib: \(message))")
            default:
                return corrupt("invalid \(format.name) data \(at) (zlib error \(code))")
            }
        }
    }
}
