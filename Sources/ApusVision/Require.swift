/// Stops the program with `message` when `condition` is false: for programmer errors (bad
/// hyper-parameters, wrong shapes), in every build configuration (as Apus's internal `require`).
@inline(__always)
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
             file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
