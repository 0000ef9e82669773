/// A layer that can be a model's head, mapping features to one score per class: a ``Linear``
/// (class scores per example) or a ``Conv2d`` (usually 1×1: class scores per pixel, the head of a
/// segmentation model).
public protocol ClassifierHeadLayer: Module {
    /// The features (``Linear``) or channels (``Conv2d``) the head reads.
    var headInputs: Int { get }
    /// The number of classes the head scores: its output features or channels.
    var headClasses: Int { get }
    /// The head's weight: `[classes, inputs]` for ``Linear``, `[classes, inputs, kH, kW]` for ``Conv2d``.
    var weight: Parameter { get }
    /// The head's bias `[classes]`, nil when built without one.
    var bias: Parameter? { get }
    /// A new layer of the same kind and shape, but for `classes` classes, with PyTorch's default
    /// initialisation (weight and bias from U(−1/√fanIn, 1/√fanIn)) drawn from `generator`.
    func replacement(classes: Int, generator: RandomGenerator) -> Self
}

extension Linear: ClassifierHeadLayer {
    /// ``inFeatures``.
    public var headInputs: Int { inFeatures }
    /// ``outFeatures``.
    public var headClasses: Int { outFeatures }
    /// `Linear(inFeatures, classes)` with this layer's dtype and bias setting.
    public func replacement(classes: Int, generator: RandomGenerator) -> Linear {
        require(classes > 0, "replaceHead: classes must be positive, got \(classes)")
        return Linear(inFeatures, classes, bias: bias != nil, dtype: weight.value.dtype, generator: generator)
    }
}

extension Conv2d: ClassifierHeadLayer {
    /// ``inChannels``.
    public var headInputs: Int { inChannels }
    /// ``outChannels``.
    public var headClasses: Int { outChannels }
    /// A convolution like this one (kernel, stride, padding, dilation, dtype, bias) with `classes` filters.
    public func replacement(classes: Int, generator: RandomGenerator) -> Conv2d {
        require(classes > 0, "replaceHead: classes must be positive, got \(classes)")
        require(groups == 1, "replaceHead: a grouped convolution (groups \(groups)) cannot be a classifier head")
        return Conv2d(inChannels, classes, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                      bias: bias != nil, dtype: weight.value.dtype, generator: generator)
    }
}

/// A model whose last layer (its head) maps features to class scores and can be replaced
/// for another number of classes: the first step of fine-tuning a pretrained network.
///
/// Every model of ApusVision's zoo conforms, whatever torchvision calls the head: ResNet's and
/// GoogLeNet's `fc` (GoogLeNet's auxiliary classifiers' `aux1.fc2` and `aux2.fc2` too), AlexNet's
/// and VGG's `classifier.6`, LeNet-5's `classifier.4`; for the segmentation models the 1×1
/// convolutions that score each pixel (FCN's and DeepLabV3's `classifier.4` and
/// `aux_classifier.4`, U-Net's `outc`). So one call adapts any of them:
///
///     let model = ResNet(.resnet18)
///     try model.loadWeights(from: "resnet18.safetensors")
///     model.replaceHead(classes: 2)                      // fc: Linear(512, 2)
///     model.freeze(except: model.classifierHeads)        // train the head only
///     let optimizer = Adam(model.parameterGroups(body: 1e-4, head: 1e-3))
///
/// The protocol lives beside ``Module`` (not in ApusVision) because training code here uses it:
/// ``Trainer/fineTune(_:validation:epochs:freezeEpochs:head:unfreezeLRFactor:initialEpoch:callbacks:)`` and
/// `apus train --weights`.
public protocol HasClassifierHead: Module {
    /// The kind of layer the heads are: ``Linear`` for classifiers, ``Conv2d`` for segmentation models.
    associatedtype HeadLayer: ClassifierHeadLayer = Linear
    /// The layers that produce class scores, main head first (one for most models).
    var classifierHeads: [HeadLayer] { get }
    /// Replaces every head by a new one for `classes` classes (``ClassifierHeadLayer/replacement(classes:generator:)``:
    /// same kind and input width, PyTorch's default initialisation), drawn from `generator` in
    /// ``classifierHeads`` order; the new layers are trainable even if the old ones were frozen.
    func replaceHead(classes: Int, generator: RandomGenerator)
}

extension HasClassifierHead {
    /// Replaces the head for `classes` classes, drawing from the default generator (see
    /// ``replaceHead(classes:generator:)``).
    public func replaceHead(classes: Int) { replaceHead(classes: classes, generator: .default) }

    /// The number of classes the (main) head predicts.
    public var classCount: Int { classifierHeads[0].headClasses }

    /// The heads' parameters, in ``classifierHeads`` order.
    public var headParameters: [Parameter] { classifierHeads.flatMap { $0.parameters() } }

    /// Every parameter that is not the heads', in declaration order: the pretrained body.
    public var bodyParameters: [Parameter] {
        let head = Set(headParameters.map(ObjectIdentifier.init))
        return parameters().filter { !head.contains(ObjectIdentifier($0)) }
    }

    /// The dotted names of the heads' parameters (`fc.weight`, `fc.bias`, `classifier.6.weight`, …).
    public var headParameterNames: [String] {
        let head = Set(headParameters.map(ObjectIdentifier.init))
        return namedParameters().filter { head.contains(ObjectIdentifier($0.parameter)) }.map(\.name)
    }

    /// Freezes everything but the heads (``Module/freeze(except:)``): the body's weights and
    /// batch-norm statistics stay as they are while the heads train.
    public func freezeBody() { freeze(except: classifierHeads) }

    /// Two parameter groups with their own learning rates (discriminative learning rates): the
    /// heads' parameters at `head`, then the body's at `body`, usually a tenth or less, so that
    /// pretrained features change slowly while the new head learns quickly.
    ///
    ///     let optimizer = SGD(model.parameterGroups(body: 1e-3, head: 1e-2), momentum: 0.9)
    ///
    /// The head comes first, so `optimizer.lr` (and the `lr` a ``Trainer`` logs) is the head's.
    /// Frozen parameters belong to their group too: optimizers skip them while they have no
    /// gradient, and train them at their group's rate once unfrozen.
    public func parameterGroups<Options: OptimizerOptions>(body: Double, head: Double) -> [ParameterGroup<Options>] {
        [ParameterGroup(headParameters, lr: head), ParameterGroup(bodyParameters, lr: body)]
    }
}
