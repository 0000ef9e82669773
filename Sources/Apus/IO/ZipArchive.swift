/// A bounded reader of the *stored* (uncompressed) entries of a ZIP archive: the container of
/// PyTorch's `torch.save` files, which store every record uncompressed and aligned so that tensor
/// data can be read straight from its file offset.
///
/// The reader finds the end-of-central-directory record (and, for archives past 4 GiB or 65,535
/// entries, the ZIP64 locator, ZIP64 end record and ZIP64 extra fields), lists the central
/// directory, and follows each entry to its local header to find where its data starts. Every
/// offset and size is checked against the file's size with overflow-checked arithmetic before it
/// is used; compressed, encrypted and multi-disk archives are refused with a clear error. It
/// holds offsets only: ``data(of:in:)`` takes the same bytes again.
package struct ZipArchive: Sendable {
    /// One stored entry.
    package struct Entry: Sendable, Equatable {
        /// The name in the central directory (`archive/data/0`).
        package let name: String
        /// Offset of the entry's first data byte in the archive.
        package let dataOffset: Int
        /// Size of the data in bytes.
        package let size: Int
        /// CRC-32 of the data, from the central directory.
        package let crc32: UInt32
    }

    /// Entries in central-directory order.
    package let entries: [Entry]
    private let index: [String: Int]

    /// Whether `bytes` start as a ZIP archive does (a local file header, `PK\3\4`).
    package static func hasSignature(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 0x03 && bytes[3] == 0x04
    }

    /// The entry named `name`, if present.
    package func entry(named name: String) -> Entry? { index[name].map { entries[$0] } }

    /// Parses the central directory of the archive in `bytes`; `path` names the file in errors.
    package init(bytes: UnsafeRawBufferPointer, path: String) throws {
        let reader = Reader(bytes: bytes, path: path)
        let end = try reader.endOfCentralDirectory()
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var position = end.directoryOffset
        let directoryEnd = end.directoryOffset + end.directorySize
        // A central-directory header is at least 46 bytes, which bounds the count before anything is reserved.
        guard end.entryCount <= end.directorySize / 46 else {
            throw reader.corrupt("the end of the central directory claims \(end.entryCount) entries, "
                                 + "more than its \(end.directorySize) bytes can hold")
        }
        entries.reserveCapacity(end.entryCount)
        for _ in 0..<end.entryCount {
            let entry = try reader.centralEntry(at: &position, directoryEnd: directoryEnd)
            guard index[entry.name] == nil else { throw reader.corrupt("entry '\(entry.name)' appears twice") }
            index[entry.name] = entries.count
            entries.append(entry)
        }
        self.entries = entries
        self.index = index
    }

    /// The data of `entry` inside `bytes` (the archive's bytes, as given to the initialiser), after
    /// checking its CRC-32.
    package func data(of entry: Entry, in bytes: UnsafeRawBufferPointer, path: String) throws -> UnsafeRawBufferPointer {
        // Offsets were validated against the same bytes when the directory was read.
        let data = UnsafeRawBufferPointer(rebasing: bytes[entry.dataOffset..<(entry.dataOffset + entry.size)])
        let crc = Zlib.crc32(data)
        guard crc == entry.crc32 else {
            throw ApusError.corruptFile(path: path, reason: "zip entry '\(entry.name)' fails its CRC-32 check "
                                        + "(stored \(hex(entry.crc32)), computed \(hex(crc)))")
        }
        return data
    }

    private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
}

extension ZipArchive {
    /// Where the central directory is, from the (ZIP64) end-of-central-directory record.
    struct DirectoryEnd {
        var entryCount: Int
        var directoryOffset: Int
        var directorySize: Int
    }

    /// Bounds-checked little-endian reads over the archive's bytes.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        let path: String

        static let endSignature: UInt32 = 0x0605_4B50
        static let zip64EndSignature: UInt32 = 0x0606_4B50
        static let zip64LocatorSignature: UInt32 = 0x0706_4B50
        static let centralSignature: UInt32 = 0x0201_4B50
        static let localSignature: UInt32 = 0x0403_4B50

        func corrupt(_ reason: String) -> ApusError { .corruptFile(path: path, reason: reason) }

        /// Whether `count` bytes starting at `offset` lie inside the file (no overflow).
        func contains(_ offset: Int, _ count: Int) -> Bool {
            guard offset >= 0, count >= 0 else { return false }
            let (end, overflow) = offset.addingReportingOverflow(count)
            return !overflow && end <= bytes.count
        }

        func u16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
        func u32(_ offset: Int) -> UInt32 {
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }
        func u64(_ offset: Int) -> UInt64 { UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32 }

        /// A 64-bit size or offset as an `Int`, refusing values beyond the file.
        func size(_ value: UInt64, _ what: String) throws -> Int {
            guard value <= UInt64(bytes.count) else {
                throw corrupt("\(what) \(value) lies beyond the end of the file (\(bytes.count) bytes)")
            }
            return Int(value)
        }

