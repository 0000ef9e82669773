// Decision boundaries of MLPs on a 2-D toy dataset (two moons) with n hidden units and m hidden
// layers, written as PNG images: more units and layers bend the boundary more.
//
//   swift run -c release DecisionBoundaries [output-directory]   (default: decision-boundaries)
import Apus
import Foundation

let directory = CommandLine.arguments.dropFirst().first ?? "decision-boundaries"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

let data = ToyDatasets.moons(count: 200, noise: 0.2, generator: RandomGenerator(seed: 1))
for (units, layers) in [(1, 1), (2, 1), (8, 1), (8, 3), (32, 2)] {
    let generator = RandomGenerator(seed: 0)
    var modules: [Module] = []
    var width = 2
    for _ in 0..<layers {
        modules += [Linear(width, units, generator: generator), Tanh()]
        width = units
    }
    let model = Sequential(modules + [Linear(width, 2, generator: generator)])
    let optimizer = Adam(model.parameters(), lr: 0.02)
    for _ in 0..<500 {  // full-batch
        optimizer.zeroGrad()
        crossEntropy(model(data.inputs), data.targets).backward()
        optimizer.step()
    }
    let accuracy = noGrad { Apus.accuracy(model(data.inputs), data.targets) }
    let path = "\(directory)/moons-\(units)units-\(layers)layers.png"
    try DecisionBoundary.image(of: { model($0) }, inputs: data.inputs, labels: data.targets).writePNG(to: path)
    print("\(units) hidden units × \(layers) layer(s): training accuracy \(accuracy) → \(path)")
}
