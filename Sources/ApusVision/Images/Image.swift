import Apus

/// A decoded picture: 8-bit pixels in rows, top to bottom, each pixel's channels side by side
/// (height × width × channels, "HWC", the order decoders produce and PIL keeps).
///
/// One channel is grey, three are red, green and blue. ``ToTensor`` turns an image into the
/// `[C, H, W]` floats in [0, 1] that models take.
///
/// ```swift
/// let photo = try Image(contentsOf: "cats/001.jpg")      // 500×375, 3 channels
/// let small = Resize(64)(photo)                           // shorter side 64
/// let x = ToTensor()(small)                               // [3, 64, 85] float32
/// ```
public struct Image: Sendable, Equatable {
    /// Columns of pixels.
    public let width: Int
    /// Rows of pixels.
    public let height: Int
    /// Values per pixel: 1 (grey) or 3 (RGB).
    public let channels: Int
    /// `height · width · channels` bytes; channel `c` of pixel `(x, y)` is at `(y · width + x) · channels + c`.
    public var pixels: [UInt8]

    /// An image of the given size holding `pixels` (HWC order, `width · height · channels` bytes).
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        require(width > 0 && height > 0, "Image: size must be positive, got \(width)×\(height)")
        require(channels == 1 || channels == 3, "Image: expected 1 (grey) or 3 (RGB) channels, got \(channels)")
        require(pixels.count == width * height * channels,
                "Image: \(pixels.count) bytes do not hold \(width)×\(height)×\(channels) pixels")
        (self.width, self.height, self.channels, self.pixels) = (width, height, channels, pixels)
    }

    /// An image of the given size with every byte set to `value`.
    public init(width: Int, height: Int, channels: Int, filledWith value: UInt8 = 0) {
        require(width > 0 && height > 0, "Image: size must be positive, got \(width)×\(height)")
        self.init(width: width, height: height, channels: channels,
                  pixels: [UInt8](repeating: value, count: width * height * channels))
    }

    /// Channel `channel` of the pixel in column `x`, row `y`.
    public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        get { pixels[(y * width + x) * channels + channel] }
        set { pixels[(y * width + x) * channels + channel] = newValue }
    }

    /// The image with three channels: grey values repeated as R = G = B (PIL's `convert("RGB")`).
    public func rgb() -> Image {
        guard channels == 1 else { return self }
        var out = [UInt8](repeating: 0, count: pixels.count * 3)
        for (i, v) in pixels.enumerated() { out[3 * i] = v; out[3 * i + 1] = v; out[3 * i + 2] = v }
        return Image(width: width, height: height, channels: 3, pixels: out)
    }

    /// The image with one channel: ITU-R 601-2 luma `L = (299 R + 587 G + 114 B) / 1000`, rounded
    /// as PIL's `convert("L")` does.
    public func grayscale() -> Image {
        guard channels == 3 else { return self }
        var out = [UInt8](repeating: 0, count: width * height)
        pixels.withUnsafeBufferPointer { p in
            for i in 0..<out.count {
                // PIL: (r·19595 + g·38470 + b·7471 + 0x8000) >> 16.
                let v = Int(p[3 * i]) * 19595 + Int(p[3 * i + 1]) * 38470 + Int(p[3 * i + 2]) * 7471 + 0x8000
                out[i] = UInt8(v >> 16)
            }
        }
        return Image(width: width, height: height, channels: 1, pixels: out)
    }
}
