import Foundation

/// Writes a Graphviz graph (DOT text, from ``graph(of:names:trace:options:)``) to `path`: as text
/// for `.dot` and `.gv`, else rendered by Graphviz's `dot` program in the format the extension
/// names (`.svg`, `.png`, `.pdf`), atomically (a temporary file renamed into place).
///
/// `dot` is looked up in `PATH`; without it, rendering throws an error saying how to install
/// Graphviz (`apt-get install graphviz`), and writing `.dot` still works.
public func writeGraph(_ dot: String, to path: String) throws {
    let format = URL(fileURLWithPath: path).pathExtension.lowercased()
    if format == "dot" || format == "gv" {
        do {
            try Data(dot.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ApusError.fileNotWritable(path: path, reason: error.localizedDescription)
        }
        return
    }
    guard Graphviz.formats.contains(format) else {
        throw ApusError.invalidArgument("cannot draw a graph to '\(path)': name a .dot, .gv, "
                                        + Graphviz.formats.map { ".\($0)" }.joined(separator: ", ") + " file")
    }
    try Graphviz.render(dot, format: format, to: path)
}

/// Runs Graphviz's `dot` as a subprocess.
public enum Graphviz {
    /// Output formats ``writeGraph(_:to:)`` asks `dot` for, by file extension.
    public static let formats = ["svg", "png", "pdf"]

    /// The `dot` executable in `PATH`, if Graphviz is installed.
    public static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("dot").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether `dot` is installed.
    public static var isAvailable: Bool { executable != nil }

    /// `dot -T<format>` of `source`, written to `path`.
    static func render(_ source: String, format: String, to path: String) throws {
        guard let dot = executable else {
            throw ApusError.libraryUnavailable(
                library: "Graphviz's `dot` program", purpose: "drawing the graph '\(path)'",
                install: "install it with `apt-get install graphviz` (`brew install graphviz` on macOS), or write a .dot file")
        }
        let fm = FileManager.default
        let destination = URL(fileURLWithPath: path)
        let scratch = fm.temporaryDirectory.appendingPathComponent("apus-graph-\(UUID().uuidString)")
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: scratch) }
        // Rendered beside the destination, then renamed: atomic, and on the same file system.
        let input = scratch.appendingPathComponent("graph.dot")
        let output = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).\(format)")
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: output.deletingLastPathComponent().path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ApusError.fileNotWritable(path: path, reason: "its directory does not exist")
        }
        defer { try? fm.removeItem(at: output) }
        try Data(source.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dot)
        process.arguments = ["-T\(format)", "-o", output.path, input.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ApusError.fileNotWritable(path: path, reason: "cannot run \(dot): \(error.localizedDescription)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ApusError.fileNotWritable(path: path, reason: "dot exited with status \(process.terminationStatus): "
                                            + message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard rename(output.path, destination.path) == 0 else {
            throw ApusError.fileNotWritable(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
