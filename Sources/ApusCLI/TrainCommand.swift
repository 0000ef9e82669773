import Apus
import ArgumentParser
import Foundation

// Numeric options parse their next argument unconditionally, so that a negative value such as
// `--epochs -1` reaches validation ("--epochs must be at least 1, got -1") instead of being
// taken for an option and reported as a missing value.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a classifier on a bundled dataset and report its test accuracy."
    )

    @Option(help: "Dataset to train on (\(ClassificationRunConfig.datasets.joined(separator: ", "))).")
    var dataset = ClassificationRunConfig().dataset

    @Option(parsing: .unconditional, help: "Passes over the training data (the last epoch number when resuming).")
    var epochs = ClassificationRunConfig().epochs

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Examples per minibatch.")
    var batchSize = ClassificationRunConfig().batchSize

    @Option(help: "Optimizer (\(ClassificationRunConfig.optimizers.map(\.name).joined(separator: ", "))).")
    var optimizer = ClassificationRunConfig().optimizer

    @Option(parsing: .unconditional,
            help: "Learning rate (default: \(ClassificationRunConfig.optimizers.map { "\($0.defaultLR) for \($0.name)" }.joined(separator: ", "))).")
    var lr: Double?

    @Option(parsing: .unconditional, help: "Momentum of SGD, in [0, 1).")
    var momentum = ClassificationRunConfig().momentum

    @Option(parsing: .unconditional, help: "Seed of the split, the initial weights and the shuffling.")
    var seed = ClassificationRunConfig().seed

    @Option(parsing: .upToNextOption, help: "Hidden layer sizes, e.g. --hidden 128 64.")
    var hidden = ClassificationRunConfig().hidden

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Stop when validation loss has not improved for N epochs in a row, keeping the best weights.",
                               valueName: "n"))
    var patience: Int?

    @Option(help: ArgumentHelp("Write a training checkpoint (safetensors) to PATH after every epoch.", valueName: "path"))
    var checkpoint: String?

    @Option(help: ArgumentHelp("Continue from a training checkpoint written by --checkpoint (same seed, model and optimizer; "
                               + "weights, optimizer state and learning rate come from the file).",
                               valueName: "path"))
    var resume: String?

    @Flag(help: "End the output with one JSON object summarising the run.")
    var json = false

    func run() throws {
        var config = ClassificationRunConfig()
        config.dataset = dataset
        config.epochs = epochs
        config.batchSize = batchSize
        config.optimizer = optimizer
        config.lr = lr ?? ClassificationRunConfig.optimizer(named: optimizer)?.defaultLR ?? config.lr
        config.momentum = momentum
        config.seed = seed
        config.hidden = hidden
        config.patience = patience
        config.checkpoint = checkpoint
        config.resume = resume
        try config.validate()
        let result = try runClassification(config, callbacks: [ProgressBar()])
        if let stopped = result.stoppedEpoch, let best = result.bestEpoch {
            print("early stopping at epoch \(stopped); kept the weights of epoch \(best)")
        }
        print(String(format: "test accuracy %.4f (%@, %d parameters, %.2f s)",
                     result.testAccuracy, result.model, result.parameters, result.seconds))
        if json { print(result.json()) }
    }
}
