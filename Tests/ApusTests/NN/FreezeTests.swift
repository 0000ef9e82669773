import Testing
@testable import Apus

// Freezing (Module.freeze, Parameter.requiresGrad): frozen parameters take no gradient, every
// optimizer leaves them bit-identical, and a frozen BatchNorm keeps its running statistics.

/// A small network with a batch-normalised body and a linear head, float32, seeded.
private func network(seed: UInt64 = 0) -> (model: Sequential, body: Sequential, head: Linear) {
    let g = RandomGenerator(seed: seed)
    let body = Sequential(Linear(4, 6, generator: g), BatchNorm1d(6), ReLU())
    let head = Linear(6, 3, generator: g)
    return (Sequential(body, head), body, head)
}

private func batch(_ seed: UInt64) -> (Tensor, Tensor) {
    let g = RandomGenerator(seed: seed)
    return (Tensor.randn([8, 4], generator: g), Tensor.randint(0, 3, shape: [8], generator: g))
}

private func step(_ model: Module, _ optimizer: any Optimizer, seed: UInt64) {
    let (x, y) = batch(seed)
    optimizer.zeroGrad()
    crossEntropy(model(x), y).backward()
    optimizer.step()
}

@Test func freezeStopsGradientsAndUnfreezeRestoresThem() {
    let (model, body, head) = network()
    body.freeze()
    #expect(body.parameters().allSatisfy { !$0.requiresGrad } && head.parameters().allSatisfy(\.requiresGrad))
    #expect(body.namedModules().allSatisfy(\.module.isFrozen) && !head.isFrozen && !model.isFrozen)
    #expect(model.trainableParameters().count == 2)
    let (x, y) = batch(1)
    crossEntropy(model(x), y).backward()
    #expect(body.parameters().allSatisfy { $0.grad == nil })
    #expect(head.weight.grad != nil && head.bias!.grad != nil)
    // Unfreezing: gradients flow again, through the same leaves.
    body.unfreeze()
    #expect(model.parameters().allSatisfy(\.requiresGrad) && !body.isFrozen)
    model.zeroGrad()
    crossEntropy(model(x), y).backward()
    #expect(model.parameters().allSatisfy { $0.grad != nil })
    // Freezing clears a gradient already there; setting nil on a frozen parameter is allowed.
    body.freeze()
    #expect(body.parameters().allSatisfy { $0.grad == nil })
    (body.layers[0] as! Linear).weight.grad = nil
    model.freeze(except: [head])
    #expect(model.trainableParameters().map(ObjectIdentifier.init) == head.parameters().map(ObjectIdentifier.init))
}

@Test func freezingKeepsPostAccumulateGradHooks() {
    let p = Parameter(Tensor([1.0, 2.0], dtype: .float64))
    var calls = 0
    p.registerPostAccumulateGradHook { _ in calls += 1 }
    p.requiresGrad = false
    p.requiresGrad = true
    (p.value * 3).sum().backward()
    #expect(calls == 1 && p.grad?.toDoubles() == [3, 3])
}

/// Every optimizer, with the options that would move a parameter without a gradient if it were
/// not skipped (weight decay, momentum, AdamW's decoupled decay), after some steps unfrozen (so
/// that the frozen parameters have optimizer state).
@Test(arguments: ["sgd", "sgd-nesterov", "adam", "adam-amsgrad", "adamw", "rmsprop", "adagrad"])
func frozenParametersStayBitIdenticalThroughOptimizerSteps(_ name: String) {
    let (model, body, head) = network(seed: 3)
    let parameters = model.parameters()
    let optimizer: any Optimizer = switch name {
    case "sgd": SGD(parameters, lr: 0.1, momentum: 0.9, weightDecay: 0.1)
    case "sgd-nesterov": SGD(parameters, lr: 0.1, momentum: 0.9, weightDecay: 0.1, nesterov: true)
    case "adam": Adam(parameters, lr: 0.01, weightDecay: 0.1)
    case "adam-amsgrad": Adam(parameters, lr: 0.01, weightDecay: 0.1, amsgrad: true)
    case "adamw": AdamW(parameters, lr: 0.01, weightDecay: 0.5)
    case "rmsprop": RMSprop(parameters, lr: 0.01, weightDecay: 0.1, momentum: 0.9, centered: true)
    default: Adagrad(parameters, lr: 0.1, weightDecay: 0.1)
    }
    for s in 0..<3 { step(model, optimizer, seed: UInt64(s)) }
    body.freeze()
    let frozen = body.stateDict()
    let headBefore = head.weight.value.toDoubles()
    for s in 3..<8 { step(model, optimizer, seed: UInt64(s)) }
    for ((name, before), (_, after)) in zip(frozen, body.stateDict()) {
        #expect(before.toArray(as: Float.self) == after.toArray(as: Float.self), "\(name) changed")
    }
    #expect(head.weight.value.toDoubles() != headBefore)
    // Unfrozen again, the body trains with the same optimizer.
    body.unfreeze()
    step(model, optimizer, seed: 9)
    #expect((body.layers[0] as! Linear).weight.value.toDoubles() != frozen[0].tensor.toDoubles())
}

@Test func frozenBatchNormNormalisesWithItsRunningStatisticsInTrainingMode() {
    let bn = BatchNorm2d(3)
    let g = RandomGenerator(seed: 5)
    bn.train()
    for _ in 0..<3 { _ = bn(Tensor.normal([4, 3, 2, 2], mean: 2, std: 3, generator: g)) }  // running statistics away from 0 and 1
    bn.freeze()
    let (mean, variance, tracked) = (bn.runningMean!.value.toDoubles(), bn.runningVar!.value.toDoubles(),
                                     bn.numBatchesTracked!.value.toDoubles())
    let x = Tensor.normal([4, 3, 2, 2], generator: g)
    let frozenTraining = bn(x)
    #expect(bn.training)
    #expect(bn.runningMean!.value.toDoubles() == mean && bn.runningVar!.value.toDoubles() == variance)
    #expect(bn.numBatchesTracked!.value.toDoubles() == tracked)
    bn.eval()
    #expect(noGrad { bn(x) }.toArray(as: Float.self) == frozenTraining.toArray(as: Float.self))
    // Unfrozen in training mode it uses (and updates) the batch's statistics again.
    bn.train()
    bn.unfreeze()
    _ = bn(x)
    #expect(bn.runningMean!.value.toDoubles() != mean && bn.numBatchesTracked!.value.toDoubles() == [tracked[0] + 1])
}

@Test func dataParallelWritesNoGradientIntoFrozenParameters() {
    let (model, body, head) = network(seed: 7)
    body.freeze()
    let ddp = DistributedDataParallel(model, communicator: SingleProcessCommunicator())
    let (x, y) = batch(2)
    crossEntropy(model(x), y).backward()
    ddp.synchronizeGradients()
    #expect(body.parameters().allSatisfy { $0.grad == nil })
    #expect(head.parameters().allSatisfy { $0.grad != nil })
    // Unfrozen later, the same instance reduces the body's gradients too.
    body.unfreeze()
    model.zeroGrad()
    crossEntropy(model(x), y).backward()
    ddp.synchronizeGradients()
    #expect(model.parameters().allSatisfy { $0.grad != nil })
}
