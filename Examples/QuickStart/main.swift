// The README's quick start: fit y = 3x − 1 with a Linear layer, then a tiny classifier.
import Apus

seed(0)

// Autograd on plain tensors.
let x = Tensor([[1.0, 2.0], [3.0, 4.0]]).requiringGrad()
let y = (x * x).sum()
y.backward()
print(x.grad!)  // 2·x

// Linear regression by minibatch gradient descent.
let inputs = Tensor.linspace(-1, 1, count: 64).reshape([64, 1])
let targets = 3 * inputs - 1
let model = Linear(1, 1)
let optimizer = SGD(model.parameters(), lr: 0.1, momentum: 0.9)
for _ in 0..<200 {
    optimizer.zeroGrad()
    let loss = mseLoss(model(inputs), targets)
    loss.backward()
    optimizer.step()
}
print("w =", model.weight.value.item(), "b =", model.bias!.value.item())
