// Train/validation/test, Adam with a plateau schedule, early stopping, checkpoints and logs.
import Apus
import Foundation

// snippet.setup
seed(0)
let data = try Digits.load()
let parts = randomSplit(count: data.count)
let (train, validation, test) = (data.subset(parts[0]), data.subset(parts[1]), data.subset(parts[2]))
let model = mlp(inputs: 64, hidden: [128, 64], outputs: 10)
let optimizer = Adam(model.parameters(), lr: 1e-3)
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("apus-practice").path
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)

// snippet.fit
let trainer = Trainer(model: model, optimizer: optimizer, metrics: [.accuracy, .topKAccuracy(5)])
let history = try trainer.fit(
    DataLoader(train, batchSize: 32, shuffle: true), validation: validation, epochs: 40,
    callbacks: [
        LRSchedulerCallback(ReduceLROnPlateau(optimizer, factor: 0.5, patience: 2), monitor: "val_loss"),
        EarlyStopping(monitor: "val_loss", patience: 5, restoreBestWeights: true),
        ModelCheckpoint(path: folder + "/best.safetensors", monitor: "val_accuracy", saveBestOnly: true),
        TensorBoardCallback(try SummaryWriter(logDirectory: folder + "/runs")),   // tensorboard --logdir …
    ])
print("epochs run:", history.epochs.count, "test:", trainer.evaluate(test))

// snippet.plot
try history.plot(to: folder + "/curves.png", width: 1800)   // three charts: loss, accuracy, top-5 accuracy
print("training curves:", folder + "/curves.png")
// snippet.end
