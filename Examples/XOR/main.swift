// A two-layer perceptron (2-4-1, tanh hidden units, sigmoid output) solves XOR by gradient descent.
import Apus

seed(0)
let inputs = Tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype: .float32)
let targets = Tensor([[0.0], [1.0], [1.0], [0.0]], dtype: .float32)

let model = Sequential(Linear(2, 4), Tanh(), Linear(4, 1), Sigmoid())
let optimizer = SGD(model.parameters(), lr: 0.5, momentum: 0.9)
for epoch in 1...500 {
    optimizer.zeroGrad()
    let loss = mseLoss(model(inputs), targets)
    loss.backward()
    optimizer.step()
    if epoch % 100 == 0 { print("epoch \(epoch)  loss \(loss.item())") }
}
let outputs = noGrad { model(inputs) }.toDoubles()
print("outputs", outputs.map { ($0 * 1000).rounded() / 1000 }, "→", outputs.map { $0 > 0.5 ? 1 : 0 }, "(truth [0, 1, 1, 0])")
