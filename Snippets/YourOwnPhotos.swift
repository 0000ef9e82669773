// A folder of photos (root/<class>/<image>) read with augmentations on two background threads.
import Apus
import ApusVision
import Foundation

// snippet.hide
// Write a tiny two-class folder so that the snippet runs anywhere.
let root = FileManager.default.temporaryDirectory.appendingPathComponent("apus-photos-\(getpid())").path
for (label, brightness) in [("cats", UInt8(60)), ("dogs", UInt8(200))] {
    try FileManager.default.createDirectory(atPath: root + "/" + label, withIntermediateDirectories: true)
    for i in 0..<8 {
        var image = Image(width: 40 + i, height: 30, channels: 3, filledWith: 0)
        for p in image.pixels.indices { image.pixels[p] = brightness &+ UInt8(p % 23) }
        try image.pngData().write(to: URL(fileURLWithPath: "\(root)/\(label)/\(i).png"))
    }
}
defer { try? FileManager.default.removeItem(atPath: root) }
// snippet.show
let photos = try ImageFolder(root: root, normalization: .imageNet)   // paths only, nothing decoded yet
print(photos.classes, photos.count)                                  // ["cats", "dogs"] 16
let training = photos.withTransform(ImageCompose([RandomResizedCrop(32), RandomHorizontalFlip()]))
let loader = DataLoader(training, batchSize: 4, shuffle: true, generator: RandomGenerator(seed: 0), workers: 2)
var batches = loader.batches()
while let (images, labels) = try batches.next() {                  // decoded and augmented ahead
    print(images.shape, labels.toArray(as: Int64.self))              // [4, 3, 32, 32]
}
// snippet.end
