import Apus

/// Randomly changes each image's brightness, contrast, saturation and hue: torchvision's
/// `ColorJitter(brightness, contrast, saturation, hue)` on PIL images.
///
/// A value `b` for brightness, contrast or saturation draws a factor uniformly from `[max(0, 1 − b), 1 + b]`;
/// `hue` (at most 0.5) draws a shift from `[−hue, hue]` of the colour wheel; 0 leaves that property alone.
/// Per image, as torchvision: a random order of the four adjustments (always drawn), then one uniform per
/// enabled factor (brightness, contrast, saturation, hue), then the adjustments in that order. Grey images
/// change only in brightness and contrast (PIL's saturation and hue leave them alone). The adjustments are
/// ``adjustBrightness(_:factor:)`` and its siblings.
///
/// ```swift
/// let train = ImageCompose([RandomResizedCrop(224), ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4)])
/// ```
public struct ColorJitter: ImageTransform {
    /// Range of the brightness factor; nil when brightness is left alone.
    public let brightness: ClosedRange<Double>?
    /// Range of the contrast factor; nil when contrast is left alone.
    public let contrast: ClosedRange<Double>?
    /// Range of the saturation factor; nil when saturation is left alone.
    public let saturation: ClosedRange<Double>?
    /// Range of the hue shift, in turns of the colour wheel; nil when hue is left alone.
    public let hue: ClosedRange<Double>?

    /// Factors within `1 ± brightness`, `1 ± contrast`, `1 ± saturation` (clamped at 0), and hue shifts
    /// within `±hue` (`hue` at most 0.5); 0 turns a change off. All must be non-negative.
    public init(brightness: Double = 0, contrast: Double = 0, saturation: Double = 0, hue: Double = 0) {
        func factors(_ value: Double, _ name: String) -> ClosedRange<Double>? {
            require(value >= 0, "ColorJitter: \(name) must be non-negative, got \(value)")
            return value == 0 ? nil : Swift.max(0, 1 - value)...(1 + value)
        }
        require((0...0.5).contains(hue), "ColorJitter: hue must be in [0, 0.5], got \(hue)")
        self.brightness = factors(brightness, "brightness")
        self.contrast = factors(contrast, "contrast")
        self.saturation = factors(saturation, "saturation")
        self.hue = hue == 0 ? nil : -hue...hue
    }

    /// `image` with the four adjustments in a random order and with random factors from `generator`.
    public func callAsFunction(_ image: Image, generator: RandomGenerator) -> Image {
        let order = generator.permutation(4)
        func draw(_ range: ClosedRange<Double>?) -> Double? {
            range.map { $0.lowerBound + ($0.upperBound - $0.lowerBound) * generator.uniforms(1)[0] }
        }
        let (b, c, s, h) = (draw(brightness), draw(contrast), draw(saturation), draw(hue))
        var out = image
        for op in order {
            switch op {
            case 0: if let b { out = Self.adjustBrightness(out, factor: b) }
            case 1: if let c { out = Self.adjustContrast(out, factor: c) }
            case 2: if let s { out = Self.adjustSaturation(out, factor: s) }
            default: if let h { out = Self.adjustHue(out, factor: h) }
            }
        }
        return out
    }

    /// `image` blended with black: every byte `v` becomes `factor · v`, truncated and clipped to 0...255
    /// (torchvision's `F.adjust_brightness`, PIL's `ImageEnhance.Brightness`). 0 gives black, 1 the image.
    public static func adjustBrightness(_ image: Image, factor: Double) -> Image {
        require(factor >= 0, "ColorJitter.adjustBrightness: factor must be non-negative, got \(factor)")
        return image.mapBytes(blendTable(0, Float(factor)))
    }

    /// `image` blended with its mean grey: every byte `v` becomes `m + factor · (v − m)`, truncated and
    /// clipped, where `m` is the mean of the grey image rounded to an integer (torchvision's
    /// `F.adjust_contrast`, PIL's `ImageEnhance.Contrast`). 0 gives a flat grey, 1 the image.
    public static func adjustContrast(_ image: Image, factor: Double) -> Image {
        require(factor >= 0, "ColorJitter.adjustContrast: factor must be non-negative, got \(factor)")
        let grey = image.grayscale().pixels
        let sum = grey.reduce(0) { $0 + Int($1) }
        // PIL's int(mean + 0.5) of the grey histogram.
        let mean = Int(Double(sum) / Double(grey.count) + 0.5)
        return image.mapBytes(blendTable(mean, Float(factor)))
    }

    /// `image` blended with its grey version: channel `v` of a pixel of grey level `g` (``Image/grayscale()``)
    /// becomes `g + factor · (v − g)`, truncated and clipped (torchvision's `F.adjust_saturation`, PIL's
    /// `ImageEnhance.Color`). 0 gives the grey image, 1 the image; grey images are returned unchanged.
    public static func adjustSaturation(_ image: Image, factor: Double) -> Image {
        require(factor >= 0, "ColorJitter.adjustSaturation: factor must be non-negative, got \(factor)")
        guard image.channels == 3 else { return image }
        let grey = image.grayscale()
        let alpha = Float(factor)
        var out = image
        grey.pixels.withUnsafeBufferPointer { g in
            out.pixels.withUnsafeMutableBufferPointer { p in
                for i in 0..<g.count {
                    let level = Int(g[i])
                    for k in (3 * i)..<(3 * i + 3) { p[k] = blend(level, Int(p[k]), alpha) }
                }
            }
        }
        return out
    }

