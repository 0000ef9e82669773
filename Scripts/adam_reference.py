#!/usr/bin/env python3
"""Prints the reference values of Tests/ApusTests/Optim/AdamTests.swift, computed by torch.optim.Adam.

Usage: python3 Scripts/adam_reference.py   (needs PyTorch; produced with torch 2.15.0)

Each case starts a float64 parameter at the given value, sets the given gradient before each
step and prints the parameter after every step (repr, so every digit survives).
"""
import torch

torch.set_default_dtype(torch.float64)


def run(w0, grads, **kw):
    p = torch.nn.Parameter(torch.tensor(w0))
    opt = torch.optim.Adam([p], **kw)
    out = []
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
        out.append([repr(x) for x in p.detach().tolist()])
    return out


print("changing", run([1.0, -2.0], [[0.5, -1.0], [-2.0, 0.1], [0.3, 3.0]], lr=0.1))
print("hyper", run([1.0, -2.0], [[0.5, -1.0], [-2.0, 0.1], [0.3, 3.0]], lr=0.05, betas=(0.5, 0.9), eps=0.1))
print("wd", run([2.0, -1.0], [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]], lr=0.1, weight_decay=0.1))
print("default", run([1.0, -2.0], [[0.5, -1.0], [-2.0, 0.1]]))

# Skipping: a has a gradient at every step, b only from the second step on.
a = torch.nn.Parameter(torch.tensor([1.0, 1.0]))
b = torch.nn.Parameter(torch.tensor([5.0]))
opt = torch.optim.Adam([a, b], lr=0.1, weight_decay=0.5)
a.grad = torch.tensor([1.0, 1.0])
opt.step()
print("skip1", [repr(x) for x in a.tolist()], [repr(x) for x in b.tolist()])
b.grad = torch.tensor([2.0])
opt.step()
print("skip2", [repr(x) for x in a.tolist()], [repr(x) for x in b.tolist()])
