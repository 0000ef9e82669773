#!/usr/bin/env python3
"""Builds the safetensors fixtures that Tests/ApusTests/IO/SafetensorsTests.swift reads.

Writes, under Tests/ApusTests/Fixtures/:
  torch_mlp.safetensors     state_dict of nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
                            (torch.manual_seed(0)), written by safetensors.torch.save_file
  torch_dtypes.safetensors  float64, int64, bool, float32 (0-d and empty) tensors and __metadata__
  torch_half.safetensors    float16 and bfloat16 tensors (Apus reads them as float32)
  torch_mlp.json            every tensor's dtype, shape and values (row-major), the metadata,
                            a fixed input and the model's output for it

Run from the package root: python3 Scripts/make_safetensors_fixture.py   (needs torch and safetensors)
"""
import json
import math
import os

import torch
from torch import nn
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ApusTests", "Fixtures")


def describe(tensors):
    out = {}
    for name, t in tensors.items():
        values = t.detach().reshape(-1).tolist()
        if t.dtype == torch.bool:
            values = [1 if v else 0 for v in values]
        elif t.dtype.is_floating_point:
            # JSON has no infinities: written as the strings "inf" / "-inf".
            values = [v if math.isfinite(v) else str(v) for v in values]
        out[name] = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "values": values}
    return out


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(OUT, "torch_mlp.safetensors"))

    x = torch.tensor([[0.5, -1.0, 2.0, 0.25], [-0.75, 0.3, 0.0, 1.5], [1.0, 1.0, -1.0, -2.0]])
    with torch.no_grad():
        y = model(x)

    dtypes = {
        "float64": torch.tensor([[1.5, -2.25, 1e-300], [3.0e100, -0.0, math.pi]], dtype=torch.float64),
        "int64": torch.tensor([-(2 ** 62), -1, 0, 7, 2 ** 53 + 1], dtype=torch.int64),
        "bool": torch.tensor([[True, False], [False, True]]),
        "scalar": torch.tensor(2.5, dtype=torch.float32),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
    }
    metadata = {"source": "Scripts/make_safetensors_fixture.py"}
    save_file(dtypes, os.path.join(OUT, "torch_dtypes.safetensors"), metadata=metadata)

    half_values = [1.0, -2.5, 0.1, 65504.0, 6.1e-5, 5.96e-8, 0.0, float("inf"), float("-inf")]
    half = {
        "f16": torch.tensor(half_values, dtype=torch.float16),
        "bf16": torch.tensor(half_values[:5] + [1e30, -3.0e-39, float("inf")], dtype=torch.bfloat16),
    }
    save_file(half, os.path.join(OUT, "torch_half.safetensors"))

    expected = {
        "mlp": describe(state),
        "dtypes": describe(dtypes),
        "dtypes_metadata": metadata,
        # float16/bfloat16 values as exactly converted to float32 by torch.
        "half": describe({k: v.float() for k, v in half.items()}),
        "input": x.reshape(-1).tolist(),
        "input_shape": list(x.shape),
        "output": y.reshape(-1).tolist(),
        "output_shape": list(y.shape),
    }
    with open(os.path.join(OUT, "torch_mlp.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
