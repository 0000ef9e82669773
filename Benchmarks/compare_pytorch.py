#!/usr/bin/env python3
"""Runs Apus's benchmark workloads (`apus bench`) and the same workloads in PyTorch and NumPy,
and prints one comparison table.

Usage (from the repository root):

    python3 Benchmarks/compare_pytorch.py                 # 2 threads, full runs
    python3 Benchmarks/compare_pytorch.py --threads 1 --quick
    python3 Benchmarks/compare_pytorch.py --apus .build/release/apus --rounds 3
    python3 Benchmarks/compare_pytorch.py --threads 2 --only conv --rounds 3   # workloads named *conv*

Needs PyTorch and NumPy; threadpoolctl (`pip install threadpoolctl`) to report which OpenBLAS
kernel NumPy used. Not part of CI.

What runs where:
  * Apus: `swift run -c release apus bench --json` (or the binary given by --apus) with
    APUS_NUM_THREADS=N.
  * PyTorch: a child process (torch.set_num_threads(N), OMP_NUM_THREADS=N) for GEMM,
    elementwise and autograd overhead; one for sorting and top-k (sort-*, topk-*); another child that runs only the MLP epoch and then reads
    its peak RSS (getrusage ru_maxrss), so the figure is not inflated by the other workloads;
    a child for einsum and the same products through matmul (einsum-*, matmul-*);
    a third child for the convolution layers (conv2d-*, conv3d-*: forward + backward of float32 layers, and
    conv-*: every distinct convolution of ResNet-18/50 at 224×224, batch 16); one for pooling,
    batch norm and group norm (maxpool*, maxpool3d*, avgpool3d*, batchnorm-*, group-norm); one for bilinear upsampling, reflect padding and grid sampling
    (upsample-*, pad-*, gridsample-*); one for LeNet-5's epoch and ResNet-18's step; one for
    the training steps of ResNet-50, VGG-11-bn, AlexNet and GoogLeNet (torchvision's models, with
    GoogLeNet's auxiliary losses); one that only trains ResNet-18 and reports its peak RSS
    (resnet18-peak-rss, against `apus bench --only resnet18-step` run alone); one for inference of
    every zoo family at batch 1 and 16 (eval mode, torch.no_grad());
    one for the image pipeline (torchvision's ImageFolder and DataLoader(num_workers=2)) over
    128 JPEGs this script writes with Pillow into a temporary folder, which Apus reads too
    (APUS_BENCH_IMAGES; set it to use a folder of your own).
  * NumPy (GEMM only): a child whose environment has OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
    removed (this machine's environment sets OPENBLAS_CORETYPE=Haswell, which holds OpenBLAS to
    AVX2 kernels) and OPENBLAS_NUM_THREADS=N.

Every workload uses the timing method of Apus's `Stopwatch` (Sources/ApusBenchmarks): untimed
warm-up runs, then as many timed runs as fit in a target time (within a minimum and maximum
count, judged from the last warm-up run), reporting the best run, on a monotonic clock
(time.perf_counter). The shapes, repetition counts and units are those of Sources/ApusBenchmarks.

On a machine shared with other work, `--rounds R` repeats the whole comparison R times
(alternating the libraries) and keeps each cell's best figure, the same best-of rule one level up.
When other work keeps both cores busy, `--threads 1 --clock cpu` compares CPU time instead
(time.process_time; APUS_BENCH_CLOCK=cpu for Apus), which time slicing does not inflate.
The header names the CPU (model, family and model numbers, vector extension) and the load average.

The ratio column is oriented so that > 1 means Apus is better: PyTorch time / Apus time for
times (s/epoch, µs/op) and memory (MB), Apus / PyTorch for throughputs (GFLOP/s, Melem/s).
"""
import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# name, M, K, N, layout ("plain", "transposedA": A = [K×M]ᵀ, "transposedB": B = [N×K]ᵀ), as in BenchmarkSuite.swift.
GEMMS = [(f"gemm-{n}", n, n, n, "plain") for n in (256, 512, 1024, 2048, 3072, 4096)] + [
    ("gemm-mlp-fwd-128x784x256", 128, 784, 256, "plain"),
    ("gemm-mlp-AtB-784x128x256", 784, 128, 256, "transposedA"),
    ("gemm-mlp-ABt-128x256x784", 128, 256, 784, "transposedB"),
]
ELEMENTWISE = ["add-1M", "mul-1M", "exp-1M", "tanh-1M", "sum-1M", "softmax-1000x1000"]
# Sorting and top-k on float32 uniform [-1, 1) data, as SortBenchmark.swift (µs per call).
SORTING = ["sort-10k", "sort-256x1000", "topk-1000-of-100k"]
# name: list of layers (input shape, weight shape, bias, padding, input requires grad), as ConvBenchmark.swift.
CONVS = {
    "conv2d-lenet-fwd-bwd": [([64, 1, 28, 28], [6, 1, 5, 5], True, 2, False),
                             ([64, 6, 14, 14], [16, 6, 5, 5], True, 0, True)],
    "conv2d-resnet-fwd-bwd": [([32, 64, 56, 56], [64, 64, 3, 3], False, 1, True)],
    "conv3d-video-fwd-bwd": [([4, 64, 16, 56, 56], [64, 64, 3, 3, 3], False, 1, True)],
}
# Apus's time ≤ PyTorch's / target (the 3-D convolution: within 2× of PyTorch's).
CONV_TARGETS = {"conv2d-lenet-fwd-bwd": 1.0, "conv2d-resnet-fwd-bwd": 1.0, "conv3d-video-fwd-bwd": 0.5}
# Every distinct convolution of ResNet-18/50 at 224×224, batch 16, forward + backward, as
# ResNetConvBenchmark.swift: (kernel, stride, input channels, output channels, input size).
RESNET_CONV_SHAPES = [
    (7, 2, 3, 64, 224),
    (3, 1, 64, 64, 56), (3, 1, 128, 128, 28), (3, 1, 256, 256, 14), (3, 1, 512, 512, 7),
    (3, 2, 64, 128, 56), (3, 2, 128, 256, 28), (3, 2, 256, 512, 14),
    (3, 2, 128, 128, 56), (3, 2, 256, 256, 28), (3, 2, 512, 512, 14),
    (1, 2, 64, 128, 56), (1, 2, 128, 256, 28), (1, 2, 256, 512, 14),
    (1, 2, 256, 512, 56), (1, 2, 512, 1024, 28), (1, 2, 1024, 2048, 14),
    (1, 1, 64, 64, 56), (1, 1, 64, 256, 56), (1, 1, 256, 64, 56), (1, 1, 256, 128, 56),
    (1, 1, 128, 512, 28), (1, 1, 512, 128, 28), (1, 1, 512, 256, 28),
    (1, 1, 256, 1024, 14), (1, 1, 1024, 256, 14), (1, 1, 1024, 512, 14),
    (1, 1, 512, 2048, 7), (1, 1, 2048, 512, 7),
]
RESNET_CONVS = {f"conv-{k}x{k}s{s}-{ci}to{co}-{n}": (k, s, ci, co, n) for k, s, ci, co, n in RESNET_CONV_SHAPES}
# Max pooling as PoolingBenchmark.swift (forward alone, and forward + backward) and batch norm in
# training mode as BatchNormBenchmark.swift (forward + backward): name: (shape, kernel, stride, padding).
POOLS = {"maxpool2x2-64x6x28x28": ([64, 6, 28, 28], 2, 2, 0), "maxpool3x3s2p1-32x64x112x112": ([32, 64, 112, 112], 3, 2, 1)}
# 3-d max and average pooling on a video stem's shape, as PoolingBenchmark.swift: name: (function, shape, kernel, stride, padding).
POOLS3D = {"maxpool3d-3x3x3s2p1-4x64x16x56x56": ("max_pool3d", [4, 64, 16, 56, 56], 3, 2, 1),
           "avgpool3d-3x3x3s2p1-4x64x16x56x56": ("avg_pool3d", [4, 64, 16, 56, 56], 3, 2, 1)}