        /// Finds the end-of-central-directory record (searching back over a comment of up to
        /// 65,535 bytes) and, when present, the ZIP64 records it points to.
        func endOfCentralDirectory() throws -> DirectoryEnd {
            guard bytes.count >= 22 else {
                throw corrupt("not a complete zip archive: \(bytes.count) bytes, shorter than an end-of-central-directory record")
            }
            var found: Int?
            var candidate = bytes.count - 22
            let lowest = max(0, bytes.count - 22 - 0xFFFF)
            while candidate >= lowest {
                if u32(candidate) == Self.endSignature && candidate + 22 + u16(candidate + 20) == bytes.count {
                    found = candidate
                    break
                }
                candidate -= 1
            }
            guard let eocd = found else {
                throw corrupt("no end-of-central-directory record: the zip archive is truncated or not a zip archive")
            }
            guard u16(eocd + 4) == 0, u16(eocd + 6) == 0 else { throw corrupt("multi-disk zip archives are not supported") }
            var end = DirectoryEnd(entryCount: u16(eocd + 10), directoryOffset: Int(u32(eocd + 16)), directorySize: Int(u32(eocd + 12)))
            // ZIP64: a locator right before the record points to the ZIP64 end record with 64-bit fields.
            let locator = eocd - 20
            if locator >= 0 && u32(locator) == Self.zip64LocatorSignature {
                guard u32(locator + 4) == 0, u32(locator + 16) <= 1 else { throw corrupt("multi-disk zip archives are not supported") }
                let record = try size(u64(locator + 8), "ZIP64 end-of-central-directory offset")
                guard contains(record, 56), record <= locator, u32(record) == Self.zip64EndSignature else {
                    throw corrupt("the ZIP64 locator points to offset \(record), where there is no ZIP64 end-of-central-directory record")
                }
                guard u32(record + 16) == 0, u32(record + 20) == 0 else { throw corrupt("multi-disk zip archives are not supported") }
                end = DirectoryEnd(entryCount: try size(u64(record + 32), "ZIP64 entry count"),
                                   directoryOffset: try size(u64(record + 48), "central directory offset"),
                                   directorySize: try size(u64(record + 40), "central directory size"))
            }
            guard contains(end.directoryOffset, end.directorySize), end.directoryOffset + end.directorySize <= eocd else {
                throw corrupt("the central directory (\(end.directorySize) bytes at offset \(end.directoryOffset)) "
                              + "lies outside the file (\(bytes.count) bytes): truncated zip archive")
            }
            return end
        }

        /// Reads the central-directory header at `position` (advancing it) and the entry's local header.
        func centralEntry(at position: inout Int, directoryEnd: Int) throws -> Entry {
            let p = position
            guard p + 46 <= directoryEnd, u32(p) == Self.centralSignature else {
                throw corrupt("central directory entry at offset \(p) is damaged or truncated")
            }
            let flags = u16(p + 8), method = u16(p + 10)
            let crc = u32(p + 16)
            var compressed = UInt64(u32(p + 20)), uncompressed = UInt64(u32(p + 24))
            let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
            var disk = u16(p + 34)
            var localOffset = UInt64(u32(p + 42))
            let total = 46 + nameLength + extraLength + commentLength
            guard p + total <= directoryEnd else { throw corrupt("central directory entry at offset \(p) runs past the directory") }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(p + 46)..<(p + 46 + nameLength)]), as: UTF8.self)
            // ZIP64 extra field: the 64-bit values of the fields saturated in the header, in this order.
            var extra = p + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(extra), length = u16(extra + 2)
                let body = extra + 4
                guard body + length <= extraEnd else { throw corrupt("entry '\(name)' has a truncated extra field") }
                if id == 0x0001 {
                    var field = body
                    func next64() throws -> UInt64 {
                        guard field + 8 <= body + length else { throw corrupt("entry '\(name)' has a truncated ZIP64 extra field") }
                        defer { field += 8 }
                        return u64(field)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try next64() }
                    if compressed == 0xFFFF_FFFF { compressed = try next64() }
                    if localOffset == 0xFFFF_FFFF { localOffset = try next64() }
                    if disk == 0xFFFF {
                        guard field + 4 <= body + length else { throw corrupt("entry '\(name)' has a truncated ZIP64 extra field") }
                        disk = Int(u32(field))
                    }
                }
                extra = body + length
            }
            guard disk == 0 else { throw corrupt("multi-disk zip archives are not supported") }
            guard flags & 1 == 0 else { throw corrupt("entry '\(name)' is encrypted") }
            guard method == 0 else {
                throw corrupt("entry '\(name)' is compressed (method \(method)); only stored entries are read, "
                              + "as torch.save writes them")
            }
            guard compressed == uncompressed else {
                throw corrupt("stored entry '\(name)' has compressed size \(compressed) but size \(uncompressed)")
            }
            let size = try self.size(uncompressed, "size of entry '\(name)'")
            let local = try self.size(localOffset, "local header offset of entry '\(name)'")
            guard contains(local, 30), u32(local) == Self.localSignature else {
                throw corrupt("entry '\(name)': no local file header at offset \(local)")
            }
            let localNameLength = u16(local + 26), localExtraLength = u16(local + 28)
            let dataOffset = local + 30 + localNameLength + localExtraLength
            guard contains(local + 30, localNameLength),
                  bytes[(local + 30)..<(local + 30 + localNameLength)].elementsEqual(bytes[(p + 46)..<(p + 46 + nameLength)]) else {
                throw corrupt("entry '\(name)': the local header names another file")
            }
            guard contains(dataOffset, size) else {
                throw corrupt("entry '\(name)' needs \(size) bytes at offset \(dataOffset), "
                              + "but the file has \(bytes.count) bytes: truncated zip archive")
            }
            position = p + total
            return Entry(name: name, dataOffset: dataOffset, size: size, crc32: crc)
        }
    }
}
