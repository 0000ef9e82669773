import Foundation

/// Gzip decompression in pure Swift: the gzip container (RFC 1952) around DEFLATE data (RFC 1951),
/// so that `.gz` data files (MNIST's IDX files) load without zlib.
///
/// All three block types are read (stored, fixed Huffman, dynamic Huffman), concatenated members
/// are joined, and each member's CRC-32 and length are checked. Huffman codes up to 10 bits are
/// decoded with one table look-up, longer (rare) ones canonically bit by bit.
///
/// ```swift
/// let bytes = try Gzip.decompress(contentsOf: "train-images-idx3-ubyte.gz")
/// ```
public enum Gzip {
    /// Whether `bytes` start with the gzip magic number `1f 8b`.
    public static func isGzip<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        var it = bytes.makeIterator()
        return it.next() == 0x1F && it.next() == 0x8B
    }

    /// The decompressed contents of the gzip file at `path`.
    ///
    /// Throws ``ApusError/fileNotReadable(path:)`` when the file cannot be read and
    /// ``ApusError/corruptFile(path:reason:)`` when it is not valid gzip data (bad header,
    /// bad Huffman codes, truncated, CRC-32 or length mismatch).
    public static func decompress(contentsOf path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ApusError.fileNotReadable(path: path)
        }
        return try decompress([UInt8](data), path: path)
    }

    /// The decompressed contents of the gzip data `bytes`; `path` names the source in errors.
    public static func decompress(_ bytes: [UInt8], path: String = "<gzip data>") throws -> [UInt8] {
        try bytes.withUnsafeBufferPointer { input in
            var output = OutputBuffer(capacity: sizeHint(input))
            defer { output.free() }
            var start = 0
            repeat {
                start = try decompressMember(input, from: start, into: &output, path: path)
                // Trailing zero bytes (block padding some tools add) end the stream.
                if input[start...].allSatisfy({ $0 == 0 }) { break }
            } while true
            return Array(UnsafeBufferPointer(start: output.base, count: output.count))
        }
    }

    /// The uncompressed size the last member's trailer announces (modulo 2³²): a capacity guess.
    static func sizeHint(_ input: UnsafeBufferPointer<UInt8>) -> Int {
        let n = input.count
        guard n >= 18 else { return 1024 }
        let size = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        return Swift.max(1024, Swift.min(size, 64 * n + 1024))
    }

    /// Reads one member (header, deflate data, trailer) starting at byte `start`; returns the byte after it.
    static func decompressMember(_ input: UnsafeBufferPointer<UInt8>, from start: Int,
                                 into output: inout OutputBuffer, path: String) throws -> Int {
        func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }
        let n = input.count
        var pos = start
        func need(_ k: Int, _ what: String) throws {
            if pos + k > n { throw corrupt("truncated gzip data (ends inside the \(what))") }
        }
        try need(10, "gzip header")
        guard input[pos] == 0x1F, input[pos + 1] == 0x8B else {
            throw corrupt(String(format: "not gzip data: starts with %02x %02x, expected 1f 8b", input[pos], input[pos + 1]))
        }
        guard input[pos + 2] == 8 else {
            throw corrupt("unsupported gzip compression method \(input[pos + 2]) (only 8, deflate, exists)")
        }
        let flags = input[pos + 3]
        guard flags & 0xE0 == 0 else { throw corrupt("reserved gzip header flags set (\(flags))") }
        pos += 10
        if flags & 0x04 != 0 {  // FEXTRA
            try need(2, "gzip header's extra field")
            let length = Int(input[pos]) | Int(input[pos + 1]) << 8
            pos += 2
            try need(length, "gzip header's extra field")
            pos += length
        }
        for (flag, what) in [(UInt8(0x08), "file name"), (0x10, "comment")] where flags & flag != 0 {
            while true {  // zero-terminated
                try need(1, "gzip header's \(what)")
                pos += 1
                if input[pos - 1] == 0 { break }
            }
        }
        if flags & 0x02 != 0 {  // FHCRC: low 16 bits of the header's CRC-32
            try need(2, "gzip header's CRC")
            let stored = UInt32(input[pos]) | UInt32(input[pos + 1]) << 8
            let actual = PNG.crc32(UnsafeRawBufferPointer(start: input.baseAddress! + start, count: pos - start)) & 0xFFFF
            guard stored == actual else { throw corrupt("gzip header CRC mismatch") }
            pos += 2
        }

        let memberStart = output.count
        var inflater = Inflater(input: input, position: pos, path: path)
        try inflater.inflate(into: &output)
        pos = try inflater.alignedBytePosition()

        try need(8, "gzip trailer")
        func u32(_ at: Int) -> UInt32 {
            UInt32(input[at]) | UInt32(input[at + 1]) << 8 | UInt32(input[at + 2]) << 16 | UInt32(input[at + 3]) << 24
        }
        let storedCRC = u32(pos), storedSize = u32(pos + 4)
        let produced = output.count - memberStart
        let crc = PNG.crc32(UnsafeRawBufferPointer(start: output.base + memberStart, count: produced))
        guard crc == storedCRC else {
            throw corrupt(String(format: "CRC-32 mismatch: data gives %08x, trailer says %08x", crc, storedCRC))
        }
        guard UInt32(truncatingIfNeeded: produced) == storedSize else {
            throw corrupt("length mismatch: \(produced) bytes decompressed, trailer says \(storedSize) (mod 2^32)")
        }
        return pos + 8
    }

    /// A growable byte buffer written through a pointer (no bounds checks in the inner loops).
    struct OutputBuffer {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        /// Makes room for at least `extra` more bytes.
        @inline(__always) mutating func reserve(_ extra: Int) {
            if count + extra > capacity { grow(count + extra) }
        }

        mutating func grow(_ minimum: Int) {
            let newCapacity = Swift.max(minimum, capacity * 2)
            let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            newBase.update(from: base, count: count)
            base.deallocate()
            base = newBase
            capacity = newCapacity
        }

        func free() { base.deallocate() }
    }
}

