import ArgumentParser
import Foundation

@main
struct ApusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apus",
        abstract: "Apus: train and inspect neural networks from the command line.",
        subcommands: [TrainCommand.self, PredictCommand.self, SummaryCommand.self, GraphCommand.self, ConvertCommand.self, BenchCommand.self]
    )

    /// Parses and runs; any error prints as one line on standard error with a non-zero exit status.
    static func main() {
        do {
            try TrainCommand.checkListValues(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }  // --help and friends
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