BATCHNORMS = {"batchnorm-" + "x".join(map(str, s)): s
              for s in ([16, 64, 112, 112], [16, 256, 56, 56], [16, 512, 28, 28], [16, 1024, 14, 14], [16, 2048, 7, 7])}
# Shape ops that copy, float32, forward only, as ShapeBenchmark.swift: name: (input shape, call(F, x))
# with F torch.nn.functional.
SHAPE_OPS = {
    "flip-16x64x56x56": ([16, 64, 56, 56], lambda F, x: x.flip(3)),
    "roll-16x64x56x56": ([16, 64, 56, 56], lambda F, x: x.roll((3, -5), (2, 3))),
    "repeat-1024x256-by-1x8": ([1024, 256], lambda F, x: x.repeat(1, 8)),
    "tril-16x512x512": ([16, 512, 512], lambda F, x: x.tril()),
    "pixelshuffle-16x256x32x32": ([16, 256, 32, 32], lambda F, x: F.pixel_shuffle(x, 2)),
    "unfold-8x32x56x56-k3p1": ([8, 32, 56, 56], lambda F, x: F.unfold(x, 3, padding=1)),
    "repeatinterleave-1000x1000": ([1000, 1000], lambda F, x: x.repeat_interleave(2, dim=1)),
}
# Group norm (32 groups, weight and bias) on a detection head's shape, forward + backward, as
# GroupNormBenchmark.swift.
GROUPNORMS = {"group-norm": ([8, 256, 64, 64], 32)}
LAYERS = [n + suffix for n in list(POOLS) + list(POOLS3D) for suffix in ("-forward", "")] + list(BATCHNORMS) + list(GROUPNORMS)
# The spatial ops of segmentation and detection, as SpatialBenchmark.swift (forward alone, and
# forward + backward): name: input shape.
SPATIAL_SHAPES = {"upsample-bilinear-x8-8x21x64x64": [8, 21, 64, 64], "pad-reflect-8x64x128x128": [8, 64, 128, 128],
                  "gridsample-bilinear-8x3x224x224": [8, 3, 224, 224]}
SPATIAL = [n + suffix for n in SPATIAL_SHAPES for suffix in ("-forward", "")]
# Training of zoo models, as ZooBenchmark.swift: a LeNet-5 epoch (time ≤ 0.8× PyTorch's), ResNet-18
# steps on 32×3×64×64 and the peak memory of a process that runs them, and steps of ResNet-50,
# VGG-11-bn, GoogLeNet (16×3×112×112) and AlexNet (16×3×224×224) (images/s ≥ PyTorch's).
ZOO = ["lenet5-epoch", "resnet18-step"]
TRAIN_STEPS = {"resnet50-step": ("resnet50", [16, 3, 112, 112]), "vgg11bn-step": ("vgg11_bn", [16, 3, 112, 112]),
               "alexnet-step": ("alexnet", [16, 3, 224, 224]), "googlenet-step": ("googlenet", [16, 3, 112, 112])}
