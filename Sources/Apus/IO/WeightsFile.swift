import Foundation

/// A file of named tensors in either format Apus reads, told apart by content, not by extension:
/// safetensors, or a PyTorch checkpoint written by `torch.save` (a zip archive, `PK\3\4`).
public enum WeightsFile {
    /// The formats of weights files.
    public enum Format: String, Sendable, CaseIterable {
        /// A safetensors file (``Safetensors``).
        case safetensors
        /// A PyTorch `.pth` / `.pt` file written by `torch.save` (``TorchCheckpoint``).
        case pytorch
    }

    /// The format of the file at `path`, from its first bytes: a zip archive (or the pickled magic
    /// number of PyTorch's legacy format, which ``TorchCheckpoint`` refuses with advice) is a
    /// PyTorch checkpoint; anything else is read as safetensors, whose reader then validates it.
    public static func format(of path: String) throws -> Format {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ApusError.fileNotReadable(path: path) }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 4) else { throw ApusError.fileNotReadable(path: path) }
        // Legacy torch.save: PROTO 2, then LONG1 of 10 bytes (the magic number 0x1950a86a20f9469cfc6c).
        if Array(head) == [0x80, 0x02, 0x8A, 0x0A] { return .pytorch }
        return Array(head).withUnsafeBytes { ZipArchive.hasSignature($0) } ? .pytorch : .safetensors
    }

    /// Every tensor of the file at `path`, in file order, whatever its format: all tensors of a
    /// safetensors file, or all (flattened) tensors of a PyTorch checkpoint.
    public static func read(_ path: String) throws -> [(name: String, tensor: Tensor)] {
        switch try format(of: path) {
        case .safetensors: try Safetensors.read(path).tensors
        case .pytorch: try TorchCheckpoint.read(path).tensors
        }
    }
}
