#!/usr/bin/env python3
"""Peak memory of training LeNet-5 on Fashion-MNIST: `apus train` against the same run in PyTorch.

Both train one epoch (or --epochs) of LeNet-5 with Adam (lr 0.001), batches of 64, on the real
Fashion-MNIST files (Debian's dataset-fashion-mnist, or --data DIR with the four .gz files), then
evaluate on the test set. Each run is its own child process; its peak RSS is the kernel's
ru_maxrss for that child. The PyTorch side keeps the data set as float32 tensors normalised like
torchvision's ToTensor + Normalize and shuffles with a DataLoader-style random permutation.

    python3 Benchmarks/lenet_memory.py --apus .build/release/apus --threads 2
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"

TORCH_RUN = r"""
import gzip, os, resource, sys, time
import numpy as np
import torch
from torch import nn

data_dir, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)

def idx(name, offset):
    with gzip.open(os.path.join(data_dir, name)) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)

def images(name):
    x = torch.from_numpy(idx(name, 16).copy()).float().div_(255).view(-1, 1, 28, 28)
    return x.sub_(0.2860).div_(0.3530)

x_train, y_train = images("train-images-idx3-ubyte.gz"), torch.from_numpy(idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64))
x_test, y_test = images("t10k-images-idx3-ubyte.gz"), torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz", 8).astype(np.int64))
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
start = time.perf_counter()
for _ in range(epochs):
    model.train()
    for batch in torch.randperm(len(x_train)).split(64):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x_train[batch]), y_train[batch]).backward()
        opt.step()
model.eval()
with torch.no_grad():
    correct = sum(int((model(x_test[i:i + 512]).argmax(1) == y_test[i:i + 512]).sum()) for i in range(0, len(x_test), 512))
print(f"{time.perf_counter() - start:.2f} {correct / len(x_test):.4f}")
"""


def child_peak(command, env):
    """Runs `command`; returns (stdout, its peak RSS in MB, seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        sys.exit("run each side in a fresh process: a larger child ran before this one")
    return out, peak * 1024 / 1e6, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apus", default=".build/release/apus", help="path of a release apus binary")
    parser.add_argument("--data", default=os.environ.get("APUS_DATA_FASHION", DEBIAN_DIR),
                        help="directory with Fashion-MNIST's four .gz files")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--side", choices=["both", "apus", "torch"], default="both", help=argparse.SUPPRESS)
    args = parser.parse_args()
    env = dict(os.environ, APUS_NUM_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads))

    if args.side == "both":
        # One child process per side, so each ru_maxrss is that side's alone.
        for side in ["apus", "torch"]:
            subprocess.run([sys.executable, __file__, "--side", side, "--apus", args.apus, "--data", args.data,
                            "--epochs", str(args.epochs), "--threads", str(args.threads)], check=True)
        return
    if args.side == "apus":
        out, mb, seconds = child_peak([args.apus, "train", "--model", "lenet5", "--dataset", "fashion-mnist",
                                       "--data", args.data, "--epochs", str(args.epochs), "--json"], env)
        result = json.loads(out.strip().splitlines()[-1])
        print(f"apus    peak RSS {mb:7.1f} MB   {seconds:6.1f} s   test accuracy {result['test_accuracy']:.4f}")
    else:
        out, mb, seconds = child_peak([sys.executable, "-c", TORCH_RUN, args.data, str(args.epochs), str(args.threads)], env)
        print(f"pytorch peak RSS {mb:7.1f} MB   {seconds:6.1f} s   test accuracy {float(out.split()[1]):.4f}")


if __name__ == "__main__":
    main()