RSS = ["resnet18-peak-rss"]
# Inference of one model per zoo family, eval mode, no gradients, as InferenceBenchmark.swift.
INFER_MODELS = {"lenet5": [1, 28, 28], "alexnet": [3, 224, 224], "vgg11": [3, 224, 224],
                "googlenet": [3, 224, 224], "resnet18": [3, 224, 224], "resnet50": [3, 224, 224]}
INFER = {f"{m}-infer-b{b}": (m, [b] + shape) for m, shape in INFER_MODELS.items() for b in (1, 16)}
# einsum against the same product through matmul, float32 forward, GFLOP/s, as EinsumBenchmark.swift:
# name: (equation, shape of a, shape of b, whether matmul takes bᵀ of the last two dimensions).
EINSUM_PRODUCTS = {"bij,bjk": ("bij,bjk->bik", [32, 196, 256], [32, 256, 256], False),
                   "bhqd,bhkd": ("bhqd,bhkd->bhqk", [8, 12, 128, 64], [8, 12, 128, 64], True)}
EINSUMS = [f"{kind}-{name}" for name in EINSUM_PRODUCTS for kind in ("einsum", "matmul")]
UNITS = {"mlp-epoch": "s/epoch", "mlp-peak-rss": "MB", "autograd-add-1elem": "µs/op"}
UNITS.update({g[0]: "GFLOP/s" for g in GEMMS})
UNITS.update({e: "Melem/s" for e in ELEMENTWISE})
UNITS.update({s: "µs/op" for s in SORTING})
UNITS.update({c: "ms" for c in CONVS})
UNITS.update({"lenet5-epoch": "s/epoch", "resnet18-step": "images/s", "resnet18-peak-rss": "MB"})
UNITS.update({c: "ms" for c in list(RESNET_CONVS) + LAYERS + list(SHAPE_OPS) + SPATIAL})
UNITS.update({n: "images/s" for n in list(TRAIN_STEPS) + list(INFER)})
UNITS.update({n: "GFLOP/s" for n in EINSUMS})
# Reading a folder of photos, as ImagePipelineBenchmark.swift: decode ~500×375 JPEGs,
# RandomResizedCrop(224), flip, ToTensor + Normalize(ImageNet), batches of 32 from 2 workers.
PIPELINE = ["image-pipeline"]
UNITS.update({"image-pipeline": "images/s"})
ORDER = (["mlp-epoch", "mlp-peak-rss"] + [g[0] for g in GEMMS] + ELEMENTWISE + SORTING + list(CONVS) + list(RESNET_CONVS) + LAYERS + SPATIAL
         + list(SHAPE_OPS)
         + EINSUMS + ZOO + list(TRAIN_STEPS) + RSS + list(INFER) + PIPELINE + ["autograd-add-1elem"])
LOWER_IS_BETTER = {"s/epoch", "µs/op", "MB", "ms"}
# Which child measures which workloads (the Apus binary measures them all).
CHILD_WORKLOADS = {
    "torch": [g[0] for g in GEMMS] + ELEMENTWISE + ["autograd-add-1elem"],
    "torch-sort": SORTING,
    "torch-mlp": ["mlp-epoch", "mlp-peak-rss"],
    "torch-conv": list(CONVS) + list(RESNET_CONVS),
    "torch-layers": LAYERS + list(SHAPE_OPS),
    "torch-einsum": EINSUMS,
    "torch-spatial": SPATIAL,
    "torch-zoo": ZOO,
    "torch-train": list(TRAIN_STEPS),
    "torch-rss": RSS,
    "torch-infer": list(INFER),
    "torch-pipeline": PIPELINE,
    "numpy": [g[0] for g in GEMMS],
}


# ---------------------------------------------------------------- timing (as Stopwatch.swift)

# Wall-clock time, or with --clock cpu the CPU time of the process (APUS_BENCH_CLOCK=cpu for Apus).
CLOCK = time.process_time if os.environ.get("APUS_BENCH_CLOCK") == "cpu" else time.perf_counter


def time_once(body):
    start = CLOCK()
    body()
    return CLOCK() - start