/// A Huffman decoding table: codes of up to `primaryBits` bits resolve with one look-up, longer codes
/// go through the canonical counts (RFC 1951 §3.2.2).
struct HuffmanTable {
    static let primaryBits = 10
    /// Indexed by the next `primaryBits` input bits (first bit lowest): `symbol << 4 | length`, 0 for
    /// "longer code or no code".
    var primary: [UInt32]
    /// Number of codes of each length 0...15.
    var counts: [Int]
    /// Symbols sorted by code (by length, then symbol).
    var symbols: [Int]

    /// Builds the table from the code length of each symbol (0: unused); `nil` when over-subscribed.
    init?(lengths: [Int]) {
        counts = Array(repeating: 0, count: 16)
        for l in lengths { counts[l] += 1 }
        counts[0] = 0
        var left = 1
        for l in 1...15 {
            left = left * 2 - counts[l]
            if left < 0 { return nil }
        }
        var offsets = Array(repeating: 0, count: 16)
        for l in 1..<15 { offsets[l + 1] = offsets[l] + counts[l] }
        symbols = Array(repeating: 0, count: lengths.count)
        for (s, l) in lengths.enumerated() where l != 0 {
            symbols[offsets[l]] = s
            offsets[l] += 1
        }
        primary = Array(repeating: 0, count: 1 << Self.primaryBits)
        var code = 0, index = 0
        for l in 1...15 {
            for _ in 0..<counts[l] {
                if l <= Self.primaryBits {
                    var reversed = 0
                    for b in 0..<l where code >> b & 1 != 0 { reversed |= 1 << (l - 1 - b) }
                    let entry = UInt32(symbols[index]) << 4 | UInt32(l)
                    var i = reversed
                    while i < 1 << Self.primaryBits {
                        primary[i] = entry
                        i += 1 << l
                    }
                }
                code += 1
                index += 1
            }
            code <<= 1
        }
    }
}

/// The DEFLATE decoder: a 64-bit bit buffer over the input, refilled before each symbol.
struct Inflater {
    let input: UnsafeBufferPointer<UInt8>
    let path: String
    /// Next input byte to load into `bits`.
    var position: Int
    var bits: UInt64 = 0
    var bitCount = 0
    /// Zero bytes fed past the end of the input; consuming any of them means the data is truncated.
    var overrun = 0

    init(input: UnsafeBufferPointer<UInt8>, position: Int, path: String) {
        self.input = input
        self.position = position
        self.path = path
    }

