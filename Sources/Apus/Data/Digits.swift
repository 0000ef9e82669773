import Foundation

/// The 8×8 handwritten digits bundled with Apus: 1,797 images of the digits 0–9.
///
/// UCI "Optical Recognition of Handwritten Digits" (E. Alpaydin, C. Kaynak, 1998), the copy that
/// scikit-learn ships; each pixel counts the "on" pixels of a 4×4 block of a 32×32 bitmap (0…16).
public enum Digits {
    /// Number of classes.
    public static let classes = 10
    /// Pixels per image.
    public static let features = 64

    /// Loads the bundled digits: inputs `[1797, 64]` float32 scaled to [0, 1], targets `[1797]` int64.
    ///
    /// The file is looked for in `$APUS_DATA`, in the resource bundle beside the executable (where
    /// SwiftPM puts it), and in the package's sources; a missing file is a thrown
    /// ``ApusError/datasetNotFound(name:searched:instructions:)``. (SwiftPM's `Bundle.module` stops
    /// the program instead when an executable was copied away from its build folder.)
    public static func load() throws -> TensorDataset {
        try load(searching: bundledFileCandidates())
    }

    /// Loads the first readable file of `places`, or throws naming them all.
    static func load(searching places: [URL]) throws -> TensorDataset {
        guard let url = places.first(where: { FileManager.default.isReadableFile(atPath: $0.path) }) else {
            throw ApusError.datasetNotFound(
                name: "digits", searched: places.map(\.path),
                instructions: "keep the folder Apus_Apus.resources (Apus_Apus.bundle on macOS) beside the executable, "
                    + "or copy Sources/Apus/Resources/digits.bin into $APUS_DATA")
        }
        return try load(contentsOf: url)
    }

    /// Where `digits.bin` may be, in the order ``load()`` tries them.
    static func bundledFileCandidates() -> [URL] {
        var places: [URL] = []
        if let directory = ProcessInfo.processInfo.environment["APUS_DATA"], !directory.isEmpty {
            places.append(URL(fileURLWithPath: directory).appendingPathComponent("digits.bin"))
        }
        let executableFolder = Bundle.main.bundleURL
        places += ["Apus_Apus.resources/digits.bin", "Apus_Apus.bundle/Contents/Resources/digits.bin", "Apus_Apus.bundle/digits.bin"]
            .map { executableFolder.appendingPathComponent($0) }
        // The package's own copy, while the sources the library was built from are there.
        places.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/digits.bin"))
        return places
    }

    /// Loads a file in the bundled format (see `Scripts/make_digits.py`).
    public static func load(contentsOf url: URL) throws -> TensorDataset {
        try decode(FileBytes.read(url.path), path: url.path)
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> TensorDataset {
        guard bytes.count >= 16, Array(bytes[0..<8]) == Array("APUSDIG1".utf8) else {
            throw ApusError.corruptFile(path: path, reason: "missing the APUSDIG1 header")
        }
        func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        let count = u32(8), pixels = u32(12)
        guard pixels == features, bytes.count == 16 + count * (pixels + 1) else {
            throw ApusError.corruptFile(path: path, reason: "expected \(16 + count * (features + 1)) bytes for \(count) images, found \(bytes.count)")
        }
        let images = bytes[16..<(16 + count * pixels)]
        let labels = bytes[(16 + count * pixels)...]
        guard images.allSatisfy({ $0 <= 16 }), labels.allSatisfy({ $0 < classes }) else {
            throw ApusError.corruptFile(path: path, reason: "pixel or label out of range")
        }
        let x = Tensor(scalars: images.map { Float($0) / 16 }, shape: [count, pixels])
        let y = Tensor(scalars: labels.map { Int64($0) })
        return TensorDataset(inputs: x, targets: y)
    }
}
