import Foundation
import Testing
@testable import Apus

// Activations and losses against PyTorch: Tests/ApusTests/Fixtures/activations_losses.json,
// written by Scripts/make_activation_loss_fixture.py (float64 inputs, outputs, and gradients of
// sum(output · up)). Each case's name says which Apus call it is (`apusCall(for:)`).

private struct FixtureTensor: Decodable {
    let shape: [Int]
    let dtype: String
    let values: [Double]
    var tensor: Tensor { Tensor(shape: shape, values: values, dtype: dtype == "int64" ? .int64 : .float64) }
}

struct ReferenceCase: Decodable, Sendable, CustomTestStringConvertible {
    fileprivate let name: String
    fileprivate let inputs: [String: FixtureTensor]
    fileprivate let grad: [String]
    fileprivate let up: FixtureTensor
    fileprivate let output: FixtureTensor
    fileprivate let grads: [String: FixtureTensor]
    var testDescription: String { name }
}

extension FixtureTensor: Sendable {}

private struct Fixture: Decodable { let cases: [ReferenceCase] }

private let referenceCases: [ReferenceCase] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/activations_losses.json")
    guard let data = try? Data(contentsOf: url), let fixture = try? JSONDecoder().decode(Fixture.self, from: data) else {
        return []
    }
    return fixture.cases
}()

private func reduction(in name: String) -> Reduction {
    if name.hasSuffix(" sum") { return .sum }
    if name.hasSuffix(" none") { return .none }
    return .mean
}

/// The Apus call a fixture case describes.
private func apusCall(for name: String) -> (([String: Tensor]) -> Tensor)? {
    let r = reduction(in: name)
    let words = Set(name.split(separator: " ").map(String.init))
    switch name {
    case "step": return { step($0["x"]!) }
    case "leakyRelu": return { leakyRelu($0["x"]!) }
    case "leakyRelu(0.2)": return { leakyRelu($0["x"]!, negativeSlope: 0.2) }
    case "elu": return { elu($0["x"]!) }
    case "elu(0.5)": return { elu($0["x"]!, alpha: 0.5) }
    case "selu": return { selu($0["x"]!) }
    case "gelu": return { gelu($0["x"]!) }
    case "gelu(tanh)": return { gelu($0["x"]!, approximate: .tanh) }
    case "silu": return { silu($0["x"]!) }
    case "softmax(axis: 1)": return { Softmax(axis: 1)($0["x"]!) }
    case "logSoftmax(axis: 1)": return { LogSoftmax(axis: 1)($0["x"]!) }
    case "prelu shared", "prelu per channel": return { prelu($0["x"]!, weight: $0["weight"]!) }
    case "huberLoss delta 0.5": return { huberLoss($0["p"]!, $0["t"]!, delta: 0.5) }
    case "huberLoss delta 2 sum": return { huberLoss($0["p"]!, $0["t"]!, delta: 2, reduction: .sum) }
    case "hardtanh": return { Hardtanh()($0["x"]!) }
    case "hardtanh(-0.5, 2)": return { hardtanh($0["x"]!, min: -0.5, max: 2) }
    case "smoothL1Loss beta 0.5": return { smoothL1Loss($0["p"]!, $0["t"]!, beta: 0.5) }
    case "smoothL1Loss beta 2 sum": return { SmoothL1Loss(beta: 2, reduction: .sum)($0["p"]!, $0["t"]!) }
    case "smoothL1Loss beta 0 none": return { smoothL1Loss($0["p"]!, $0["t"]!, beta: 0, reduction: .none) }
    default: break
    }
    if words.contains("spatial") || words.contains("1-d") {
        // [N, C, d1, …] inputs with [N, d1, …] labels; −100 labels are ignored by default.
        let smoothing = words.contains("labelSmoothing") ? 0.15 : 0
        let ignore = words.contains("ignoreIndex") ? 2 : -100
        if name.hasPrefix("nllLoss") { return { NLLLoss(weight: $0["w"], reduction: r)($0["lp"]!, $0["y"]!) } }
        return { crossEntropy($0["z"]!, $0["y"] ?? $0["t"]!, weight: $0["w"], ignoreIndex: ignore, reduction: r, labelSmoothing: smoothing) }
    }
    switch name.split(separator: " ").first.map(String.init) {
    case "mseLoss": return { mseLoss($0["p"]!, $0["t"]!, reduction: r) }
    case "l1Loss": return { l1Loss($0["p"]!, $0["t"]!, reduction: r) }
    case "huberLoss": return { huberLoss($0["p"]!, $0["t"]!, reduction: r) }
    case "smoothL1Loss": return { smoothL1Loss($0["p"]!, $0["t"]!, reduction: r) }
    case "binaryCrossEntropy":
        if name.hasSuffix("clamped logs") { return { binaryCrossEntropy($0["p"]!, $0["y"]!, reduction: .none) } }
        return { binaryCrossEntropy($0["p"]!, $0["y"]!, weight: $0["w"], reduction: r) }
    case "binaryCrossEntropyWithLogits":
        return { binaryCrossEntropyWithLogits($0["x"]!, $0["y"]!, weight: $0["w"], posWeight: $0["pw"], reduction: r) }
    case "crossEntropy":
        let smoothing = words.contains("labelSmoothing") ? (words.contains("weight") ? (words.contains("probabilities") ? 0.3 : 0.2) : 0.1) : 0
        let ignore = words.contains("ignoreIndex") && !words.contains("-100") ? 1 : -100  // PyTorch's default
        return { crossEntropy($0["z"]!, $0["y"] ?? $0["t"]!, weight: $0["w"], ignoreIndex: ignore, reduction: r, labelSmoothing: smoothing) }
    case "nllLoss":
                return { nllLoss($0["lp"]!, $0["y"]!, weight: $0["w"], reduction: r) }
    default: return nil
    }
}

