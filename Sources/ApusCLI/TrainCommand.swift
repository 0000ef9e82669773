import Apus
import ApusVision
import ArgumentParser
import Foundation

// Numeric options parse their next argument unconditionally, so that a negative value such as
// `--epochs -1` reaches validation ("--epochs must be at least 1, got -1") instead of being
// taken for an option and reported as a missing value.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a classifier (an MLP or a zoo model) on a dataset, or an MLP on a CSV table, and report how well it does on test data."
    )

    @Option(help: "Dataset to train on (\(ImageDatasets.names.joined(separator: ", ")); default: digits).")
    var dataset: String?

    @Option(help: ArgumentHelp("Train on your own table instead: a CSV file with a header, numeric feature columns and "
                               + "the --target column (80/10/10 seeded split, features standardised on the training rows).",
                               valueName: "file"))
    var csv: String?

    @Option(help: ArgumentHelp("--csv: the column to predict.", valueName: "column"))
    var target: String?

    @Option(help: ArgumentHelp("--csv: classification or regression (default: classification for a target of labels or of "
                               + "integers with few distinct values, otherwise regression).", valueName: "task"))
    var task: String?

    @Option(help: ArgumentHelp("Start the zoo model from pretrained weights (a PyTorch .pth state dict such as "
                               + "torchvision's, safetensors, or an apus checkpoint); the head is replaced when the file's "
                               + "classes differ. The head trains at --lr, the body at --lr × --body-lr-factor.", valueName: "file"))
    var weights: String?

    @Flag(name: .customLong("freeze-backbone"),
          help: "With --weights: train the new head only; the body's weights and batch-norm statistics stay as loaded.")
    var freezeBackbone = false

    @Option(name: .customLong("fine-tune-epochs"), parsing: .unconditional,
            help: ArgumentHelp("With --weights: N head-only epochs (body frozen) first, then --epochs epochs of every layer "
                               + "at half the learning rates (N + --epochs epochs in all).", valueName: "n"))
    var fineTuneEpochs = 0

    @Option(name: .customLong("body-lr-factor"), parsing: .unconditional,
            help: ArgumentHelp("With --weights: the pretrained body's learning rate as a fraction of --lr (default 0.1).",
                               valueName: "x"))
    var bodyLRFactor: Double?

    @Option(help: ArgumentHelp("Folder holding the dataset's files (default: where the dataset is usually installed).",
                               valueName: "dir"))
    var data: String?

    @Option(name: .customLong("image-size"), parsing: .unconditional,
            help: ArgumentHelp("image-folder: train on RandomResizedCrop(N) with flips, evaluate on Resize(N) + CenterCrop(N) "
                               + "(default: the images' own size, which must then be one).", valueName: "n"))
    var imageSize: Int?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("image-folder: 3 (RGB, grey files repeated) or 1 (grey, colour files converted).",
                               valueName: "n"))
    var channels = 3

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Background threads that read and augment training batches while the model trains "
                               + "(0: read on the training thread).", valueName: "n"))
    var workers = ClassificationRunConfig().workers

    @Option(help: "Model: mlp (see --hidden) or a zoo model (\(VisionModels.names.joined(separator: ", "))).")
    var model = ClassificationRunConfig().model

    @Option(parsing: .unconditional, help: "Passes over the training data (the last epoch number when resuming).")
    var epochs = ClassificationRunConfig().epochs

    @Option(name: .customLong("batch-size"), parsing: .unconditional,
            help: ArgumentHelp("Examples per minibatch (default: 32 for the MLP, 64 for zoo models); with --distributed "
                               + "the global batch, split evenly among the processes."))
    var batchSize: Int?

    @Option(help: "Optimizer (\(ClassificationRunConfig.optimizers.map(\.name).joined(separator: ", ")); default: sgd for the MLP, adam for zoo models).")
    var optimizer: String?

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

    @Option(name: .customLong("weight-decay"), parsing: .unconditional,
            help: ArgumentHelp("Weight decay λ ≥ 0 (default 0; 0.01 for adamw): coupled (g += λw) for sgd, adam, rmsprop, "
                               + "adagrad; decoupled (w -= lr·λ·w) for adamw.", valueName: "x"))
    var weightDecay: Double?

    @Option(name: .customLong("lr-schedule"),
            help: ArgumentHelp("Learning-rate schedule, stepped per epoch (\(ClassificationRunConfig.lrSchedules.joined(separator: ", "))); "
                               + "plateau watches val_loss.", valueName: "name"))
    var lrSchedule = ClassificationRunConfig().lrSchedule

    @Option(name: .customLong("lr-step"), parsing: .unconditional,
            help: ArgumentHelp("step: epochs between decays; plateau: epochs without improvement before a reduction (default 10).",
                               valueName: "n"))
    var lrStep: Int?

    @Option(name: .customLong("lr-gamma"), parsing: .unconditional,
            help: ArgumentHelp("Decay factor in (0, 1) of step, exponential and plateau (default 0.1 for step and plateau, "
                               + "0.95 for exponential).", valueName: "x"))
    var lrGamma: Double?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Epochs of linear learning-rate warm-up before the schedule: epoch k ≤ n uses lr·k/(n+1) (0: none).",
                               valueName: "n"))
    var warmup = ClassificationRunConfig().warmup

    @Option(parsing: .unconditional, help: ArgumentHelp("Dropout probability in [0, 1) after every hidden activation (0: none).",
                                                       valueName: "p"))
    var dropout = ClassificationRunConfig().dropout

    @Flag(name: .customLong("batch-norm"), help: "Batch normalisation after every hidden linear layer, before its activation.")
    var batchNorm = false

    @Option(help: "Hidden activation (\(ClassificationRunConfig.activations.joined(separator: ", "))).")
    var activation = ClassificationRunConfig().activation

    @Option(name: .customLong("init"),
            help: ArgumentHelp("Weight initialiser (\(ClassificationRunConfig.initializers.joined(separator: ", "))): default is "
                               + "PyTorch's Linear U(±1/√in); he is Kaiming normal for the activation (LeCun normal for selu); "
                               + "the others start biases at 0.", valueName: "name"))
    var weightInit = ClassificationRunConfig().initializer

    @Option(parsing: .unconditional, help: ArgumentHelp("Add λ·Σ|w| over the weights (not biases) to the training loss.", valueName: "λ"))
    var l1 = ClassificationRunConfig().l1

    @Option(parsing: .unconditional, help: ArgumentHelp("Add λ·Σw² over the weights (not biases) to the training loss.", valueName: "λ"))
    var l2 = ClassificationRunConfig().l2

    @Option(name: .customLong("clip-norm"), parsing: .unconditional,
            help: ArgumentHelp("Clip the gradients to this global L2 norm before every step.", valueName: "x"))
    var clipNorm: Double?

    @Option(name: .customLong("log-dir"),
            help: ArgumentHelp("Write TensorBoard scalars and weight/gradient histograms per epoch to DIR.", valueName: "dir"))
    var logDir: String?

    @Option(name: .customLong("csv-log"), help: ArgumentHelp("Write one CSV row of metrics per epoch to PATH.", valueName: "path"))
    var csvLog: String?

    @Option(help: ArgumentHelp("Draw loss and accuracy per epoch (training and validation) as a PNG line chart to PATH.",
                               valueName: "path"))
    var plot: String?

    @Flag(help: "End the output with one JSON object summarising the run.")
    var json = false

    @Flag(help: ArgumentHelp("Data-parallel training over MPI: run under 'mpirun -np N' in a build with the MPI trait "
                             + "(swift build --traits MPI); only rank 0 prints and writes files."))
    var distributed = false

    func run() throws {
        var config = ClassificationRunConfig()
        config.dataset = dataset ?? (csv != nil ? "csv" : config.dataset)
        config.model = model
        config.epochs = epochs
        config.batchSize = batchSize ?? (model == "mlp" ? 32 : 64)
        // The MLP trains well with SGD and momentum; the zoo's deeper networks start faster with Adam.
        let optimizer = optimizer ?? (model == "mlp" ? "sgd" : "adam")
        config.optimizer = optimizer
        config.lr = lr ?? ClassificationRunConfig.optimizer(named: optimizer)?.defaultLR ?? config.lr
        config.momentum = momentum
        config.seed = seed
        config.hidden = hidden
        config.patience = patience
        config.checkpoint = checkpoint
        config.resume = resume
        config.weightDecay = weightDecay
        config.lrSchedule = lrSchedule
        config.lrStep = lrStep
        config.lrGamma = lrGamma
        config.warmup = warmup
        config.dropout = dropout
        config.batchNorm = batchNorm
        config.activation = activation
        config.initializer = weightInit
        config.l1 = l1
        config.l2 = l2
        config.clipNorm = clipNorm
        config.logDirectory = logDir
        config.csvLog = csvLog
        config.workers = workers
        config.weights = weights
        config.freezeBackbone = freezeBackbone
        config.fineTuneEpochs = fineTuneEpochs
        config.bodyLRFactor = bodyLRFactor
        if let csv {
            try trainOnTable(csv, config: config)
            return
        }
        for (flag, given) in [("--target", target != nil), ("--task", task != nil)] where given {
            throw ApusError.invalidArgument("\(flag) applies to a table: give it with --csv FILE")
        }
        let dataset = config.dataset
        try config.validate(knownDatasets: ImageDatasets.names)
        if dataset != "image-folder" {
            for (flag, given) in [("--image-size", imageSize != nil), ("--channels", channels != 3)] where given {
                throw ApusError.invalidArgument("\(flag) applies to --dataset image-folder, not \(dataset)")
            }
        }
        guard model == "mlp" || VisionModels.names.contains(model) else {
            throw ApusError.invalidArgument("unknown --model '\(model)'; available: mlp, \(VisionModels.names.joined(separator: ", "))")
        }
        if VisionModels.segmentationNames.contains(model) {
            throw ApusError.invalidArgument("--model \(model) is a segmentation model (it labels pixels); apus train trains "
                                            + "classifiers of whole images. Train it from the library: SegmentationData, "
                                            + "segmentationLoss and SegmentationConfusionMatrix (Docs/Vision.md)")
        }
        if model != "mlp" {
            let defaults = ClassificationRunConfig()
            for (flag, isDefault) in [("--hidden", hidden == defaults.hidden), ("--dropout", dropout == defaults.dropout),
                                      ("--batch-norm", batchNorm == defaults.batchNorm),
                                      ("--activation", activation == defaults.activation),
                                      ("--init", weightInit == defaults.initializer)] where !isDefault {
                throw ApusError.invalidArgument("\(flag) shapes the MLP; --model \(model) has its own layers")
            }
        }
        let plotter = try plotCallbacks()
        let communicator = distributed ? try DistributedRuntime.worldCommunicator() : nil
        let isRoot = communicator?.isRoot ?? true
        let images = try ImageDatasets.load(dataset, directory: data, imageSize: imageSize, channels: channels, seed: seed)
        let result = try runClassification(config, data: images, modelFactory: { name, shape, classes, generator in
            do {
                try VisionModels.checkInput([1] + shape, for: name)
            } catch let error as ApusError where dataset == "image-folder" && imageSize == nil {
                // Photos come in any size: say how to bring them to one the model takes.
                throw ApusError.invalidArgument("\(error); --image-size N resizes and crops the images to N×N")
            }
            return try VisionModels.make(name, classes: classes, inputChannels: shape[0], forPretrainedWeights: weights != nil,
                                         generator: generator)
        }, callbacks: isRoot ? [ProgressBar()] + plotter + FailureInjection.callbacks(rank: communicator?.rank ?? 0)
                             : FailureInjection.callbacks(rank: communicator?.rank ?? 0),
           communicator: communicator)
        if communicator != nil { DistributedRuntime.finalize() }
        guard isRoot else { return }
        if let stopped = result.stoppedEpoch, let best = result.bestEpoch {
            print("early stopping at epoch \(stopped); kept the weights of epoch \(best)")
        }
        print(String(format: "test accuracy %.4f (%@, %d parameters, %.2f s)",
                     result.testAccuracy, result.model, result.parameters, result.seconds))
        if let top5 = result.testTop5Accuracy { print(String(format: "test top-5 accuracy %.4f", top5)) }
        if let classes = result.classes { print("classes: \(classes.joined(separator: ", "))") }
        if json { print(result.json()) }
    }

    /// `--csv FILE --target COLUMN`: an MLP on a table, classification or regression.
    private func trainOnTable(_ path: String, config: ClassificationRunConfig) throws {
        var config = config
        if let dataset { throw ApusError.invalidArgument("--csv trains on a table; it does not combine with --dataset \(dataset)") }
        guard let target else { throw ApusError.invalidArgument("--csv needs --target COLUMN: the column to predict") }
        for (flag, given) in [("--image-size", imageSize != nil), ("--channels", channels != 3), ("--weights", weights != nil),
                              ("--distributed", distributed)] where given {
            throw ApusError.invalidArgument("\(flag) does not apply to --csv tables")
        }
        guard model == "mlp" else {
            throw ApusError.invalidArgument("--csv trains an MLP (--hidden); --model \(model) takes images")
        }
        let chosen = try task.map { name -> TableTask in
            guard let t = TableTask(rawValue: name) else {
                throw ApusError.invalidArgument("unknown --task '\(name)'; available: classification, regression")
            }
            return t
        }
        config.dataset = "csv"
        try config.validate(knownDatasets: ["csv"])
        let data = try TableData(try loadCSV(path: path, target: .name(target)), task: chosen, seed: seed)
        switch data.task {
        case .classification:
            let result = try runClassification(config, data: data.classificationData(), callbacks: [ProgressBar()] + plotCallbacks())
            if let stopped = result.stoppedEpoch, let best = result.bestEpoch {
                print("early stopping at epoch \(stopped); kept the weights of epoch \(best)")
            }
            print(String(format: "test accuracy %.4f (%@, %d parameters, %.2f s)",
                         result.testAccuracy, result.model, result.parameters, result.seconds))
            if let classes = result.classes { print("classes: \(classes.joined(separator: ", "))") }
            if json { print(result.json()) }
        case .regression:
            let result = try runRegression(config, data: data, callbacks: [ProgressBar()] + plotCallbacks())
            if let stopped = result.stoppedEpoch, let best = result.bestEpoch {
                print("early stopping at epoch \(stopped); kept the weights of epoch \(best)")
            }
            print(String(format: "test mse %.6g  mae %.6g  r2 %.4f (%@ predicting %@, %d parameters, %.2f s)",
                         result.test.meanSquaredError, result.test.meanAbsoluteError, result.test.r2,
                         result.model, result.target, result.parameters, result.seconds))
            if json { print(result.json()) }
        }
    }
}

