#!/usr/bin/env python3
"""torchvision's prediction for one image, to check `apus predict --model NAME --weights FILE.pth`
(needs torch, torchvision and Pillow).

    python3 Scripts/torchvision_predict.py OUT_DIR IMAGE [NAME]

Builds torchvision's model NAME (default resnet18) as torchvision builds it for its pretrained
weights (googlenet: transform_input=True) with random weights (torch seed 0) and random
batch-norm statistics, saves its state dict as OUT_DIR/NAME.pth, and prints one JSON object with
the logits and softmax probabilities of IMAGE under torchvision's evaluation transform for ImageNet models:
Resize(256), CenterCrop(224), ToTensor(), Normalize(ImageNet's mean and std), RGB.
"""
import json
import os
import sys
import warnings

import torch
import torchvision
from PIL import Image
from torchvision import transforms


def main():
    out_dir, image = sys.argv[1], sys.argv[2]
    name = sys.argv[3] if len(sys.argv) > 3 else "resnet18"
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # googlenet(weights=...) turns transform_input on unless told otherwise.
        options = {"transform_input": True} if name == "googlenet" else {}
        model = getattr(torchvision.models, name)(weights=None, **options)
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for module in model.modules():
            if name == "googlenet" and isinstance(module, torch.nn.Conv2d):
                # Its own initialisation (std 0.01) is so small that the batch norms' random
                # statistics, not the image, decide the logits: draw He-normal weights instead.
                fan_in = module.weight[0].numel()
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator) * (2 / fan_in) ** 0.5)
            if isinstance(module, torch.nn.BatchNorm2d):
                c = module.num_features
                module.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(c, generator=generator) + 0.5)
    model.eval()
    torch.save(model.state_dict(), os.path.join(out_dir, f"{name}.pth"))
    transform = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                                    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    x = transform(Image.open(image).convert("RGB")).unsqueeze(0)
    with torch.no_grad():
        logits = model(x)[0]
    print(json.dumps({"probabilities": torch.softmax(logits, dim=0).tolist(), "logits": logits.tolist()}))


if __name__ == "__main__":
    main()
