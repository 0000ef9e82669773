import Foundation
import Testing
@testable import Apus

// Every optimizer against torch.optim: Tests/ApusTests/Fixtures/optimizers.json, written by
// `python3 Scripts/make_optimizer_fixture.py`, holds the parameter trajectories of a tiny float64
// linear regression (W in group 0 with the defaults, b in group 1 with its own options; b has
// no gradient at some steps). Here the same problem is replayed with Apus's autograd and each
// optimizer, and every parameter after every step must agree within 1e-10.

/// The fixture file, parsed.
nonisolated(unsafe) private let fixture: [String: Any] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/optimizers.json")
    let data = try! Data(contentsOf: url)
    return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
}()

private func matrix(_ key: String) -> Tensor {
    let rows = fixture[key] as! [[Double]]
    return Tensor(shape: [rows.count, rows[0].count], values: rows.flatMap { $0 }, dtype: .float64)
}

private func double(_ options: [String: Any], _ key: String) -> Double? { (options[key] as? NSNumber)?.doubleValue }
private func bool(_ options: [String: Any], _ key: String) -> Bool? { (options[key] as? NSNumber)?.boolValue }
private func betas(_ options: [String: Any]) -> (Double, Double)? {
    (options["betas"] as? [Double]).map { ($0[0], $0[1]) }
}

/// Options keyed by PyTorch's names, applied to each optimizer's `Options`.
private func apply(_ o: [String: Any], to options: inout SGD.Options) {
    if let v = double(o, "lr") { options.lr = v }
    if let v = double(o, "momentum") { options.momentum = v }
    if let v = double(o, "dampening") { options.dampening = v }
    if let v = double(o, "weight_decay") { options.weightDecay = v }
    if let v = bool(o, "nesterov") { options.nesterov = v }
}

private func apply(_ o: [String: Any], to options: inout Adam.Options) {
    if let v = double(o, "lr") { options.lr = v }
    if let v = betas(o) { options.betas = v }
    if let v = double(o, "eps") { options.eps = v }
    if let v = double(o, "weight_decay") { options.weightDecay = v }
    if let v = bool(o, "amsgrad") { options.amsgrad = v }
}

private func apply(_ o: [String: Any], to options: inout Adagrad.Options) {
    if let v = double(o, "lr") { options.lr = v }
    if let v = double(o, "lr_decay") { options.lrDecay = v }
    if let v = double(o, "weight_decay") { options.weightDecay = v }
    if let v = double(o, "initial_accumulator_value") { options.initialAccumulatorValue = v }
    if let v = double(o, "eps") { options.eps = v }
}

private func apply(_ o: [String: Any], to options: inout RMSprop.Options) {
    if let v = double(o, "lr") { options.lr = v }
    if let v = double(o, "alpha") { options.alpha = v }
    if let v = double(o, "eps") { options.eps = v }
    if let v = double(o, "weight_decay") { options.weightDecay = v }
    if let v = double(o, "momentum") { options.momentum = v }
    if let v = bool(o, "centered") { options.centered = v }
}

/// The optimizer a fixture case describes, over `w` (group 0, defaults) and `b` (group 1).
private func makeOptimizer(_ c: [String: Any], _ w: Parameter, _ b: Parameter) -> any Optimizer {
    let d = c["defaults"] as! [String: Any], g1 = c["group1"] as! [String: Any]
    switch c["optimizer"] as! String {
    case "SGD":
        var o = SGD.Options(); apply(d, to: &o)
        return SGD([ParameterGroup([w]), ParameterGroup([b]) { apply(g1, to: &$0) }], lr: o.lr, momentum: o.momentum,
                   dampening: o.dampening, weightDecay: o.weightDecay, nesterov: o.nesterov)
    case "Adam":
        var o = Adam.Options(); apply(d, to: &o)
        return Adam([ParameterGroup([w]), ParameterGroup([b]) { apply(g1, to: &$0) }], lr: o.lr, betas: o.betas,
                    eps: o.eps, weightDecay: o.weightDecay, amsgrad: o.amsgrad)
    case "AdamW":
        var o = Adam.Options(weightDecay: 1e-2); apply(d, to: &o)
        return AdamW([ParameterGroup([w]), ParameterGroup([b]) { apply(g1, to: &$0) }], lr: o.lr, betas: o.betas,
                     eps: o.eps, weightDecay: o.weightDecay, amsgrad: o.amsgrad)
    case "Adagrad":
        var o = Adagrad.Options(); apply(d, to: &o)
        return Adagrad([ParameterGroup([w]), ParameterGroup([b]) { apply(g1, to: &$0) }], lr: o.lr, lrDecay: o.lrDecay,
                       weightDecay: o.weightDecay, initialAccumulatorValue: o.initialAccumulatorValue, eps: o.eps)
    case "RMSprop":
        var o = RMSprop.Options(); apply(d, to: &o)
        return RMSprop([ParameterGroup([w]), ParameterGroup([b]) { apply(g1, to: &$0) }], lr: o.lr, alpha: o.alpha,
                       eps: o.eps, weightDecay: o.weightDecay, momentum: o.momentum, centered: o.centered)
    case let name: fatalError("unknown optimizer \(name)")
    }
}

