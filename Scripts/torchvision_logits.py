#!/usr/bin/env python3
"""torchvision models as PyTorch checkpoints, with an input and their eval-mode logits, for the
tests that load them into ApusVision's zoo (needs torch and torchvision).

    python3 Scripts/torchvision_logits.py OUT_DIR NAME:SIZE[,SIZE ...] [NAME:SIZE ...]
    python3 Scripts/torchvision_logits.py --compare FILE.safetensors FILE.pth

The first form builds each torchvision model NAME with random initialisation (torch seed 0;
torchvision's defaults otherwise, so googlenet has its auxiliary classifiers and no
transform_input; the segmentation models fcn_* and deeplabv3_* with their auxiliary classifier,
aux_loss=True, and no pretrained backbone), gives every batch-norm layer random statistics and
affine parameters (so that loading them matters), and writes

    OUT_DIR/NAME.pth      torch.save(model.state_dict())
    OUT_DIR/NAME.io.pth   torch.save({"input": x, "logits": model.eval()(x)}), x of shape [2, 3, H, W]

A SIZE is S (S×S) or HxW (57x71). With several sizes the i-th (from 1) adds the keys "input.i" and
"logits.i". For a segmentation model "logits" is the output's "out" and "aux" (".i") its "aux".

The second form checks that a safetensors file (e.g. written by `apus convert`) holds exactly the
tensors of a PyTorch checkpoint: the same names, dtypes, shapes and bits. It parses safetensors
itself (an 8-byte length, a JSON header, raw data), so it needs no package beyond torch.
"""
import json
import os
import struct
import sys
import warnings

import torch

SAFETENSORS_DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "BOOL": torch.bool,
                      "F16": torch.float16, "BF16": torch.bfloat16, "I32": torch.int32, "I16": torch.int16,
                      "I8": torch.int8, "U8": torch.uint8}


def make(out_dir, name, sizes):
    import torchvision
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # googlenet's notice about its default initialisation
        if name.startswith(("fcn_", "deeplabv3_")):
            model = getattr(torchvision.models.segmentation, name)(weights=None, weights_backbone=None, aux_loss=True)
        else:
            model = getattr(torchvision.models, name)(weights=None)
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                c = module.num_features
                module.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(c, generator=generator) + 0.5)
                module.weight.copy_(torch.rand(c, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(c, generator=generator) * 0.1)
                module.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=generator)))
    model.eval()
    io = {}
    for i, (h, w) in enumerate(sizes):
        suffix = f".{i}" if i else ""
        x = torch.randn(2, 3, h, w, generator=generator)
        with torch.no_grad():
            output = model(x)
        io["input" + suffix] = x
        if isinstance(output, dict):
            io["logits" + suffix], io["aux" + suffix] = output["out"], output["aux"]
        else:
            io["logits" + suffix] = output
        print(f"{name}: input {list(x.shape)}, logits {list(io['logits' + suffix].shape)}")
    torch.save(model.state_dict(), os.path.join(out_dir, f"{name}.pth"))
    torch.save(io, os.path.join(out_dir, f"{name}.io.pth"))
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters")


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = bytearray(data[8 + n + begin:8 + n + end])
        dtype = SAFETENSORS_DTYPES[info["dtype"]]
        flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(info["shape"])
    return tensors


def compare(safetensors_path, pth_path):
    converted = read_safetensors(safetensors_path)
    original = torch.load(pth_path, weights_only=True)
    problems = []
    if list(sorted(converted)) != list(sorted(original)):
        problems.append(f"names differ: only in safetensors {sorted(set(converted) - set(original))}, "
                        f"only in pth {sorted(set(original) - set(converted))}")
    for name in sorted(set(converted) & set(original)):
        a, b = converted[name], original[name]
        if a.dtype != b.dtype or a.shape != b.shape or not torch.equal(a.view(-1).view(torch.uint8) if a.numel() else a,
                                                                         b.contiguous().view(-1).view(torch.uint8) if b.numel() else b):
            problems.append(f"{name}: {a.dtype}{list(a.shape)} differs from {b.dtype}{list(b.shape)}")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"ok: {len(converted)} tensors equal bit for bit")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3:
        os.makedirs(sys.argv[1], exist_ok=True)
        for spec in sys.argv[2:]:
            name, sizes = spec.split(":")
            make(sys.argv[1], name, [tuple(int(n) for n in size.split("x")) * (2 if "x" not in size else 1)
                                     for size in sizes.split(",")])
    else:
        print(__doc__)
        sys.exit(2)
