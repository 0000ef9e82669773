// Linear regression by gradient descent, first written out by hand, then with a layer and an optimizer.
import Apus

// snippet.data
let generator = RandomGenerator(seed: 0)
let x = Tensor.uniform([100, 1], low: 0, high: 10, dtype: .float64, generator: generator)
let y = 3 * x + 2 + Tensor.normal([100, 1], std: 1, dtype: .float64, generator: generator)

// snippet.byHand
// J(w, b) = mean((x·w + b − y)²);  w ← w − α·∂J/∂w;  b ← b − α·∂J/∂b
var w = Tensor.zeros([1, 1], dtype: .float64).requiringGrad()
var b = Tensor.zeros([1], dtype: .float64).requiringGrad()
let alpha = 0.02
for _ in 0..<2000 {
    let loss = mseLoss(matmul(x, w) + b, y)
    loss.backward()                          // fills w.grad and b.grad
    noGrad {                                 // the update itself is not part of the graph
        w = (w - alpha * w.grad!).requiringGrad()
        b = (b - alpha * b.grad!).requiringGrad()
    }
}
print("by hand: w = \(w.item()), b = \(b.item())")   // close to 3 and 2

// snippet.withModules
let model = Linear(1, 1, dtype: .float64)
let optimizer = SGD(model.parameters(), lr: 0.02, momentum: 0.9)
for _ in 0..<500 {
    optimizer.zeroGrad()
    let loss = mseLoss(model(x), y)
    loss.backward()
    optimizer.step()
}
print("Linear + SGD: w = \(model.weight.value.item()), b = \(model.bias!.value.item())")
// snippet.end