/// The regression's parameters at the fixture's starting point.
private func startingParameters() -> (w: Parameter, b: Parameter) {
    (Parameter(matrix("w0")), Parameter(Tensor(shape: [2], values: fixture["b0"] as! [Double], dtype: .float64)))
}

/// One step of the fixture's problem: gradients of the mean squared error, b's dropped where
/// the fixture says, then `opt.step()`.
private func trainingStep(_ step: Int, _ opt: any Optimizer, _ w: Parameter, _ b: Parameter) {
    opt.zeroGrad()
    mseLoss(linear(matrix("x"), weight: w.value, bias: b.value), matrix("y")).backward()
    if (fixture["bias_without_grad"] as! [Int]).contains(step) { b.zeroGrad() }
    opt.step()
}

private let caseNames = (fixture["cases"] as! [[String: Any]]).map { $0["name"] as! String }
private func fixtureCase(_ name: String) -> [String: Any] {
    (fixture["cases"] as! [[String: Any]]).first { $0["name"] as! String == name }!
}

@Suite struct OptimizerFixtureTests {
    @Test(arguments: caseNames)
    func trajectoryMatchesPyTorch(_ name: String) {
        let c = fixtureCase(name)
        let (w, b) = startingParameters()
        let opt = makeOptimizer(c, w, b)
        let expected = c["trajectory"] as! [[Double]]
        var worst = 0.0
        for (step, row) in expected.enumerated() {
            trainingStep(step, opt, w, b)
            let got = w.value.toDoubles() + b.value.toDoubles()
            for (x, y) in zip(got, row) { worst = max(worst, abs(x - y)) }
        }
        #expect(worst <= 1e-10, "\(name): largest difference from torch.optim \(worst)")
        // The trajectory moved: the comparison is not of a parameter left alone.
        #expect(abs(expected.last![0] - (fixture["w0"] as! [[Double]])[0][0]) > 1e-3)
    }

    /// Saving the state half-way, loading it into a fresh optimizer over copies of the parameters
    /// and going on gives the same parameters as the uninterrupted run, bit for bit.
    @Test(arguments: caseNames)
    func resumingFromAStateDictMatchesAnUninterruptedRun(_ name: String) throws {
        let c = fixtureCase(name)
        let steps = fixture["steps"] as! Int
        let (w, b) = startingParameters()
        let opt = makeOptimizer(c, w, b)
        for step in 0..<6 { trainingStep(step, opt, w, b) }
        let saved = Dictionary(uniqueKeysWithValues: opt.stateDict().map { ($0.name, $0.tensor) })

        let (w2, b2) = (Parameter(w.value.detached()), Parameter(b.value.detached()))
        let resumed = makeOptimizer(c, w2, b2)
        resumed.learningRates = [0.5, 0.5]  // overwritten by the load
        try resumed.loadStateDict(saved)
        #expect(resumed.learningRates == opt.learningRates)
        #expect(resumed.stateDict().map(\.name) == opt.stateDict().map(\.name))
        for step in 6..<steps {
            trainingStep(step, opt, w, b)
            trainingStep(step, resumed, w2, b2)
        }
        #expect(w.value == w2.value && b.value == b2.value)
    }
}