def measure(body, warmup=1, repetitions=None, target=None, min_reps=3, max_reps=1000):
    """Best time of `repetitions` runs after `warmup` untimed ones; with `target`, the count is
    chosen from the last warm-up run to fill about `target` seconds, within [min_reps, max_reps]."""
    if repetitions is None:
        last = 0.0
        for _ in range(max(warmup, 1)):
            last = time_once(body)
        fit = int(target // last) if last > 0 else max_reps
        repetitions = min(max(fit, min_reps), max_reps)
    else:
        for _ in range(warmup):
            body()
    return min(time_once(body) for _ in range(repetitions))


def gemm_timing(quick):
    return dict(warmup=1, target=0.1, min_reps=1, max_reps=10) if quick else dict(warmup=1, target=1.0, min_reps=3, max_reps=200)


def gemm_operands(lib, m, k, n, layout):
    """Uniform [-1, 1) float32 operands, transposed views where the layout says so."""
    if lib == "torch":
        import torch
        rand = lambda r, c: torch.rand(r, c) * 2 - 1
    else:
        import numpy as np
        rng = np.random.default_rng(0)
        rand = lambda r, c: (rng.random((r, c), dtype=np.float32) * 2 - 1)
    a = rand(k, m).T if layout == "transposedA" else rand(m, k)
    b = rand(n, k).T if layout == "transposedB" else rand(k, n)
    return a, b


# ---------------------------------------------------------------- workers (child processes)

def worker_torch(threads, quick):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    for name, m, k, n, layout in GEMMS:
        a, b = gemm_operands("torch", m, k, n, layout)
        best = measure(lambda: torch.matmul(a, b), **gemm_timing(quick))
        out[name] = 2 * m * n * k / best / 1e9
    count = 1_000_000
    a = torch.rand(count) * 2 - 1
    b = torch.rand(count) * 2 - 1
    matrix = a.reshape(1000, 1000)
    bodies = {
        "add-1M": lambda: a + b,
        "mul-1M": lambda: a * b,
        "exp-1M": lambda: torch.exp(a),
        "tanh-1M": lambda: torch.tanh(a),
        "sum-1M": lambda: a.sum(),
        "softmax-1000x1000": lambda: torch.softmax(matrix, dim=1),
    }
    timing = dict(warmup=1, target=0.05, min_reps=3, max_reps=50) if quick else dict(warmup=3, target=0.5, min_reps=10, max_reps=500)
    for name in ELEMENTWISE:
        out[name] = count / measure(bodies[name], **timing) / 1e6
    ops = 10_000 if quick else 100_000
    x = torch.ones(1, requires_grad=True)
    y = torch.full((1,), 2.0)

    def adds():
        for _ in range(ops):
            x + y
    out["autograd-add-1elem"] = measure(adds, warmup=1, repetitions=2 if quick else 5) / ops * 1e6
    return out


def worker_torch_sort(threads, quick):
    """Sorting and top-k, as SortBenchmark.swift: µs per call."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    vector10k = torch.rand(10_000) * 2 - 1
    rows256 = torch.rand(256, 1000) * 2 - 1
    vector100k = torch.rand(100_000) * 2 - 1
    sorts = {
        "sort-10k": lambda: torch.sort(vector10k),
        "sort-256x1000": lambda: torch.sort(rows256),
        "topk-1000-of-100k": lambda: torch.topk(vector100k, 1000),
    }
    timing = dict(warmup=1, target=0.05, min_reps=3, max_reps=50) if quick else dict(warmup=3, target=0.5, min_reps=10, max_reps=2000)
    return {name: measure(sorts[name], **timing) * 1e6 for name in SORTING}


def peak_rss_mb():
    """This process's peak RSS in MB (10⁶ bytes); ru_maxrss is in KiB on Linux, bytes on macOS."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss * (1 if sys.platform == "darwin" else 1024) / 1e6


def worker_torch_mlp(threads, quick):
    """MLP 784-256-128-10 epoch as MLPTrainingBenchmark.swift, then this process's peak RSS."""
    import torch
    import torch.nn.functional as F
    import_rss = peak_rss_mb()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    examples, features, classes, batch = 60_000, 784, 10, 128
    x_all = torch.rand(examples, features)
    y_all = torch.randint(0, classes, (examples,))
    model = torch.nn.Sequential(
        torch.nn.Linear(features, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, classes))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train(idx):
        opt.zero_grad()
        loss = F.cross_entropy(model(x_all[idx]), y_all[idx])
        loss.backward()
        opt.step()

    def batches():
        perm = torch.randperm(examples)
        return [perm[i:i + batch] for i in range(0, examples, batch)]

    n_batches = (examples + batch - 1) // batch
    if quick:
        order = batches()
        for idx in order[:5]:
            train(idx)
        timed = 20
        seconds = time_once(lambda: [train(idx) for idx in order[5:5 + timed]]) / timed * n_batches
    else:
        seconds = measure(lambda: [train(idx) for idx in batches()], warmup=1, repetitions=2)
    return {"mlp-epoch": seconds, "mlp-peak-rss": peak_rss_mb(), "torch-import-rss": import_rss}


def worker_numpy(threads, quick):
    import numpy as np
    out = {}
    for name, m, k, n, layout in GEMMS:
        a, b = gemm_operands("numpy", m, k, n, layout)
        best = measure(lambda: np.matmul(a, b), **gemm_timing(quick))
        out[name] = 2 * m * n * k / best / 1e9
    info = []
    try:
        from threadpoolctl import threadpool_info
        info = threadpool_info()
    except ImportError:
        info = [{"note": "threadpoolctl not installed (pip install threadpoolctl)"}]
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")}
    return {"results": out, "threadpool_info": info, "env": env, "numpy": np.__version__}


def worker_torch_conv(threads, quick):
    """Forward + backward of the convolution layers of CONVS (conv3d for 5-D shapes), ms (best run), as ConvBenchmark.swift."""
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    for name, layers in CONVS.items():
        made = []
        for xs, ws, bias, padding, input_grad in layers:
            x = torch.randn(*xs, requires_grad=input_grad)
            w = torch.randn(*ws, requires_grad=True)
            b = torch.randn(ws[0], requires_grad=True) if bias else None
            conv = F.conv3d if len(xs) == 5 else F.conv2d
            with torch.no_grad():
                up = torch.randn_like(conv(x, w, b, padding=padding))
            made.append((conv, x, w, b, padding, up))

        def body():
            for conv, x, w, b, padding, up in made:
                conv(x, w, b, padding=padding).backward(up)
                for t in (x, w, b):
                    if t is not None:
                        t.grad = None
        timing = dict(warmup=1, target=0.1, min_reps=2, max_reps=20) if quick else dict(warmup=2, target=1.0, min_reps=5, max_reps=200)
        out[name] = measure(body, **timing) * 1e3
    for name, (k, s, ci, co, size) in RESNET_CONVS.items():
        batch = 2 if quick else 16
        x = torch.randn(batch, ci, size, size, requires_grad=ci != 3)
        w = torch.randn(co, ci, k, k, requires_grad=True)
        with torch.no_grad():
            up = torch.randn_like(F.conv2d(x, w, stride=s, padding=k // 2))

        def body():
            F.conv2d(x, w, stride=s, padding=k // 2).backward(up)
            x.grad = None
            w.grad = None
        timing = dict(warmup=1, target=0.02, min_reps=1, max_reps=3) if quick else dict(warmup=2, target=0.5, min_reps=3, max_reps=100)
        out[name] = measure(body, **timing) * 1e3
    return out


def worker_torch_layers(threads, quick):
    """Max pooling, 3-d max and average pooling (forward; forward + backward), batch norm (training, forward + backward) and the
    shape ops that copy (forward), ms, as PoolingBenchmark.swift, BatchNormBenchmark.swift and
    ShapeBenchmark.swift."""
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    for name, (shape, k, s, p) in POOLS.items():
        shape = [2] + shape[1:] if quick else shape
        x = torch.randn(*shape)
        g = torch.randn_like(F.max_pool2d(x, k, s, p))

        def forward():
            F.max_pool2d(x, k, s, p)

        def both():
            leaf = x.detach().requires_grad_()
            F.max_pool2d(leaf, k, s, p).backward(g)
        timing = dict(warmup=1, target=0.05, min_reps=2, max_reps=20) if quick else dict(warmup=2, target=1.0, min_reps=5, max_reps=200)
        out[name + "-forward"] = measure(forward, **timing) * 1e3
        out[name] = measure(both, **timing) * 1e3
    for name, (function, shape, k, s, p) in POOLS3D.items():
        shape = [2] + shape[1:] if quick else shape
        pool = getattr(F, function)
        x = torch.randn(*shape)
        g = torch.randn_like(pool(x, k, s, p))

        def forward():
            pool(x, k, s, p)

        def both():
            leaf = x.detach().requires_grad_()
            pool(leaf, k, s, p).backward(g)
        timing = dict(warmup=1, target=0.05, min_reps=2, max_reps=20) if quick else dict(warmup=2, target=1.0, min_reps=5, max_reps=200)
        out[name + "-forward"] = measure(forward, **timing) * 1e3
        out[name] = measure(both, **timing) * 1e3
    for name, shape in BATCHNORMS.items():
        shape = [2] + shape[1:] if quick else shape
        layer = torch.nn.BatchNorm2d(shape[1])
        x = torch.randn(*shape, requires_grad=True)
        up = torch.randn(*shape)

        def body():
            layer(x).backward(up)
            x.grad = None
            layer.zero_grad()
        timing = dict(warmup=1, target=0.02, min_reps=1, max_reps=3) if quick else dict(warmup=2, target=0.5, min_reps=5, max_reps=100)
        out[name] = measure(body, **timing) * 1e3
    for name, (shape, call) in SHAPE_OPS.items():
        x = torch.randn(*shape)
        timing = dict(warmup=1, target=0.05, min_reps=2, max_reps=20) if quick else dict(warmup=3, target=0.5, min_reps=10, max_reps=500)
        out[name] = measure(lambda: call(F, x), **timing) * 1e3
    for name, (shape, groups) in GROUPNORMS.items():
        shape = [1] + shape[1:] if quick else shape
        layer = torch.nn.GroupNorm(groups, shape[1])
        x = torch.randn(*shape, requires_grad=True)
        up = torch.randn(*shape)

        def body():
            layer(x).backward(up)
            x.grad = None
            layer.zero_grad()
        timing = dict(warmup=1, target=0.02, min_reps=1, max_reps=3) if quick else dict(warmup=2, target=0.5, min_reps=5, max_reps=100)
        out[name] = measure(body, **timing) * 1e3
    return out


def worker_torch_einsum(threads, quick):
    """torch.einsum and the equivalent torch.matmul, float32 forward, GFLOP/s, as EinsumBenchmark.swift."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    for name, (equation, sa, sb, transpose_b) in EINSUM_PRODUCTS.items():
        a, b = torch.rand(*sa) * 2 - 1, torch.rand(*sb) * 2 - 1
        flops = 2 * torch.einsum(equation, a, b).numel() * sa[-1]
        bodies = {"einsum": lambda: torch.einsum(equation, a, b),
                  "matmul": lambda: torch.matmul(a, b.transpose(-1, -2) if transpose_b else b)}
        timing = dict(warmup=1, target=0.1, min_reps=1, max_reps=10) if quick else dict(warmup=2, target=1.0, min_reps=5, max_reps=200)
        for kind, body in bodies.items():
            out[f"{kind}-{name}"] = flops / measure(body, **timing) / 1e9
    return out


def worker_torch_spatial(threads, quick):
    """Bilinear upsampling, reflect padding and grid sampling (forward; forward + backward), ms, as
    SpatialBenchmark.swift."""
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(0)
    out = {}
    for name, shape in SPATIAL_SHAPES.items():
        shape = [1] + shape[1:] if quick else shape
        inputs = [torch.randn(*shape, generator=gen)]
        if name.startswith("upsample"):
            def op(x):
                return F.interpolate(x, scale_factor=8, mode="bilinear", align_corners=False)
        elif name.startswith("pad"):
            def op(x):
                return F.pad(x, (1, 1, 1, 1), mode="reflect")
        else:
            inputs.append(torch.rand(shape[0], shape[2], shape[3], 2, generator=gen) * 2.2 - 1.1)

            def op(x, grid):
                return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        with torch.no_grad():
            g = torch.randn(*op(*inputs).shape, generator=gen)

        def forward():
            with torch.no_grad():
                op(*inputs)

        def both():
            leaves = [t.detach().requires_grad_() for t in inputs]
            op(*leaves).backward(g)
        timing = dict(warmup=1, target=0.05, min_reps=2, max_reps=20) if quick else dict(warmup=2, target=1.0, min_reps=5, max_reps=200)
        out[name + "-forward"] = measure(forward, **timing) * 1e3
        out[name] = measure(both, **timing) * 1e3
    return out


def worker_torch_zoo(threads, quick):
    """LeNet-5 epoch (s) and ResNet-18 training step (images/s) on synthetic data, as ZooBenchmark.swift."""
    import torch
    import torch.nn as nn
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    lenet = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                          nn.Linear(84, 10))
    x, y = torch.rand(60000, 1, 28, 28), torch.randint(0, 10, (60000,))
    opt = torch.optim.SGD(lenet.parameters(), lr=0.01, momentum=0.9)

    def step(xb, yb):
        opt.zero_grad()
        nn.functional.cross_entropy(lenet(xb), yb).backward()
        opt.step()
    perm = torch.randperm(60000)
    batches = [perm[i:i + 64] for i in range(0, 60000, 64)]
    for b in batches[:20]:
        step(x[b], y[b])
    if quick:
        lenet_epoch = time_once(lambda: [step(x[b], y[b]) for b in batches[20:70]]) / 50 * len(batches)
    else:
        lenet_epoch = time_once(lambda: [step(x[b], y[b]) for b in batches])
    model = resnet18()
    rx, ry = torch.randn(32, 3, 64, 64), torch.randint(0, 1000, (32,))
    ropt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def resnet_step():
        ropt.zero_grad()
        nn.functional.cross_entropy(model(rx), ry).backward()
        ropt.step()
    best = measure(resnet_step, warmup=2, repetitions=2 if quick else 5)
    return {"lenet5-epoch": lenet_epoch, "resnet18-step": 32 / best}


def zoo_model(name):
    """torchvision's model `name` with random weights (1000 classes), or LeNet-5 as LeNet5.swift."""
    import torch.nn as nn
    if name == "lenet5":
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                             nn.Linear(84, 10))
    import torchvision
    if name == "googlenet":
        return torchvision.models.googlenet(weights=None, aux_logits=True, init_weights=True)
    return getattr(torchvision.models, name)(weights=None)


def training_loss(model, x, y):
    """Cross-entropy; GoogLeNet in training adds 0.3 × each auxiliary head's, as ZooModels.swift."""
    import torch.nn.functional as F
    out = model(x)
    if hasattr(out, "aux_logits1"):
        return F.cross_entropy(out.logits, y) + 0.3 * (F.cross_entropy(out.aux_logits1, y) + F.cross_entropy(out.aux_logits2, y))
    return F.cross_entropy(out, y)


def worker_torch_train(threads, quick):
    """Training steps (images/s) of ResNet-50, VGG-11-bn, AlexNet and GoogLeNet, as ZooBenchmark.swift."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    for name, (model_name, shape) in TRAIN_STEPS.items():
        model = zoo_model(model_name)
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        x, y = torch.randn(*shape), torch.randint(0, 1000, (shape[0],))

        def step():
            opt.zero_grad()
            training_loss(model, x, y).backward()
            opt.step()
        out[name] = shape[0] / measure(step, warmup=1, repetitions=1 if quick else 3)
    return out


def worker_torch_rss(threads, quick):
    """Peak RSS (MB) of a process that only builds ResNet-18 and trains it on 32×3×64×64, as
    `apus bench --only resnet18-step` (resnet18-peak-rss)."""
    import torch
    import torch.nn as nn
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = resnet18()
    x, y = torch.randn(32, 3, 64, 64), torch.randint(0, 1000, (32,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    for _ in range(4 if quick else 7):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return {"resnet18-peak-rss": peak_rss_mb()}


def worker_torch_infer(threads, quick):
    """Inference (eval mode, no gradients), images/s, as InferenceBenchmark.swift."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    for name, (model_name, shape) in INFER.items():
        model = zoo_model(model_name).eval()
        x = torch.randn(*shape)

        def run():
            with torch.no_grad():
                model(x)
        timing = dict(warmup=1, target=0.05, min_reps=1, max_reps=5) if quick else dict(warmup=2, target=1.0, min_reps=3, max_reps=50)
        out[name] = shape[0] / measure(run, **timing)
    return out


def make_pipeline_images(directory, count=128):
    """`count` photo-like 500×375 JPEGs (smooth colour fields, edges and noise, quality 90, Pillow's
    default 4:2:0) in two class folders, the same files for both libraries."""
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:375, 0:500].astype(np.float32)
    for i in range(count):
        folder = os.path.join(directory, f"class{i % 2}")
        os.makedirs(folder, exist_ok=True)
        a, b, c = rng.uniform(0.005, 0.03, 3)
        base = np.stack([np.sin(xx * a + i), np.cos(yy * b - i), np.sin((xx + yy) * c)], axis=-1)
        noise = rng.normal(0, 0.08, base.shape)
        pixels = np.clip((base * 0.4 + 0.5 + noise) * 255, 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(os.path.join(folder, f"{i:04d}.jpg"), quality=90)


def worker_torch_pipeline(threads, quick):
    """torchvision's ImageFolder + DataLoader(num_workers=2) over the folder in $APUS_BENCH_IMAGES."""
    import torch
    from torchvision import datasets, transforms
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    folder = datasets.ImageFolder(os.environ["APUS_BENCH_IMAGES"], transforms.Compose([
        transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip(), transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])]))
    loader = torch.utils.data.DataLoader(folder, batch_size=32, shuffle=True, num_workers=2,
                                         persistent_workers=True)

    def one_pass():
        for _ in loader:
            pass
    best = measure(one_pass, warmup=1, repetitions=2 if quick else 5)
    return {"image-pipeline": len(folder) / best}


def resnet18():
    """torchvision's resnet18() (1000 classes), written out so that torchvision is not needed."""
    import torch.nn as nn

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
            return self.relu(out + (x if self.downsample is None else self.downsample(x)))

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers)


