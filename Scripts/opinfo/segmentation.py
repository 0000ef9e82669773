"""Segmentation: the soft multi-class Dice loss (segmentation_models_pytorch's definition, written
out below in PyTorch), cross-entropy on [N, C, H, W] logits with void pixels (ignore_index=255) and
class weights, and bilinear upsampling of logits to an explicit output size (what FCN, DeepLabV3 and
U-Net do to reach the input's size; align_corners=False)."""
import torch
import torch.nn.functional as F

SEED = 2408241


def dice_loss(logits, targets, smooth=1.0, eps=1e-7, ignore_index=-100):
    """segmentation_models_pytorch `DiceLoss(mode="multiclass", from_logits=True, smooth, eps,
    ignore_index)`: soft dice per class over the batch and the pixels, void pixels zeroed in both
    the probabilities and the one-hot targets, classes absent from the targets contributing 0 to the
    mean over all classes."""
    n, c = logits.shape[:2]
    p = logits.log_softmax(dim=1).exp().reshape(n, c, -1)
    t = targets.reshape(n, -1)
    keep = t != ignore_index
    p = p * keep.unsqueeze(1)
    y = (F.one_hot((t * keep).long(), c).permute(0, 2, 1) * keep.unsqueeze(1)).type_as(p)
    intersection = (p * y).sum(dim=(0, 2))
    cardinality = (p + y).sum(dim=(0, 2))
    dice = (2.0 * intersection + smooth) / (cardinality + smooth).clamp_min(eps)
    loss = (1.0 - dice) * (y.sum(dim=(0, 2)) > 0).to(p.dtype)
    return loss.mean()


def build(rec):
    def labels(classes, *shape, void=0.0):
        t = rec.randint(0, classes, *shape)
        if void:
            t[rec.rand(*shape) < void] = 255
        return t

    # ------------------------------------------------------------ diceLoss
    rec.case("diceLoss", dice_loss, [rec.randn(2, 4, 5, 6), labels(4, 2, 5, 6, void=0.2)],
             args={"smooth": 1.0, "ignore_index": 255}, name="diceLoss [2,4,5,6] void 255 smooth 1")
    rec.case("diceLoss", dice_loss, [rec.randn(2, 4, 5, 6), labels(4, 2, 5, 6, void=0.2)],
             args={"smooth": 0.0, "ignore_index": 255}, name="diceLoss [2,4,5,6] void 255 smooth 0")
    rec.case("diceLoss", dice_loss, [rec.randn(2, 5, 4, 4, scale=3.0), labels(3, 2, 4, 4)],
             args={"smooth": 1.0}, name="diceLoss classes 3 and 4 absent from the targets")
    rec.case("diceLoss", dice_loss, [rec.randn(6, 3), labels(3, 6)], args={"smooth": 0.5, "eps": 1e-3},
             name="diceLoss [N, C] logits")
    rec.case("diceLoss", dice_loss, [rec.randn(1, 3, 2, 3, 4), labels(3, 1, 2, 3, 4, void=0.3)],
             args={"ignore_index": 255}, name="diceLoss 3-d volume")
    rec.case("diceLoss", dice_loss, [rec.randn(2, 6, 8, 8, dtype=torch.float32), labels(6, 2, 8, 8, void=0.1)],
             args={"smooth": 1.0, "ignore_index": 255}, name="diceLoss float32 [2,6,8,8]")
    rec.case("diceLoss", dice_loss, [rec.randn(1, 4, 3, 3), torch.full((1, 3, 3), 7)], args={"smooth": 1.0},
             name="diceLoss label beyond the classes refused")
    rec.case("DiceLoss", dice_loss, [rec.randn(2, 3, 4, 5), labels(3, 2, 4, 5, void=0.2)],
             args={"smooth": 1.0, "ignore_index": 255}, name="DiceLoss module void 255")

    # ------------------------------------------------------------ crossEntropy on [N, C, H, W]
    ce = lambda x, t, w, **kw: F.cross_entropy(x, t, weight=w, **kw)
    weight = torch.tensor([0.5, 1.0, 2.0, 1.5], dtype=torch.float64)
    for mode in ("mean", "sum", "none"):
        rec.case("crossEntropy", ce, [rec.randn(2, 4, 5, 6), labels(4, 2, 5, 6, void=0.2), weight], grad=[0],
                 args={"ignore_index": 255, "reduction": mode}, name=f"crossEntropy [2,4,5,6] void 255 class weights {mode}")
    rec.case("crossEntropy", ce, [rec.randn(2, 4, 5, 6), labels(4, 2, 5, 6, void=0.2), None],
             args={"ignore_index": 255}, name="crossEntropy [2,4,5,6] void 255 no weights")
    rec.case("crossEntropy", ce, [rec.randn(2, 4, 5, 6), labels(4, 2, 5, 6, void=0.2), weight], grad=[0],
             args={"ignore_index": 255, "label_smoothing": 0.1}, name="crossEntropy void 255 class weights label smoothing 0.1")
    rec.case("crossEntropy", ce, [rec.randn(2, 21, 6, 6, dtype=torch.float32), labels(21, 2, 6, 6, void=0.2),
                                  rec.rand(21, low=0.5, high=2.0, dtype=torch.float32)], grad=[0],
             args={"ignore_index": 255}, name="crossEntropy float32 21 classes void 255 class weights")
    # The mean of nothing is NaN and its gradient 0 (nll_loss's backward skips a total weight of 0).
    rec.case("crossEntropy", ce, [rec.randn(1, 3, 2, 2), torch.full((1, 2, 2), 255), None], grad=[0], gradcheck=False,
             args={"ignore_index": 255}, name="crossEntropy every pixel void: mean is NaN")

    # ------------------------------------------------------------ interpolate to an explicit size
    up = lambda x, **kw: F.interpolate(x, **kw)
    rec.case("interpolate", up, [rec.randn(2, 2, 3, 4)], args={"size": [13, 17], "mode": "bilinear", "align_corners": False},
             name="interpolate bilinear logits [2,2,3,4] to the input size 13x17")
    rec.case("interpolate", up, [rec.randn(1, 2, 9, 7)], args={"size": [4, 11], "mode": "bilinear", "align_corners": False},
             name="interpolate bilinear to 4x11 (down, up)")
    rec.case("interpolate", up, [rec.randn(1, 3, 5, 6, dtype=torch.float32)],
             args={"size": [11, 14], "mode": "bilinear", "align_corners": False},
             name="interpolate bilinear float32 [1,3,5,6] to 11x14")
