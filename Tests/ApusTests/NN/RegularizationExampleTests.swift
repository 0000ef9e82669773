import Testing
@testable import Apus

/// The README's regularisation and normalisation example, run on random data.
@Test func regularizationReadmeExampleTrains() {
    seed(0)
    let x = Tensor.randn([64, 20]), y = Tensor.randint(0, 3, shape: [64])

    let model = Sequential(
        Linear(20, 32), BatchNorm1d(32), ReLU(), Dropout(p: 0.2),
        WeightNorm(Linear(32, 16)), LayerNorm(16), ReLU(),
        VariationalDropoutLinear(16, 3))
    let optimizer = SGD(model.parameters(), lr: 0.1)
    // Penalise the first Linear's weight only: not biases, not the norms' scales.
    let weights = model.parameters { $0 == "0.weight" }

    var losses: [Double] = []
    for _ in 0..<30 {
        model.train()                    // dropout on, batch statistics, running statistics updated
        optimizer.zeroGrad()
        let loss = crossEntropy(model(x), y)
            + 0.5 * 1e-3 * l2Penalty(weights)           // the course's λ/2·‖w‖²
            + klDivergence(of: model) / 64               // variational dropout's KL / dataset size
        loss.backward()
        clipGradNorm(model.parameters(), maxNorm: 5)
        optimizer.step()
        losses.append(loss.item())
    }
    model.eval()                         // dropout off, BatchNorm uses its running statistics
    let logits = model(x)

    #expect(logits.shape == [64, 3])
    #expect(model(x) == logits, "evaluation is deterministic")
    #expect(losses.last! < losses.first!, "loss \(losses.first!) → \(losses.last!)")
    #expect(model.stateDict().map(\.name).contains("1.running_mean"))
    #expect(model.namedParameters().map(\.name).contains("4.weight_g"))
}
