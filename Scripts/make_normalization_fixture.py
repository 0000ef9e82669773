"""Writes Tests/ApusTests/Fixtures/normalization.json: PyTorch (float64) outputs and gradients of
batch norm (training, running-statistics updates, evaluation), layer norm and weight norm, with
the inputs that produced them. Run from the repository root: python3 Scripts/make_normalization_fixture.py
"""
import json
import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
out = {}


def put(name, t):
    t = t.detach()
    out[name] = {"shape": list(t.shape), "values": [float(v) for v in t.reshape(-1).tolist()]}


def batch_norm_case(prefix, module, shape, momentum):
    """Three training steps (each with forward, backward and a running-stat update), then eval."""
    c = shape[1]
    with torch.no_grad():
        module.weight.copy_(torch.randn(c))
        module.bias.copy_(torch.randn(c))
    put(prefix + ".weight", module.weight)
    put(prefix + ".bias", module.bias)
    module.train()
    for step in range(3):
        x = (torch.randn(*shape) * 2 + 0.5).requires_grad_()
        g = torch.randn(*shape)
        module.weight.grad = None
        module.bias.grad = None
        y = module(x)
        y.backward(g)
        put(f"{prefix}.train{step}.x", x)
        put(f"{prefix}.train{step}.g", g)
        put(f"{prefix}.train{step}.y", y)
        put(f"{prefix}.train{step}.dx", x.grad)
        put(f"{prefix}.train{step}.dweight", module.weight.grad)
        put(f"{prefix}.train{step}.dbias", module.bias.grad)
        put(f"{prefix}.train{step}.running_mean", module.running_mean)
        put(f"{prefix}.train{step}.running_var", module.running_var)
    module.eval()
    x = torch.randn(*shape).requires_grad_()
    g = torch.randn(*shape)
    module.weight.grad = None
    module.bias.grad = None
    y = module(x)
    y.backward(g)
    put(prefix + ".eval.x", x)
    put(prefix + ".eval.g", g)
    put(prefix + ".eval.y", y)
    put(prefix + ".eval.dx", x.grad)
    put(prefix + ".eval.dweight", module.weight.grad)
    put(prefix + ".eval.dbias", module.bias.grad)


batch_norm_case("bn2d", torch.nn.BatchNorm2d(3), (4, 3, 2, 3), 0.1)
batch_norm_case("bn1d", torch.nn.BatchNorm1d(5), (6, 5), 0.1)
batch_norm_case("bn1d_length", torch.nn.BatchNorm1d(3), (4, 3, 5), 0.1)
batch_norm_case("bn1d_cumulative", torch.nn.BatchNorm1d(4, momentum=None), (5, 4), None)

# Layer norm over the last two axes, with affine parameters.
ln = torch.nn.LayerNorm([3, 4])
with torch.no_grad():
    ln.weight.copy_(torch.randn(3, 4))
    ln.bias.copy_(torch.randn(3, 4))
x = (torch.randn(2, 3, 4) * 3 - 1).requires_grad_()
g = torch.randn(2, 3, 4)
y = ln(x)
y.backward(g)
for k, v in {"x": x, "g": g, "y": y, "weight": ln.weight, "bias": ln.bias,
             "dx": x.grad, "dweight": ln.weight.grad, "dbias": ln.bias.grad}.items():
    put("ln." + k, v)

# Weight norm of a Linear(4, 3), with an update of g and v so that w != the initial weight.
lin = torch.nn.Linear(4, 3)
put("wn.initial_weight", lin.weight)
put("wn.bias", lin.bias)
lin = torch.nn.utils.weight_norm(lin)
put("wn.initial_g", lin.weight_g)
with torch.no_grad():
    lin.weight_g.mul_(torch.tensor([[0.5], [2.0], [1.5]]))
    lin.weight_v.add_(0.1 * torch.randn(3, 4))
put("wn.g", lin.weight_g)
put("wn.v", lin.weight_v)
x = torch.randn(5, 4).requires_grad_()
g = torch.randn(5, 3)
y = lin(x)
y.backward(g)
for k, v in {"x": x, "grad_output": g, "y": y, "dx": x.grad, "dg": lin.weight_g.grad,
             "dv": lin.weight_v.grad, "dbias": lin.bias.grad}.items():
    put("wn." + k, v)

# One tensor per line: {"torch": version, "tensors": {name: {"shape": [...], "values": [...]}}}.
with open("Tests/ApusTests/Fixtures/normalization.json", "w") as f:
    lines = [f"{json.dumps(k)}: {json.dumps(out[k])}" for k in sorted(out)]
    f.write('{"torch": %s, "tensors": {\n' % json.dumps(torch.__version__) + ",\n".join(lines) + "\n}}\n")
