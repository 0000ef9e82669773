// A multi-task network: one shared trunk, two heads, trained on a weighted sum of their losses.
// Task A classifies the digit (10 classes, cross-entropy); task B predicts the digit's ink
// (mean pixel intensity, a regression with MSE). The trunk learns features useful to both.
import Apus

seed(0)
let data = try Digits.load()
let parts = randomSplit(count: data.count)
let train = data.subset(parts[0]), test = data.subset(parts[2])

final class MultiTaskNet: Module {
    let trunk = Sequential(Linear(64, 64), ReLU())
    let digitHead = Linear(64, 10)
    let inkHead = Linear(64, 1)

    /// Both heads' outputs for a batch: logits `[N, 10]` and ink `[N, 1]`.
    func outputs(_ x: Tensor) -> (logits: Tensor, ink: Tensor) {
        let features = trunk(x)
        return (digitHead(features), inkHead(features))
    }

    override func forward(_ x: Tensor) -> Tensor { outputs(x).logits }
}

/// Task B's target: the mean pixel of each image.
func ink(_ images: Tensor) -> Tensor { images.mean(axis: 1, keepDims: true) }

let model = MultiTaskNet()
let optimizer = Adam(model.parameters(), lr: 1e-3)
let (weightA, weightB) = (1.0, 0.5)  // J = 1·J_digit + 0.5·J_ink
for epoch in 1...20 {
    for (x, y) in DataLoader(train, batchSize: 32, shuffle: true) {
        optimizer.zeroGrad()
        let (logits, predictedInk) = model.outputs(x)
        let loss = weightA * crossEntropy(logits, y) + weightB * mseLoss(predictedInk, ink(x))
        loss.backward()
        optimizer.step()
    }
    if epoch % 5 == 0 {
        let (logits, predictedInk) = noGrad { model.outputs(test.inputs) }
        print("epoch \(epoch)  digit accuracy \(accuracy(logits, test.targets))  ink MSE \(mseLoss(predictedInk, ink(test.inputs)).item())")
    }
}
