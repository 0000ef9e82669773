extension Tensor {
    /// Computes gradients of this tensor with respect to every leaf that requires grad,
    /// accumulating them into the leaves' ``grad``.
    ///
    /// - Parameters:
    ///   - gradient: the upstream gradient, same shape as this tensor; may be omitted for one-element tensors.
    ///   - retainGraph: keep the graph so that backward can run through it again.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) {
        guard let root = node else {
            fatalError("backward: tensor of shape \(shape) does not require grad and has no grad function")
        }
        let seed: Tensor
        if let gradient {
            require(gradient.shape == shape,
                         "backward: gradient of shape \(gradient.shape) does not match tensor of shape \(shape)")
            seed = gradient.detached().cast(to: dtype)
        } else {
            require(count == 1, """
                backward: a gradient can be created implicitly only for one-element outputs, \
                this tensor has shape \(shape); pass the upstream gradient: y.backward(g)
                """)
            seed = Tensor.ones(shape, dtype: dtype)
        }
        noGrad { Autograd.run(from: root, seed: seed, retainGraph: retainGraph) }
    }
}

/// The backward engine: one pass over the graph in reverse topological order.
enum Autograd {
    static func run(from root: GradNode, seed: Tensor, retainGraph: Bool) {
        let order = topologicalOrder(from: root)
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
        for node in order.reversed() {
            guard let g = grads.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            if node.isLeaf {
                node.grad = node.grad.map { $0 + g } ?? g.contiguous()
                for hook in node.postAccumulateGradHooks { hook.body() }
                continue
            }
            guard let fn = node.backwardFn else {
                fatalError("""
                    backward: trying to backward through the graph a second time (op '\(node.op)'); \
                    its saved tensors were freed by the first backward. Pass retainGraph: true to the first call
                    """)
            }
            if node.retainsGrad { node.grad = node.grad.map { $0 + g } ?? g.contiguous() }
            let inputGrads = fn(g)
            require(inputGrads.count == node.inputs.count, "backward of \(node.op): wrong number of gradients")
            if !retainGraph { node.backwardFn = nil }
            for (input, ig) in zip(node.inputs, inputGrads) {
                guard let input, let ig else { continue }
                require(ig.shape == input.shape,
                             "backward of \(node.op): gradient shape \(ig.shape) != input shape \(input.shape)")
                let key = ObjectIdentifier(input)
                grads[key] = grads[key].map { $0 + ig } ?? ig
            }
        }
    }

    /// Nodes reachable from `root`, each after all nodes it depends on.
    static func topologicalOrder(from root: GradNode) -> [GradNode] {
        var order: [GradNode] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search: deep graphs must not overflow the stack.
        var stack: [(GradNode, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (node, next) = stack.popLast() {
            if next < node.inputs.count {
                stack.append((node, next + 1))
                if let child = node.inputs[next], visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }
}
