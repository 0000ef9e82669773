import Foundation

/// Trains an MLP regressor on a table as `config` says, as ``runClassification(_:data:modelFactory:callbacks:communicator:onEpoch:)``
/// does a classifier: the same options, callbacks, checkpoints and resumption, with a single
/// output trained on the mean squared error of the standardised target (``TableData``) and the
/// mean absolute error as its metric (logged as `mae`, in standardised units).
///
/// The result reports the mean squared and absolute errors and R² (`1 − SS_res/SS_tot`, with the
/// part's own mean, as scikit-learn's `r2_score`) of the kept weights on each part, in the
/// target's own units. The checkpoint holds the ``TablePreprocessing`` (metadata `table`).
public func runRegression(_ config: ClassificationRunConfig, data: TableData, callbacks: [any Callback] = [],
                          communicator: (any Communicator)? = nil) throws -> RegressionRunResult {
    require(data.task == .regression, "runRegression: the table's task is \(data.task), not regression")
    guard config.model == "mlp" else {
        throw ApusError.invalidArgument("a table trains an MLP (--hidden); --model \(config.model) takes images")
    }
    let task = RunTask(name: "regression", loss: { mseLoss($0, $1) }, metrics: [.meanAbsoluteError], outputs: 1)
    let run = try trainRun(config, data: data.classificationData(name: config.dataset), task: task, modelFactory: nil,
                           callbacks: callbacks, communicator: communicator)
    func errors(_ part: TensorDataset) -> RegressionErrors {
        let outputs = run.trainer.predict(part.inputs).toDoubles()
        let p = data.preprocessing
        return RegressionErrors(predictions: outputs.map(p.targetValue(fromOutput:)),
                                targets: part.targets.toDoubles().map(p.targetValue(fromOutput:)))
    }
    let (train, validation, test) = (errors(data.train), errors(data.validation), errors(data.test))
    return RegressionRunResult(
        dataset: config.dataset, target: data.preprocessing.target, model: run.modelName,
        parameters: run.model.parameterCount, epochs: config.totalEpochs, trainLoss: run.keptLogs["loss"]!,
        train: train, validation: validation, test: test, seconds: Date().timeIntervalSince(run.start),
        stoppedEpoch: run.stoppedEpoch, bestEpoch: run.bestEpoch, optimizer: config.optimizer,
        lrSchedule: config.lrScheduleDescription, lastLR: run.history.last?["lr"])
}