WORKERS = {"torch": worker_torch, "torch-sort": worker_torch_sort, "torch-mlp": worker_torch_mlp, "torch-conv": worker_torch_conv,
           "torch-layers": worker_torch_layers, "torch-einsum": worker_torch_einsum, "torch-spatial": worker_torch_spatial, "torch-train": worker_torch_train, "torch-rss": worker_torch_rss,
           "torch-infer": worker_torch_infer,
           "torch-zoo": worker_torch_zoo, "torch-pipeline": worker_torch_pipeline, "numpy": worker_numpy}


# ---------------------------------------------------------------- driver

def run_child(kind, threads, quick, env):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", kind, "--threads", str(threads)]
    if quick:
        cmd.append("--quick")
    print(f"[compare] running {kind} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"error: the {kind} worker failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_apus(args, env, only=None):
    only = only or args.only
    cmd = [args.apus] if args.apus else ["swift", "run", "-c", "release", "apus"]
    cmd += ["bench", "--json"] + (["--quick"] if args.quick else []) + (["--only", only] if only else [])
    print(f"[compare] running {' '.join(cmd)} with APUS_NUM_THREADS={args.threads} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"error: apus bench failed with status {proc.returncode}")
    lines = proc.stdout.strip().splitlines()
    for line in lines[:-1]:
        print("[apus] " + line, file=sys.stderr)
    return {k: v["value"] for k, v in json.loads(lines[-1]).items()}


def keep_best(best, new):
    """Merges figures into `best`, keeping the better of two: lower for times and memory."""
    for name, v in new.items():
        if name not in best:
            best[name] = v
        else:
            lower = UNITS.get(name, "MB") in LOWER_IS_BETTER
            best[name] = min(best[name], v) if lower else max(best[name], v)


def load_average():
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def fmt(v):
    if v is None:
        return "—"
    return f"{v:.1f}" if abs(v) >= 100 else f"{v:.2f}" if abs(v) >= 1 else f"{v:.3f}"


def cpu_model():
    """The CPU's name, family and model numbers and widest vector extension (Linux), e.g.
    "Intel(R) Xeon(R) Processor (family 6, model 207; avx512f)"."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        return platform.processor() or platform.machine()
    flags = fields.get("flags", "").split()
    isa = next((f for f in ("avx512f", "avx2", "sse4_2") if f in flags), "")
    name = fields.get("model name", platform.machine())
    return f"{name} (family {fields.get('cpu family', '?')}, model {fields.get('model', '?')}; {isa})"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=2, help="threads for every library (default 2)")
    p.add_argument("--quick", action="store_true", help="few repetitions and a shortened MLP epoch")
    p.add_argument("--apus", help="path of an apus binary (default: swift run -c release apus)")
    p.add_argument("--rounds", type=int, default=1, help="repeat everything and keep each cell's best (default 1)")
    p.add_argument("--only", help="only the workloads whose name contains this (e.g. conv, gemm)")
    p.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                   help="wall-clock time (default), or the CPU time of each process: on a machine busy with "
                        "other work, compares single-threaded runs (--threads 1) that wall-clock time cannot")
    p.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.threads < 1:
        p.error(f"--threads must be at least 1, got {args.threads}")
    if args.rounds < 1:
        p.error(f"--rounds must be at least 1, got {args.rounds}")

    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.threads, args.quick)))
        return

    n = str(args.threads)
    base = dict(os.environ, OMP_NUM_THREADS=n, MKL_NUM_THREADS=n, APUS_NUM_THREADS=n)
    if args.clock == "cpu":
        base["APUS_BENCH_CLOCK"] = "cpu"
    numpy_env = {k: v for k, v in base.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    numpy_env["OPENBLAS_NUM_THREADS"] = n

    def wanted(name):
        return args.only is None or args.only in name

    def child_needed(kind):
        return any(wanted(name) for name in CHILD_WORKLOADS[kind])

    if child_needed("torch-pipeline") and "APUS_BENCH_IMAGES" not in base:
        import tempfile
        base["APUS_BENCH_IMAGES"] = tempfile.mkdtemp(prefix="apus-bench-images-")
        make_pipeline_images(base["APUS_BENCH_IMAGES"])
        numpy_env["APUS_BENCH_IMAGES"] = base["APUS_BENCH_IMAGES"]
    loads = [load_average()]
    apus, torch_res, numpy_res = {}, {}, {}
    np_out = None
    for r in range(args.rounds):
        if args.rounds > 1:
            print(f"[compare] round {r + 1} of {args.rounds}", file=sys.stderr, flush=True)
        keep_best(apus, run_apus(args, base))
        if any(wanted(n) for n in RSS):
            # The peak RSS of a process that runs only the ResNet-18 steps.
            rss = run_apus(args, base, only="resnet18-step")
            keep_best(apus, {k: v for k, v in rss.items() if k in RSS})
        t = {}
        for kind in ("torch", "torch-sort", "torch-mlp", "torch-conv", "torch-layers", "torch-einsum", "torch-spatial", "torch-zoo", "torch-train", "torch-rss",
                     "torch-infer", "torch-pipeline"):
            if child_needed(kind):
                t.update(run_child(kind, args.threads, args.quick, base))
        keep_best(torch_res, t)
        if child_needed("numpy"):
            np_out = run_child("numpy", args.threads, args.quick, numpy_env)
            keep_best(numpy_res, np_out["results"])
        loads.append(load_average())

    import torch
    print(f"# {cpu_model()}, {os.cpu_count()} CPUs; {args.threads} threads; "
          f"{'quick' if args.quick else 'full'} runs; {'CPU time' if args.clock == 'cpu' else 'wall-clock time'}; torch {torch.__version__}"
          + (f", numpy {np_out['numpy']}" if np_out else ""))
    print(f"# load average (1 min) before and after each round: {' → '.join(loads)}")
    if "torch-import-rss" in torch_res:
        print(f"# PyTorch's peak RSS right after `import torch`: {fmt(torch_res['torch-import-rss'])} MB")
    if np_out:
        print(f"# numpy child environment: {np_out['env']}")
    for lib in (np_out["threadpool_info"] if np_out else []):
        keys = ("internal_api", "version", "architecture", "num_threads", "threading_layer", "note")
        print("# numpy threadpool: " + ", ".join(f"{k}={lib[k]}" for k in keys if k in lib))
    print()
    header = ["workload", "unit", "Apus", "PyTorch", "numpy", "Apus/PyTorch", "Apus/numpy", "target", "met"]
    print("| " + " | ".join(header) + " |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for name in filter(wanted, ORDER):
        unit = UNITS[name]
        a, t, npv = apus.get(name), torch_res.get(name), numpy_res.get(name)
        ratio = np_ratio = None
        if a and t:
            ratio = t / a if unit in LOWER_IS_BETTER else a / t
        if a and npv:
            np_ratio = a / npv
        # The targets, as ratios oriented so that larger is better for Apus.
        if name.startswith("gemm-mlp"):
            target, value, bound = "Apus/numpy ≥ 0.9 (OpenBLAS)", np_ratio, 0.9
        elif name.startswith("gemm"):
            target, value, bound = "Apus/numpy ≥ 0.95 (OpenBLAS)", np_ratio, 0.95
        elif name == "mlp-epoch":
            target, value, bound = "time ≤ 0.6× PyTorch", ratio, 1 / 0.6
        elif name == "mlp-peak-rss":
            target, value, bound = "RSS ≤ 0.25× PyTorch", ratio, 4.0
        elif name == "lenet5-epoch":
            target, value, bound = "time ≤ 0.8× PyTorch", ratio, 1 / 0.8
        elif name == "resnet18-peak-rss":
            target, value, bound = "RSS ≤ 0.5× PyTorch", ratio, 2.0
        elif name in RESNET_CONVS or name in LAYERS or name in SHAPE_OPS or name in SPATIAL:
            target, value, bound = "time ≤ 1× PyTorch", ratio, 1.0
        elif name in CONV_TARGETS:
            target, value, bound = f"time ≤ {1 / CONV_TARGETS[name]:.3g}× PyTorch", ratio, CONV_TARGETS[name]
        elif name.startswith("autograd"):
            target, value, bound = "time ≤ 0.5× PyTorch", ratio, 2.0
        else:
            target, value, bound = "≥ 1× PyTorch", ratio, 1.0
        met = "—" if value is None else ("yes" if value >= bound else "no")
        print(f"| {name} | {unit} | {fmt(a)} | {fmt(t)} | {fmt(npv)} | {fmt(ratio)}{'×' if ratio else ''} "
              f"| {fmt(np_ratio)}{'×' if np_ratio else ''} | {target} | {met} |")


if __name__ == "__main__":
    main()