extension TrainCommand {
    /// With `--plot`: the callback that draws the curves of the epochs this run trained when
    /// training ends (before the test), after checking the path. A distributed run gives it to rank 0 only.
    func plotCallbacks() throws -> [any Callback] {
        guard let plot else { return [] }
        try Self.checkPlotPath(plot)
        return [LambdaCallback(onTrainEnd: { _, history in try history.plot(to: plot) })]
    }

    /// Fails before training when `--plot` cannot be written: not a `.png`, or in a missing directory.
    static func checkPlotPath(_ path: String) throws {
        guard URL(fileURLWithPath: path).pathExtension.lowercased() == "png" else {
            throw ApusError.invalidArgument("--plot writes a PNG image: '\(path)' does not end in .png")
        }
        var isDirectory: ObjCBool = false
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ApusError.invalidArgument("--plot: directory '\(directory)' does not exist")
        }
    }

    /// Reports a negative number after `--hidden` as what it is. The list option takes values up
    /// to the next option, and to the argument parser `-3` looks like one, so `--hidden -3` would
    /// otherwise be "Missing value for '--hidden'".
    static func checkListValues(_ arguments: [String]) throws {
        guard let flag = arguments.firstIndex(of: "--hidden") else { return }
        for value in arguments[(flag + 1)...] {
            guard value.hasPrefix("-") else { continue }
            guard let number = Int(value) else { break }  // the next option
            throw ApusError.invalidArgument("--hidden sizes must be at least 1, got \(number) (a negative size)")
        }
    }
}

/// Test hook of the distributed checks: `APUS_TEST_FAIL_RANK=r APUS_TEST_FAIL_STEP=k` makes rank `r`
/// fail after its `k`-th optimizer step, by exiting with status 3 (`APUS_TEST_FAIL_MODE=exit`, the
/// default) or by hanging (`hang`), so that the other ranks' behaviour can be checked.
enum FailureInjection {
    static func callbacks(rank: Int) -> [any Callback] {
        let env = ProcessInfo.processInfo.environment
        guard let r = env["APUS_TEST_FAIL_RANK"].flatMap(Int.init), r == rank,
              let step = env["APUS_TEST_FAIL_STEP"].flatMap(Int.init) else { return [] }
        let hang = env["APUS_TEST_FAIL_MODE"] == "hang"
        return [LambdaCallback(onBatchEnd: { _, _, trainer in
            guard trainer.globalStep == step else { return }
            FileHandle.standardError.write(Data("rank \(rank): \(hang ? "hanging" : "exiting") at step \(step) (APUS_TEST_FAIL_RANK)\n".utf8))
            if hang { while true { sleep(1000) } }
            exit(3)
        })]
    }
}
