"""Writes Tests/ApusTests/Fixtures/image_levels.json: what torchvision's ToTensor() + Normalize(mean, std)
make of each byte value 0...255, per channel, for the datasets Apus loads as bytes (ImageDataset).

ToTensor divides the uint8 image by 255 in float32; Normalize subtracts the float32 mean and divides by
the float32 std (torchvision/transforms/functional.py: to_tensor's `img.to(float32).div(255)`, normalize's
`tensor.sub_(mean).div_(std)`); the same torch ops are written out here, so torchvision is not needed. The floats are stored as their IEEE-754 bit patterns (uint32) so the test compares bits.

    python3 Scripts/make_image_levels_fixture.py
"""
import json
import os

import torch

datasets = {
    "fashion-mnist": ([0.2860], [0.3530]),
    "mnist": ([0.1307], [0.3081]),
    "cifar10": ([0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616]),
}

out = {}
for name, (mean, std) in datasets.items():
    c = len(mean)
    # One image [C, 1, 256] whose row holds every byte value, as torchvision's transforms take it.
    img = torch.arange(256, dtype=torch.uint8).repeat(c, 1, 1)
    x = img.to(torch.float32).div(255)  # ToTensor
    x = (x - torch.tensor(mean, dtype=torch.float32).view(c, 1, 1)) / torch.tensor(std, dtype=torch.float32).view(c, 1, 1)  # Normalize
    bits = x.contiguous().view(torch.int32).reshape(-1).tolist()
    out[name] = {"mean": mean, "std": std, "bits": [b & 0xFFFFFFFF for b in bits]}

path = os.path.join(os.path.dirname(__file__), "..", "Tests", "ApusTests", "Fixtures", "image_levels.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "levels": out}, f)
print("wrote", os.path.normpath(path))
