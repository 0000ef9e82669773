// Polynomial regression overfits, and an L2 penalty cures it.
// Ten noisy samples of y = sin(2πx) on [0, 1]; a degree-9 polynomial fitted by gradient
// descent on standardised features (1 input → 9 monomials) reaches a tiny training error but
// swings between the points, so its error on fresh points is large. Adding λ·Σw² to the loss
// keeps the weights small and the curve smooth: the training error rises, the test error falls —
// until λ is so large that the model underfits.
import Apus
import Foundation

let generator = RandomGenerator(seed: 0)
func samples(_ n: Int) -> (x: Tensor, y: Tensor) {
    let x = Tensor.uniform([n, 1], dtype: .float64, generator: generator)
    return (x, sin(2 * Double.pi * x) + Tensor.normal([n, 1], std: 0.2, dtype: .float64, generator: generator))
}
func sin(_ t: Tensor) -> Tensor { Tensor(shape: t.shape, values: t.toDoubles().map { Foundation.sin($0) }, dtype: t.dtype) }

let train = samples(10), test = samples(200)
let degree = 9
let scaler = Standardizer(fitting: polynomialFeatures(train.x, degree: degree, includeBias: false))
let trainFeatures = scaler.transform(polynomialFeatures(train.x, degree: degree, includeBias: false))
let testFeatures = scaler.transform(polynomialFeatures(test.x, degree: degree, includeBias: false))

for lambda in [0.0, 1e-4, 1e-3, 1e-2, 1e-1] {
    let model = Linear(degree, 1, dtype: .float64, generator: RandomGenerator(seed: 1))
    let optimizer = Adam(model.parameters(), lr: 0.05)
    for _ in 0..<20_000 {
        optimizer.zeroGrad()
        let loss = mseLoss(model(trainFeatures), train.y) + lambda * l2Penalty([model.weight])  // no penalty on the bias
        loss.backward()
        optimizer.step()
    }
    let (trainError, testError) = noGrad { (mseLoss(model(trainFeatures), train.y).item(), mseLoss(model(testFeatures), test.y).item()) }
    let norm = model.weight.value.pow(2).sum().item().squareRoot()
    print(String(format: "λ = %-6g train MSE %.4f   test MSE %.4f   ‖w‖ = %.2f", lambda, trainError, testError, norm))
}
