/// Training, validation-free and test examples of a classification task given to
/// ``runClassification(_:data:modelFactory:callbacks:communicator:onEpoch:)`` (image datasets, CSV files).
///
/// Any ``Dataset`` serves: a ``TensorDataset``, or one that keeps its examples compactly and
/// builds each batch when asked (ApusVision's `ImageDataset` keeps images as bytes).
public struct ClassificationData: Sendable {
    /// The dataset's name, as `--dataset` says it.
    public let name: String
    /// Training examples; the run keeps the last 10% for validation (Keras's `validation_split`),
    /// read through a ``DatasetSlice`` (no copy).
    public let train: any Dataset & Sendable
    /// The held-out test set.
    public let test: any Dataset & Sendable
    /// The number of classes: labels are int64 in `0..<classes`.
    public let classes: Int
    /// The validation set, when the data comes with one (an image folder's `val/`, or one read
    /// with other transforms than `train`); nil: the last 10% of `train` validates.
    public let validation: (any Dataset & Sendable)?
    /// The class names in index order, when the data names them (an image folder's subfolders).
    public let classNames: [String]?
    /// How an example is made from raw data (an image's resizing and normalisation, a table's
    /// columns and standardisation), as text: written into the run's checkpoint metadata so that
    /// a predictor can prepare new inputs the same way.
    public let metadata: [String: String]

    /// Data for a run; `validation` nil lets the run split it off `train`.
    public init(name: String, train: any Dataset & Sendable, validation: (any Dataset & Sendable)? = nil,
                test: any Dataset & Sendable, classes: Int, classNames: [String]? = nil, metadata: [String: String] = [:]) {
        self.name = name
        self.train = train
        self.validation = validation
        self.test = test
        self.classes = classes
        self.classNames = classNames
        self.metadata = metadata
    }
}

/// Builds a model by name for inputs of one example's shape (`[C, H, W]`) and a number of
/// classes, drawing its weights from the generator.
public typealias ModelFactory = (_ name: String, _ exampleShape: [Int], _ classes: Int, _ generator: RandomGenerator) throws -> Module

/// The first 90% and the last 10% of `data` (Keras's `validation_split`), as views.
func splitOffLastTenth<D: Dataset>(_ data: D) -> (train: any Dataset<D.Failure>, validation: any Dataset<D.Failure>) {
    let n = data.count, cut = n - n / 10
    return (DatasetSlice(data, range: 0..<cut), DatasetSlice(data, range: cut..<n))
}

