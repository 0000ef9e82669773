import Synchronization
import Foundation

/// Messages already printed by ``warnOnce(_:)``.
private let warned = Mutex<Set<String>>([])

/// Prints `warning: message` to standard error the first time this message is seen in the
/// process, as Python's default warning filter does for PyTorch's `UserWarning`s: a deprecated or
/// suspicious use that still runs (a 3-D input to `dropout2d`, a channel count an instance norm
/// ignores).
func warnOnce(_ message: String) {
    guard warned.withLock({ $0.insert(message).inserted }) else { return }
    FileHandle.standardError.write(Data(("warning: " + message + "\n").utf8))
}