/// |a − b| ≤ tol·max(1, |b|) elementwise (relative for large values such as BCE's clamped gradients).
///
/// The measured worst case is 4·10⁻¹⁶. The bound 10⁻¹⁰ leaves room for other libms while still
/// catching a constant rounded to float32 (≈ 10⁻⁸, a bug this test once caught in label smoothing).
private func agree(_ a: [Double], _ b: [Double], tol: Double = 1e-10) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tol * Swift.max(1, Swift.abs($1)) }
}

@Suite struct PyTorchReferenceTests {
    @Test func fixtureIsThere() {
        #expect(referenceCases.count == 91, "Tests/ApusTests/Fixtures/activations_losses.json missing or changed")
    }

    @Test("agrees with PyTorch", arguments: referenceCases)
    func agreesWithPyTorch(_ c: ReferenceCase) throws {
        let call = try #require(apusCall(for: c.name), "no Apus call for fixture case \(c.name)")
        let inputs = c.inputs.mapValues { t -> Tensor in
            let x = t.tensor
            return x.dtype.isFloatingPoint ? x.requiringGrad() : x
        }
        let out = call(inputs)
        #expect(out.shape == c.output.shape, "\(c.name): shape \(out.shape), PyTorch \(c.output.shape)")
        #expect(out.dtype == .float64)
        let values = out.toDoubles()
        #expect(agree(values, c.output.values), "\(c.name): \(values) vs PyTorch \(c.output.values)")
        #expect(values.allSatisfy { $0.isFinite }, "\(c.name): non-finite output")
        (out * c.up.tensor).sum().backward()
        for name in c.grad {
            let grad = try #require(inputs[name]!.grad, "\(c.name): no gradient for \(name)")
            #expect(agree(grad.toDoubles(), c.grads[name]!.values), "\(c.name): ∂\(name) \(grad.toDoubles()) vs PyTorch \(c.grads[name]!.values)")
        }
        if c.name == "step" {
            // torch.heaviside has no derivative; Apus's step passes back zeros.
            #expect(inputs["x"]!.grad?.toDoubles().allSatisfy { $0 == 0 } == true)
        }
    }
}
