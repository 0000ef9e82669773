/// Splits one axis into several as a layer (`torch.nn.Unflatten`), the inverse of ``Flatten``:
/// `Unflatten(axis: 1, sizes: [16, 5, 5])` turns `[N, 400]` into `[N, 16, 5, 5]`; see
/// ``Tensor/unflatten(axis:sizes:)``. No parameters.
public final class Unflatten: Module {
    /// The axis that is split.
    public let axis: Int
    /// The sizes it is split into (one may be `-1`).
    public let sizes: [Int]

    /// Splits `axis` into `sizes`.
    public init(axis: Int, sizes: [Int]) {
        require(!sizes.isEmpty, "Unflatten: sizes must not be empty")
        (self.axis, self.sizes) = (axis, sizes)
    }

    public override func forward(_ x: Tensor) -> Tensor { x.unflatten(axis: axis, sizes: sizes) }
}
