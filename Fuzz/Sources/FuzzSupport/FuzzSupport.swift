/// Runs libFuzzer on `body`: the executable's arguments are libFuzzer's (`-max_total_time=60`,
/// corpus directories, a crash file to replay). Returns libFuzzer's exit status.
///
/// Built with `-sanitize=fuzzer`, the program links libFuzzer, whose driver is entered here
/// (SwiftPM gives executables their own `main`, so libFuzzer's is not used).
public func fuzz(_ body: @escaping @Sendable ([UInt8]) -> Void) -> Int32 {
    FuzzBody.current = body
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, count in
        FuzzBody.current?(data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
        return 0
    }
}

/// The closure under test (libFuzzer's callback is a C function and cannot capture it).
enum FuzzBody {
    nonisolated(unsafe) static var current: (@Sendable ([UInt8]) -> Void)?
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
