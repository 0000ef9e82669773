/// Errors from input that comes from outside the program: files, command-line values, configurations.
///
/// Programmer errors inside the library (a shape mismatch) stop with a precondition message instead.
public enum ApusError: Error, CustomStringConvertible, Equatable {
    /// A value given by the user is out of range or malformed.
    case invalidArgument(String)
    /// A named dataset is not known.
    case unknownDataset(String, known: [String])
    /// A file could not be found or read.
    case fileNotReadable(path: String)
    /// A file's contents are not what its format requires.
    case corruptFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): message
        case .unknownDataset(let name, let known):
            "unknown dataset '\(name)'; available: \(known.joined(separator: ", "))"
        case .fileNotReadable(let path): "cannot read file '\(path)'"
        case .corruptFile(let path, let reason): "file '\(path)' is corrupt: \(reason)"
        }
    }
}
