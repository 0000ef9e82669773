import Apus

extension Normalize {
    /// The per-channel mean `[0.485, 0.456, 0.406]` and standard deviation `[0.229, 0.224, 0.225]` of
    /// ImageNet's RGB training images in [0, 1], which torchvision's pretrained models expect
    /// (`Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])`).
    public static var imageNet: Normalize { Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]) }
}
