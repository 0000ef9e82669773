/// Errors from input that comes from outside the program: files, command-line values, configurations.
///
/// Programmer errors inside the library (a shape mismatch) stop with a message naming the op and the shapes instead (see `require`).
public enum ApusError: Error, CustomStringConvertible, Equatable {
    /// A value given by the user is out of range or malformed.
    case invalidArgument(String)
    /// A named dataset is not known.
    case unknownDataset(String, known: [String])
    /// A file could not be found or read.
    case fileNotReadable(path: String)
    /// A file or directory could not be created or written (`reason` says why, when known).
    case fileNotWritable(path: String, reason: String = "")
    /// A file's contents are not what its format requires.
    case corruptFile(path: String, reason: String)
    /// A file is well formed but asks for something Apus refuses to do, such as a pickle naming a
    /// global outside the allowlist (`os.system`); `reason` says what.
    case disallowedContent(path: String, reason: String)
    /// Training produced a NaN or infinite loss; `epoch` and `step` (batch within the epoch) are 1-based.
    case nonFiniteLoss(epoch: Int, step: Int, loss: Double)
    /// A saved state (checkpoint, state dict) does not fit the model or optimizer it is loaded into.
    case stateMismatch(StateMismatch)
    /// A data file holds no examples (no bytes, only blank lines, or only a header).
    case emptyFile(path: String)
    /// A column asked for by name is not in the file's header.
    case unknownColumn(path: String, name: String, available: [String])
    /// A column asked for by (0-based) index is beyond the file's columns.
    case columnIndexOutOfRange(path: String, index: Int, columns: Int)
    /// A row of a text data file cannot be read: `line` is 1-based and counts the header.
    case malformedRow(path: String, line: Int, reason: String)
    /// The files of a downloadable dataset are in none of the `searched` places; `instructions` say how to get them.
    case datasetNotFound(name: String, searched: [String], instructions: String)
    /// Distributed training was asked for in a build without the package trait `MPI`.
    case distributedUnavailable
    /// A shared library loaded at run time is not installed: `purpose` says what needs it,
    /// `install` how to get it.
    case libraryUnavailable(library: String, purpose: String, install: String)

    /// The message the CLI prints after `error:`: one line naming the file, flag or value and the problem,
    /// as in `file 'images.idx' is corrupt: truncated: dimensions [3, 4] of 1-byte elements need 24 bytes, the file has 19`.
    public var description: String {
        switch self {
        case .invalidArgument(let message): message
        case .unknownDataset(let name, let known):
            "unknown dataset '\(name)'; available: \(known.joined(separator: ", "))"
        case .fileNotReadable(let path): "cannot read file '\(path)'"
        case .fileNotWritable(let path, let reason): "cannot write '\(path)'" + (reason.isEmpty ? "" : ": \(reason)")
        case .corruptFile(let path, let reason): "file '\(path)' is corrupt: \(reason)"
        case .disallowedContent(let path, let reason): "cannot load '\(path)': \(reason)"
        case .nonFiniteLoss(let epoch, let step, let loss):
            "loss is \(loss) at epoch \(epoch), step \(step): training diverged; lower the learning rate or check the data"
        case .stateMismatch(let mismatch): "saved state does not fit: \(mismatch)"
        case .emptyFile(let path): "file '\(path)' holds no data rows"
        case .unknownColumn(let path, let name, let available):
            "file '\(path)' has no column '\(name)'; columns: \(available.joined(separator: ", "))"
        case .columnIndexOutOfRange(let path, let index, let columns):
            "file '\(path)' has \(columns) columns (indices 0...\(columns - 1)); column index \(index) is out of range"
        case .malformedRow(let path, let line, let reason): "file '\(path)', line \(line): \(reason)"
        case .datasetNotFound(let name, let searched, let instructions):
            "\(name) not found (looked in \(searched.map { "'\($0)'" }.joined(separator: ", "))). \(instructions)"
        case .distributedUnavailable:
            "distributed training needs Open MPI: this build has no MPI support; install libopenmpi-dev and "
                + "build with `swift build -c release --traits MPI`, then run `mpirun -np N apus train --distributed ...`"
        case .libraryUnavailable(let library, let purpose, let install):
            "\(purpose) needs \(library), which is not installed; \(install)"
        }
    }
}

/// Stops the program with `message` when `condition` is false: for programmer errors
/// (shape mismatches, axes out of range), in every build configuration; shared by the package's
/// targets.
///
/// Unlike `precondition`, whose message optimised builds drop, the message is always printed,
/// so a release build still names the op and the shapes.
@inline(__always)
package func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                     file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
