import Foundation
import Testing
@testable import Apus

// Every scheduler against torch.optim.lr_scheduler: Tests/ApusTests/Fixtures/schedulers.json,
// written by `python3 Scripts/make_scheduler_fixture.py`, holds both parameter groups' learning
// rates after creating each scheduler and after every step. They must agree within 1e-12.

nonisolated(unsafe) private let fixture: [String: Any] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/schedulers.json")
    return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
}()

nonisolated(unsafe) private let cases = fixture["cases"] as! [[String: Any]]
private let caseNames = cases.map { $0["name"] as! String }
private func fixtureCase(_ name: String) -> [String: Any] { cases.first { $0["name"] as! String == name }! }

/// An SGD optimizer with two groups whose learning rates are the fixture's base rates.
private func twoGroupOptimizer() -> SGD {
    let lrs = fixture["base_lrs"] as! [Double]
    return SGD(lrs.map { ParameterGroup([Parameter(.zeros([1], dtype: .float64))], lr: $0) })
}

/// The scheduler a fixture spec describes (PyTorch's class and argument names).
private func makeScheduler(_ spec: [String: Any], _ opt: any Optimizer) -> any LRScheduler {
    func d(_ key: String) -> Double? { (spec[key] as? NSNumber)?.doubleValue }
    func i(_ key: String) -> Int? { (spec[key] as? NSNumber)?.intValue }
    switch spec["type"] as! String {
    case "StepLR": return StepLR(opt, stepSize: i("step_size")!, gamma: d("gamma") ?? 0.1)
    case "MultiStepLR": return MultiStepLR(opt, milestones: spec["milestones"] as! [Int], gamma: d("gamma") ?? 0.1)
    case "ExponentialLR": return ExponentialLR(opt, gamma: d("gamma")!)
    case "CosineAnnealingLR": return CosineAnnealingLR(opt, tMax: i("T_max")!, etaMin: d("eta_min") ?? 0)
    case "LinearLR":
        return LinearLR(opt, startFactor: d("start_factor") ?? 1.0 / 3, endFactor: d("end_factor") ?? 1,
                        totalIters: i("total_iters") ?? 5)
    case "SequentialLR":
        let schedulers = (spec["schedulers"] as! [[String: Any]]).map { makeScheduler($0, opt) as! any ClosedFormLRScheduler }
        return SequentialLR(opt, schedulers: schedulers, milestones: spec["milestones"] as! [Int])
    case "ReduceLROnPlateau":
        return ReduceLROnPlateau(opt, mode: spec["mode"] as? String == "max" ? .max : .min, factor: d("factor") ?? 0.1,
                                 patience: i("patience") ?? 10, threshold: d("threshold") ?? 1e-4,
                                 thresholdMode: spec["threshold_mode"] as? String == "abs" ? .absolute : .relative,
                                 cooldown: i("cooldown") ?? 0, minLR: d("min_lr") ?? 0)
    case let name: fatalError("unknown scheduler \(name)")
    }
}

@Suite struct SchedulerFixtureTests {
    @Test(arguments: caseNames)
    func learningRatesMatchPyTorch(_ name: String) {
        let c = fixtureCase(name)
        let opt = twoGroupOptimizer()
        let scheduler = makeScheduler(c["scheduler"] as! [String: Any], opt)
        let expected = c["lrs"] as! [[Double]]
        let metrics = c["metrics"] as? [Double]
        var worst = 0.0
        for (t, row) in expected.enumerated() {
            if t > 0 { scheduler.step(metric: metrics?[t - 1]) }
            for (x, y) in zip(opt.learningRates, row) { worst = max(worst, abs(x - y)) }
        }
        #expect(worst <= 1e-12, "\(name): largest difference from torch \(worst)")
        // The schedule changed the rates: the comparison is not of constants.
        #expect(Set(expected.map { $0[0] }).count > 1)
    }

    /// Saving a scheduler half-way and loading it into a fresh one (on a fresh optimizer) gives
    /// the same rates from there on.
    @Test(arguments: caseNames)
    func resumingFromAStateDictGivesTheSameRates(_ name: String) throws {
        let c = fixtureCase(name)
        let spec = c["scheduler"] as! [String: Any], metrics = c["metrics"] as? [Double]
        let steps = (c["lrs"] as! [[Double]]).count - 1
        let opt = twoGroupOptimizer(), scheduler = makeScheduler(spec, opt)
        let half = steps / 2
        for t in 0..<half { scheduler.step(metric: metrics?[t]) }
        let savedScheduler = Dictionary(uniqueKeysWithValues: scheduler.stateDict().map { ($0.name, $0.tensor) })
        let savedOptimizer = Dictionary(uniqueKeysWithValues: opt.stateDict().map { ($0.name, $0.tensor) })

        let opt2 = twoGroupOptimizer(), scheduler2 = makeScheduler(spec, opt2)
        try opt2.loadStateDict(savedOptimizer)
        try scheduler2.loadStateDict(savedScheduler)
        #expect(opt2.learningRates == opt.learningRates)
        for t in half..<steps {
            scheduler.step(metric: metrics?[t])
            scheduler2.step(metric: metrics?[t])
            #expect(opt2.learningRates == opt.learningRates, "step \(t + 1)")
        }
    }
}