    func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }

    var truncated: ApusError { corrupt("truncated gzip data (the deflate stream ends early)") }

    /// Fills the bit buffer to at least 56 bits.
    @inline(__always) mutating func refill() throws {
        if position + 8 <= input.count {
            let word = UnsafeRawPointer(input.baseAddress! + position).loadUnaligned(as: UInt64.self)
            bits |= UInt64(littleEndian: word) &<< UInt64(bitCount)
            position += (63 - bitCount) >> 3
            bitCount |= 56
        } else {
            try refillNearEnd()
        }
    }

    mutating func refillNearEnd() throws {
        if bitCount < 8 * overrun { throw truncated }
        while bitCount <= 56 {
            if position < input.count {
                bits |= UInt64(input[position]) << UInt64(bitCount)
                position += 1
            } else {
                overrun += 1
            }
            bitCount += 8
        }
    }

    /// Takes `n` (≤ 32) bits; the buffer must hold them.
    @inline(__always) mutating func take(_ n: Int) -> Int {
        let v = Int(truncatingIfNeeded: bits & ((1 &<< UInt64(n)) &- 1))
        bits = bits &>> UInt64(n)
        bitCount -= n
        return v
    }

    /// Reads `n` bits, refilling first.
    mutating func read(_ n: Int) throws -> Int {
        if bitCount < n { try refill() }
        return take(n)
    }

    /// Decodes one symbol; the buffer must hold at least 15 bits.
    @inline(__always) mutating func decode(_ table: HuffmanTable) throws -> Int {
        let entry = table.primary.withUnsafeBufferPointer {
            $0[Int(truncatingIfNeeded: bits) & ((1 << HuffmanTable.primaryBits) - 1)]
        }
        if entry != 0 {
            let length = Int(entry & 15)
            bits = bits &>> UInt64(length)
            bitCount -= length
            return Int(entry &>> 4)
        }
        return try decodeLong(table)
    }

    /// Canonical decoding one bit at a time, for codes longer than the primary table.
    mutating func decodeLong(_ table: HuffmanTable) throws -> Int {
        var code = 0, first = 0, index = 0
        for length in 1...15 {
            code |= Int((bits >> UInt64(length - 1)) & 1)
            let count = table.counts[length]
            if code - first < count {
                bits >>= UInt64(length)
                bitCount -= length
                return table.symbols[index + code - first]
            }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw corrupt("invalid Huffman code in deflate data")
    }

    /// The input position of the next whole byte, after dropping the bits of a partial byte.
    mutating func alignedBytePosition() throws -> Int {
        _ = take(bitCount & 7)
        let next = position + overrun - bitCount / 8
        if next > input.count { throw truncated }
        bits = 0
        bitCount = 0
        overrun = 0
        position = next
        return next
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                             67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                               1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                11, 11, 12, 12, 13, 13]
    /// Order in which the code length code lengths are stored (RFC 1951 §3.2.7).
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static let fixedTables: (HuffmanTable, HuffmanTable) = {
        var lengths = Array(repeating: 8, count: 288)
        for s in 144..<256 { lengths[s] = 9 }
        for s in 256..<280 { lengths[s] = 7 }
        return (HuffmanTable(lengths: lengths)!, HuffmanTable(lengths: Array(repeating: 5, count: 30))!)
    }()

    /// Decodes blocks until the final one, appending to `output`.
    mutating func inflate(into output: inout Gzip.OutputBuffer) throws {
        let memberStart = output.count
        var final = false
        repeat {
            final = try read(1) == 1
            switch try read(2) {
            case 0:
                try storedBlock(into: &output)
            case 1:
                try huffmanBlock(Self.fixedTables.0, Self.fixedTables.1, into: &output, memberStart: memberStart)
            case 2:
                let (literals, distances) = try dynamicTables()
                try huffmanBlock(literals, distances, into: &output, memberStart: memberStart)
            default:
                throw corrupt("invalid deflate block type 3")
            }
        } while !final
    }

    mutating func storedBlock(into output: inout Gzip.OutputBuffer) throws {
        var p = try alignedBytePosition()
        guard p + 4 <= input.count else { throw truncated }
        let length = Int(input[p]) | Int(input[p + 1]) << 8
        let complement = Int(input[p + 2]) | Int(input[p + 3]) << 8
        guard length == ~complement & 0xFFFF else {
            throw corrupt("stored block length \(length) does not match its complement")
        }
        p += 4
        guard p + length <= input.count else { throw truncated }
        output.reserve(length)
        (output.base + output.count).update(from: input.baseAddress! + p, count: length)
        output.count += length
        position = p + length
    }

    mutating func dynamicTables() throws -> (HuffmanTable, HuffmanTable) {
        try refill()
        let literalCount = take(5) + 257, distanceCount = take(5) + 1, codeLengthCount = take(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw corrupt("dynamic block with \(literalCount) literal/length and \(distanceCount) distance codes")
        }
        var codeLengthLengths = Array(repeating: 0, count: 19)
        for i in 0..<codeLengthCount { codeLengthLengths[Self.codeLengthOrder[i]] = try read(3) }
        guard let codeLengthTable = HuffmanTable(lengths: codeLengthLengths) else {
            throw corrupt("over-subscribed code length code")
        }
        var lengths: [Int] = []
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            try refill()
            let symbol = try decode(codeLengthTable)
            switch symbol {
            case 0...15: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw corrupt("repeat code with no previous length") }
                lengths += repeatElement(previous, count: 3 + take(2))
            case 17: lengths += repeatElement(0, count: 3 + take(3))
            default: lengths += repeatElement(0, count: 11 + take(7))
            }
        }
        guard lengths.count == literalCount + distanceCount else {
            throw corrupt("code lengths overrun the dynamic block header")
        }
        guard lengths[256] != 0 else { throw corrupt("dynamic block without an end-of-block code") }
        guard let literals = HuffmanTable(lengths: Array(lengths[..<literalCount])),
              let distances = HuffmanTable(lengths: Array(lengths[literalCount...])) else {
            throw corrupt("over-subscribed Huffman code in dynamic block")
        }
        return (literals, distances)
    }

    /// Length symbols 257…285 and distance symbols 0…29 as `base << 8 | extra bits`.
    static let lengthCodes = zip(lengthBase, lengthExtra).map { UInt32($0 << 8 | $1) }
    static let distanceCodes = zip(distanceBase, distanceExtra).map { UInt32($0 << 8 | $1) }

    mutating func huffmanBlock(_ literals: HuffmanTable, _ distances: HuffmanTable,
                               into output: inout Gzip.OutputBuffer, memberStart: Int) throws {
        let mask = (1 << HuffmanTable.primaryBits) - 1
        try literals.primary.withUnsafeBufferPointer { literalTable in
            try distances.primary.withUnsafeBufferPointer { distanceTable in
                try Self.lengthCodes.withUnsafeBufferPointer { lengthCodes in
                    try Self.distanceCodes.withUnsafeBufferPointer { distanceCodes in
                        while true {
                            try refill()  // ≥ 56 bits: length code + extra + distance code + extra need ≤ 48
                            var entry = literalTable[Int(truncatingIfNeeded: bits) & mask]
                            var symbol: Int
                            if entry != 0 {
                                let length = Int(entry & 15)
                                bits = bits &>> UInt64(length)
                                bitCount -= length
                                symbol = Int(entry &>> 4)
                            } else {
                                symbol = try decodeLong(literals)
                            }
                            if symbol < 256 {
                                output.reserve(1)
                                output.base[output.count] = UInt8(truncatingIfNeeded: symbol)
                                output.count += 1
                                continue
                            }
                            if symbol == 256 { return }
                            guard symbol < 286 else { throw corrupt("invalid length code \(symbol)") }
                            let lengthCode = lengthCodes[symbol - 257]
                            let length = Int(lengthCode &>> 8) + take(Int(lengthCode & 0xFF))
                            entry = distanceTable[Int(truncatingIfNeeded: bits) & mask]
                            if entry != 0 {
                                let codeLength = Int(entry & 15)
                                bits = bits &>> UInt64(codeLength)
                                bitCount -= codeLength
                                symbol = Int(entry &>> 4)
                            } else {
                                symbol = try decodeLong(distances)
                            }
                            guard symbol < 30 else { throw corrupt("invalid distance code \(symbol)") }
                            let distanceCode = distanceCodes[symbol]
                            let distance = Int(distanceCode &>> 8) + take(Int(distanceCode & 0xFF))
                            guard distance <= output.count - memberStart else {
                                throw corrupt("distance \(distance) reaches before the start of the data")
                            }
                            output.reserve(length)
                            let dst = output.base + output.count
                            let src = dst - distance
                            if distance >= length {
                                dst.update(from: src, count: length)
                            } else {
                                for i in 0..<length { dst[i] = src[i] }
                            }
                            output.count += length
                        }
                    }
                }
            }
        }
    }
}
