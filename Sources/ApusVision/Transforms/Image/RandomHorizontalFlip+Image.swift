import Apus

extension RandomHorizontalFlip: ImageTransform {
    /// `image` mirrored left to right (pixel `(x, y)` to `(W−1−x, y)`, channels kept together) with
    /// probability ``p``, else unchanged: torchvision's `RandomHorizontalFlip` on a PIL image. One uniform
    /// is drawn from `generator` (not the transform's own ``generator``) and the image flipped when it is
    /// below `p`.
    public func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image {
        guard generator.uniforms(1)[0] < p else { return image }
        return image.flippedHorizontally()
    }
}

extension Image {
    /// The image mirrored left to right (PIL's `transpose(FLIP_LEFT_RIGHT)`).
    func flippedHorizontally() -> Image {
        let (w, h, c) = (width, height, channels)
        let out = [UInt8](unsafeUninitializedCapacity: pixels.count) { dst, count in
            pixels.withUnsafeBufferPointer { src in
                for y in 0..<h {
                    let from = src.baseAddress! + y &* w &* c, to = dst.baseAddress! + y &* w &* c
                    // The two channel counts written out, so each copies whole pixels without a channel loop.
                    if c == 3 {
                        for x in 0..<w {
                            let s = from + 3 &* x, d = to + 3 &* (w &- 1 &- x)
                            (d[0], d[1], d[2]) = (s[0], s[1], s[2])
                        }
                    } else {
                        for x in 0..<w { to[w &- 1 &- x] = from[x] }
                    }
                }
            }
            count = pixels.count
        }
        return Image(width: w, height: h, channels: c, pixels: out)
    }
}
