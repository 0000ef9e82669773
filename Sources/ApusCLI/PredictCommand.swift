import Apus
import ApusVision
import ArgumentParser
import Foundation

/// `apus predict`: classify images, or predict a table's rows, with a trained model.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify images (or predict the rows of a CSV table) with a checkpoint or pretrained weights.",
        discussion: """
            apus predict --checkpoint pets.safetensors cat.jpg dog.png
            apus predict --model resnet18 --weights resnet18.pth --classes imagenet_classes.txt --top 5 cat.jpg
            apus predict --checkpoint houses.safetensors --csv new-houses.csv
            """
    )

    @Option(help: ArgumentHelp("A checkpoint written by apus train --checkpoint (model, classes and preprocessing come "
                               + "from it).", valueName: "file"))
    var checkpoint: String?

    @Option(help: ArgumentHelp("A zoo model to load --weights into (\(VisionModels.names.joined(separator: ", "))).",
                               valueName: "name"))
    var model: String?

    @Option(help: ArgumentHelp("Raw weights for --model (e.g. torchvision's .pth, or safetensors); images are prepared as "
                               + "torchvision's evaluation transform: Resize(256), CenterCrop(224), ImageNet normalisation.",
                               valueName: "file"))
    var weights: String?

    @Option(help: ArgumentHelp("With --weights: class names, one per line in index order (default: indices).",
                               valueName: "file"))
    var classes: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("How many classes to list per image, most probable first.",
                                                       valueName: "k"))
    var top = 5

    @Option(help: ArgumentHelp("Predict every row of this CSV file (a checkpoint trained with apus train --csv); "
                               + "writes CSV with one prediction per row.", valueName: "file"))
    var csv: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Argument(help: ArgumentHelp("Image files (PNG or JPEG).", valueName: "image"))
    var images: [String] = []

    func run() throws {
        if let csv {
            try predictTable(csv)
            return
        }
        guard !images.isEmpty else {
            throw ApusError.invalidArgument("no image given: apus predict --checkpoint FILE IMAGE... (or --csv FILE for a table)")
        }
        guard top >= 1 else { throw ApusError.invalidArgument("--top must be at least 1, got \(top)") }
        let classifier = try makeClassifier()
        var results: [(file: String, top: [ClassPrediction])] = []
        for path in images {
            results.append((path, try classifier.classify(contentsOf: path, top: top)))
        }
        if json {
            let objects = results.map { r in
                PredictionJSON(file: r.file, top: r.top.map { .init(className: $0.label, index: $0.index, probability: $0.probability) })
            }
            print(encodeJSON(["predictions": objects]))
            return
        }
        for (file, top) in results {
            print(file)
            let width = top.map(\.label.count).max() ?? 0
            for p in top {
                print("  " + p.label.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "  %.4f", p.probability))
            }
        }
    }

    private func makeClassifier() throws -> ImageClassifier {
        switch (checkpoint, model, weights) {
        case (let path?, nil, nil):
            if classes != nil { throw ApusError.invalidArgument("--classes names raw --weights' classes; a checkpoint has its own") }
            return try ImageClassifier(checkpoint: path)
        case (nil, let name?, let path?):
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ApusError.invalidArgument("--weights: cannot read file '\(path)'")
            }
            let names = try classes.map { try ImageClassifier.classNames(contentsOf: $0) }
            return try ImageClassifier(model: name, weights: path, classes: names)
        case (nil, _?, nil): throw ApusError.invalidArgument("--model needs --weights FILE (or use --checkpoint FILE)")
        case (nil, nil, _?): throw ApusError.invalidArgument("--weights needs --model NAME: the architecture to load them into")
        case (nil, nil, nil): throw ApusError.invalidArgument("give --checkpoint FILE, or --model NAME with --weights FILE")
        default: throw ApusError.invalidArgument("--checkpoint already names the model and its weights: drop --model and --weights")
        }
    }

    /// `--checkpoint FILE --csv FILE`: CSV on standard output, a header naming the target, then
    /// one row per input row (with the class's probability for a classifier).
    private func predictTable(_ path: String) throws {
        guard let checkpoint else { throw ApusError.invalidArgument("--csv needs --checkpoint FILE: a model trained with apus train --csv") }
        for (flag, given) in [("--model", model != nil), ("--weights", weights != nil), ("--classes", classes != nil),
                              ("image files", !images.isEmpty)] where given {
            throw ApusError.invalidArgument("\(flag) does not apply to --csv tables")
        }
        let predictor = try TablePredictor(checkpoint: checkpoint)
        let predictions = try predictor.predict(csv: path)
        let target = predictor.preprocessing.target
        if json {
            let rows = predictions.map { p -> TableRowJSON in
                switch p {
                case .value(let v): TableRowJSON(value: v, className: nil, probability: nil)
                case .label(let l, let probability): TableRowJSON(value: nil, className: l, probability: probability)
                }
            }
            print(encodeJSON(TableJSON(target: target, predictions: rows)))
            return
        }
        var lines: [String] = []
        switch predictor.preprocessing.task {
        case .regression: lines.append(csvField(target))
        case .classification: lines.append(csvField(target) + ",probability")
        }
        for p in predictions {
            switch p {
            case .value(let v): lines.append("\(v)")
            case .label(let l, let probability): lines.append(csvField(l) + "," + String(probability))
            }
        }
        print(lines.joined(separator: "\n"))
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
    private func csvField(_ text: String) -> String {
        text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

private struct PredictionJSON: Encodable {
    struct Entry: Encodable {
        let className: String
        let index: Int
        let probability: Double
        enum CodingKeys: String, CodingKey { case className = "class", index, probability }
    }
    let file: String
    let top: [Entry]
}

private struct TableJSON: Encodable {
    let target: String
    let predictions: [TableRowJSON]
}

private struct TableRowJSON: Encodable {
    let value: Double?
    let className: String?
    let probability: Double?
    enum CodingKeys: String, CodingKey { case value, className = "class", probability }
}

/// One line of JSON with sorted keys.
private func encodeJSON<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return String(decoding: try! encoder.encode(value), as: UTF8.self)
}
