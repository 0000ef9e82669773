// Convolutions and pooling by hand, LeNet-5 on Fashion-MNIST, and the classic CNNs of the zoo.
import Apus
import ApusVision

// snippet.layers
let x = Tensor.randn([8, 1, 28, 28])                        // a batch of 8 grey 28×28 images
let conv = Conv2d(1, 6, kernelSize: 5, padding: 2)          // ⌊(28 + 2·2 − 5)/1⌋ + 1 = 28
let pooled = maxPool2d(relu(conv(x)), kernelSize: 2)        // [8, 6, 14, 14]
print(conv.weight.shape, pooled.shape)

// snippet.zoo
for name in ["lenet5", "alexnet", "vgg16", "googlenet", "resnet50"] {
    let model = try VisionModels.make(name, classes: name == "lenet5" ? 10 : 1000,
                                      inputChannels: name == "lenet5" ? 1 : 3)
    print(name, model.parameterCount, "parameters")         // torchvision's counts
}
print(summary(of: LeNet5(), inputShape: [1, 1, 28, 28]))     // shapes, parameters, MACs per layer

// snippet.train
seed(0)
if let train = try? FashionMNIST.loadImages(train: true, normalized: true),
   let test = try? FashionMNIST.loadImages(train: false, normalized: true) {
    let model = LeNet5()
    let trainer = Trainer(model: model, optimizer: Adam(model.parameters(), lr: 1e-3), metrics: [.accuracy])
    let firstTenth = DatasetSlice(train, range: 0..<6000)           // a tenth of the images: seconds, not minutes
    try trainer.fit(DataLoader(firstTenth, batchSize: 64, shuffle: true), epochs: 1)
    print("LeNet-5, one epoch on 6,000 images:", trainer.evaluate(test))
} else {
    print("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
}
// snippet.end
