extension Tensor {
    /// The elements converted to `dtype`; differentiable between floating-point types.
    public func cast(to newType: DType) -> Tensor {
        if newType == dtype { return self }
        let out = Kernels.cast(self, to: newType)
        guard newType.isFloatingPoint && dtype.isFloatingPoint else { return out }
        let old = dtype
        return recordUnary("cast", self, out) { g in g.cast(to: old) }
    }
}
