/// Freezing a module for fine-tuning: a pretrained body stays as it is while a new head trains.
extension Module {
    /// Freezes this module and all its descendants: every parameter stops requiring gradients
    /// (``Parameter/requiresGrad`` false, its gradient cleared), so optimizers leave it
    /// bit-identical, and every module is marked ``isFrozen``.
    ///
    /// A frozen ``BatchNorm`` normalises with its running statistics and does not update them,
    /// as in evaluation mode, even while the model is in training mode: a pretrained body's
    /// statistics describe the data it was trained on, and a small new dataset's batches would
    /// overwrite them (Keras's rule for `trainable = False`; PyTorch leaves that to the user,
    /// fastai keeps batch norm training). Dropout in a frozen module still drops in training mode.
    ///
    ///     model.freeze()              // everything
    ///     model.fc.unfreeze()         // … but the head
    ///     // or: model.freeze(except: [model.fc])
    ///
    /// The optimizer can be built over all parameters before or after: it skips those without a
    /// gradient, so ``unfreeze()`` later needs no new optimizer.
    public func freeze() { setFrozen(true) }

    /// Undoes ``freeze()`` for this module and all its descendants: parameters require gradients
    /// again and batch norm uses and updates batch statistics in training mode.
    public func unfreeze() { setFrozen(false) }

    /// Freezes this module except `trainable` (and their descendants), which are unfrozen.
    public func freeze(except trainable: [Module]) {
        freeze()
        for module in trainable { module.unfreeze() }
    }

    /// The parameters that require gradients (each once), in declaration order.
    public func trainableParameters() -> [Parameter] { parameters().filter(\.requiresGrad) }

    private func setFrozen(_ frozen: Bool) {
        for (_, module) in namedModules() { module.isFrozen = frozen }
        for p in parameters() { p.requiresGrad = !frozen }
    }
}
