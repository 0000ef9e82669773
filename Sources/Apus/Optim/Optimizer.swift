/// Updates parameters from their gradients: `optimizer.step()` after `loss.backward()`.
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates.
    var parameters: [Parameter] { get }
    /// Learning rate.
    var lr: Double { get set }
    /// Applies one update from the current gradients.
    func step()
}

extension Optimizer {
    /// Clears the gradients of all parameters.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}
