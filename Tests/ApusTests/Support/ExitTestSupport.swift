import Testing

/// The captured standard error of an exit test, as text (for checking `require` messages).
func stderrText(_ result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
}
