"""Oracle for ApusVision's `affine` (RandomAffine's sampling): torchvision's F.affine on tensors,
re-implemented with torch alone (torchvision is not installed): its inverse affine matrix
(`_get_inverse_affine_matrix`, centre 0 in centred pixel coordinates, no shear), its grid
(`_gen_affine_grid`) and `grid_sample(align_corners=False, padding_mode="zeros")`, in float64.

Usage: python3 Scripts/make_affine_fixture.py   (needs PyTorch; run from the repository root)
Writes Tests/ApusTests/Fixtures/affine.json.
"""
import json
import math

import torch
import torch.nn.functional as F


def inverse_affine_matrix(angle, translate, scale):
    rot = math.radians(angle)
    a, b, c, d = math.cos(rot), -math.sin(rot), math.sin(rot), math.cos(rot)
    m = [d, -b, 0.0, -c, a, 0.0]
    m = [x / scale for x in m]
    tx, ty = translate
    m[2] += m[0] * (-tx) + m[1] * (-ty)
    m[5] += m[3] * (-tx) + m[4] * (-ty)
    return m


def affine(img, angle, translate, scale, mode):
    n, c, h, w = img.shape
    theta = torch.tensor(inverse_affine_matrix(angle, translate, scale), dtype=img.dtype).reshape(1, 2, 3)
    base = torch.empty(1, h, w, 3, dtype=img.dtype)
    base[..., 0].copy_(torch.linspace(-w * 0.5 + 0.5, w * 0.5 - 0.5, steps=w, dtype=img.dtype))
    base[..., 1].copy_(torch.linspace(-h * 0.5 + 0.5, h * 0.5 - 0.5, steps=h, dtype=img.dtype).unsqueeze(-1))
    base[..., 2].fill_(1)
    rescaled = theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h], dtype=img.dtype)
    grid = base.view(1, h * w, 3).bmm(rescaled).view(1, h, w, 2).expand(n, h, w, 2)
    return F.grid_sample(img, grid, mode=mode, padding_mode="zeros", align_corners=False)


torch.manual_seed(0)
# (No nearest case at 90°: on a 5×6 image it puts sampling points exactly half-way between pixels,
# where rounding depends on float error.)
image = torch.rand(2, 2, 5, 6, dtype=torch.float64).round(decimals=3)
cases = []
for angle, translate, scale, mode in [(30.0, (1.0, -2.0), 1.2, "nearest"), (30.0, (1.0, -2.0), 1.2, "bilinear"),
                                      (-45.0, (0.0, 0.0), 0.8, "bilinear"), (-45.0, (0.0, 0.0), 0.8, "nearest"),
                                      (12.5, (-1.0, 1.0), 1.0, "bilinear"), (90.0, (0.0, 0.0), 1.0, "bilinear")]:
    out = affine(image, angle, translate, scale, mode)
    cases.append({"angle": angle, "translate": list(translate), "scale": scale, "mode": mode,
                  "output": out.flatten().tolist()})
with open("Tests/ApusTests/Fixtures/affine.json", "w") as f:
    json.dump({"torch": torch.__version__, "shape": list(image.shape), "input": image.flatten().tolist(),
               "cases": cases}, f)
print("wrote Tests/ApusTests/Fixtures/affine.json with", len(cases), "cases")