    /// `image` with its hue turned by `factor` of the colour wheel (−0.5...0.5), through PIL's 8-bit HSV:
    /// each pixel is converted to hue, saturation and value bytes, `Int(factor · 255)` is added to the hue
    /// modulo 256, and the pixel converted back (torchvision's `F.adjust_hue` on a PIL image). Grey images
    /// are returned unchanged.
    public static func adjustHue(_ image: Image, factor: Double) -> Image {
        require((-0.5...0.5).contains(factor), "ColorJitter.adjustHue: factor must be in [-0.5, 0.5], got \(factor)")
        guard image.channels == 3 else { return image }
        // numpy's int32 conversion truncates toward zero; the uint8 addition wraps around.
        let shift = UInt8(truncatingIfNeeded: Int(factor * 255))
        var out = image
        let hsv = PILHSV.shared
        out.pixels.withUnsafeMutableBufferPointer { p in
            for i in stride(from: 0, to: p.count, by: 3) {
                let (h, s, v) = hsv.hsv(p[i], p[i + 1], p[i + 2])
                (p[i], p[i + 1], p[i + 2]) = hsv.rgb(h &+ shift, s, v)
            }
        }
        return out
    }

    /// PIL's `Image.blend(degenerate, image, alpha)` of one byte: computed in float, clipped, truncated.
    @inline(__always)
    static func blend(_ degenerate: Int, _ value: Int, _ alpha: Float) -> UInt8 {
        let v = Float(degenerate) + alpha * Float(value - degenerate)
        return v <= 0 ? 0 : v >= 255 ? 255 : UInt8(v)
    }

    /// ``blend(_:_:_:)`` of every byte value with one constant `degenerate`.
    static func blendTable(_ degenerate: Int, _ alpha: Float) -> [UInt8] {
        (0..<256).map { blend(degenerate, $0, alpha) }
    }
}

/// PIL's conversions between RGB and its 8-bit HSV mode (`rgb2hsv_row`, `hsv2rgb` in Convert.c), with
/// their mix of float and double arithmetic, byte for byte. What depends on one or two bytes only is
/// looked up in tables made once.
struct PILHSV: Sendable {
    /// Saturation byte of `(max << 8) | (max − min)`.
    let saturations: [UInt8]
    /// Per hue byte: the sextant `⌊6h / 255⌋` and the float fraction past it.
    let sectors: [(index: Int, fraction: Float)]
    /// Per saturation byte: `s / 255` as a float.
    let fractions: [Float]

    static let shared = PILHSV()

    private init() {
        saturations = (0..<(256 * 256)).map { key in
            let (maxc, range) = (key >> 8, key & 255)
            return range == 0 || range > maxc ? 0 : UInt8(clamping: Int(Double(Float(range) / Float(maxc)) * 255.0))
        }
        sectors = (0..<256).map { h in
            let sector = Double(Float(h)) * 6.0 / 255.0
            let i = Int(sector)  // sector ≥ 0: truncation is C's floor
            return (i, Float(sector - Double(i)))
        }
        fractions = (0..<256).map { Float(Double($0) / 255.0) }
    }

    /// PIL's HSV bytes of an RGB pixel.
    @inline(__always)
    func hsv(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (UInt8, UInt8, UInt8) {
        let maxc = Swift.max(r, g, b), minc = Swift.min(r, g, b)
        guard minc != maxc else { return (0, 0, maxc) }
        let cr = Float(maxc - minc)
        var h: Float
        if r == maxc {
            h = Float(maxc - b) / cr - Float(maxc - g) / cr
        } else if g == maxc {
            h = Float(2.0 + Double(Float(maxc - r) / cr) - Double(Float(maxc - b) / cr))
        } else {
            h = Float(4.0 + Double(Float(maxc - g) / cr) - Double(Float(maxc - r) / cr))
        }
        // fmod(h / 6 + 1, 1): the sum lies in [5/6, 11/6), where subtracting 1 is exact.
        let turn = Double(h) / 6.0 + 1.0
        h = Float(turn >= 1 ? turn - 1 : turn)
        return (UInt8(clamping: Int(Double(h) * 255.0)), saturations[Int(maxc) << 8 | Int(maxc - minc)], maxc)
    }

    /// PIL's RGB pixel of HSV bytes.
    @inline(__always)
    func rgb(_ h: UInt8, _ s: UInt8, _ v: UInt8) -> (UInt8, UInt8, UInt8) {
        guard s != 0 else { return (v, v, v) }
        let (i, f) = sectors[Int(h)]
        let fs = fractions[Int(s)], value = Double(v)
        let p = Self.round(value * (1.0 - Double(fs)))
        let q = Self.round(value * (1.0 - Double(fs * f)))
        let t = Self.round(value * (1.0 - Double(fs) * (1.0 - Double(f))))
        switch i % 6 {
        case 0: return (v, t, p)
        case 1: return (q, v, p)
        case 2: return (p, v, t)
        case 3: return (p, q, v)
        case 4: return (t, p, v)
        default: return (v, p, q)
        }
    }

    /// C's `round` (halves away from zero) of a value in [0, 255], as a byte, without a libm call.
    @inline(__always)
    static func round(_ x: Double) -> UInt8 {
        let whole = Int(x)
        return UInt8(clamping: x - Double(whole) >= 0.5 ? whole + 1 : whole)
    }
}

extension Image {
    /// The image with every byte `v` replaced by `table[v]`.
    func mapBytes(_ table: [UInt8]) -> Image {
        var out = self
        table.withUnsafeBufferPointer { t in
            out.pixels.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count { p[i] = t[Int(p[i])] }
            }
        }
        return out
    }
}
