import Testing
@testable import Apus

@Test func quickAutogradSmoke() {
    let x = Tensor([[1.0, 2.0], [3.0, 4.0]]).requiringGrad()
    (x * x).sum().backward()
    #expect(x.grad!.toArray(as: Float.self) == [2, 4, 6, 8])
}
