import Apus
import Foundation

/// How a transform reads an image between pixel centres.
public enum Interpolation: Sendable {
    /// The nearest pixel (halves round to even, as `grid_sample(mode="nearest")`).
    case nearest
    /// The 2×2 neighbouring pixels weighted by distance; pixels outside the image count as zero.
    case bilinear
}

/// Rotates, translates and scales each image by random amounts about its centre, filling with zeros:
/// torchvision's `RandomAffine(degrees, translate, scale)` without shear.
///
/// Per image, in this order: the angle θ is drawn uniformly from `degrees` (positive turns
/// counter-clockwise as seen), the shift `(tx, ty)` from `±translate.x·W`, `±translate.y·H`
/// rounded to whole pixels, and the factor `s` from `scale`. With the centre
/// `(cx, cy) = ((W-1)/2, (H-1)/2)`, output pixel `(x, y)` reads the input at
/// `cx + (cosθ·dx − sinθ·dy)/s`, `cy + (sinθ·dx + cosθ·dy)/s`, where `dx = x − cx − tx`, `dy = y − cy − ty`.
public struct RandomAffine: Transform {
    /// Range of the rotation angle in degrees.
    public let degrees: ClosedRange<Double>
    /// Largest shift as fractions of the width and height (`nil`: no shift).
    public let translate: (x: Double, y: Double)?
    /// Range of the scale factor (`nil`: 1).
    public let scale: ClosedRange<Double>?
    public let interpolation: Interpolation
    public let generator: RandomGenerator

    /// Angles drawn from `-degrees...degrees`.
    public init(degrees: Double, translate: (x: Double, y: Double)? = nil, scale: ClosedRange<Double>? = nil,
                interpolation: Interpolation = .nearest, generator: RandomGenerator = .default) {
        require(degrees >= 0, "RandomAffine: degrees must be non-negative, got \(degrees); pass a range for other angles")
        self.init(degreeRange: -degrees...degrees, translate: translate, scale: scale,
                  interpolation: interpolation, generator: generator)
    }

    /// Angles drawn from `degreeRange`.
    public init(degreeRange: ClosedRange<Double>, translate: (x: Double, y: Double)? = nil,
                scale: ClosedRange<Double>? = nil, interpolation: Interpolation = .nearest,
                generator: RandomGenerator = .default) {
        if let t = translate {
            require(t.x >= 0 && t.x <= 1 && t.y >= 0 && t.y <= 1, "RandomAffine: translate fractions must be in [0, 1], got \(t)")
        }
        if let s = scale { require(s.lowerBound > 0, "RandomAffine: scale must be positive, got \(s)") }
        (self.degrees, self.translate, self.scale) = (degreeRange, translate, scale)
        (self.interpolation, self.generator) = (interpolation, generator)
    }

    /// A uniform number from `range`.
    func draw(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * generator.uniforms(1)[0]
    }

    public func callAsFunction(_ images: Tensor) -> Tensor {
        let x = ImageBatch(images, op: "RandomAffine")
        var out = ImageBatch(zerosLike: x, h: x.h, w: x.w)
        let (h, w) = (x.h, x.w)
        let cx = Double(w - 1) / 2, cy = Double(h - 1) / 2
        for n in 0..<x.n {
            let theta = draw(degrees) * .pi / 180
            var tx = 0.0, ty = 0.0
            if let t = translate {
                tx = draw(-t.x * Double(w)...t.x * Double(w)).rounded(.toNearestOrEven)
                ty = draw(-t.y * Double(h)...t.y * Double(h)).rounded(.toNearestOrEven)
            }
            let s = scale.map(draw) ?? 1
            let (cosT, sinT) = (cos(theta) / s, sin(theta) / s)
            for y in 0..<h {
                for xx in 0..<w {
                    let dx = Double(xx) - cx - tx, dy = Double(y) - cy - ty
                    let sx = cx + cosT * dx - sinT * dy, sy = cy + sinT * dx + cosT * dy
                    for c in 0..<x.c {
                        let plane = (n * x.c + c) * h * w
                        out.values[plane + y * w + xx] = sample(x.values, plane: plane, h: h, w: w, x: sx, y: sy)
                    }
                }
            }
        }
        return out.tensor
    }

    /// The image at `plane` read at `(x, y)` in pixel coordinates, zero outside.
    func sample(_ v: [Float], plane: Int, h: Int, w: Int, x: Double, y: Double) -> Float {
        func pixel(_ px: Int, _ py: Int) -> Float {
            px >= 0 && px < w && py >= 0 && py < h ? v[plane + py * w + px] : 0
        }
        switch interpolation {
        case .nearest:
            return pixel(Int(x.rounded(.toNearestOrEven)), Int(y.rounded(.toNearestOrEven)))
        case .bilinear:
            let x0 = Int(floor(x)), y0 = Int(floor(y))
            let fx = Float(x - floor(x)), fy = Float(y - floor(y))
            let top = pixel(x0, y0) * (1 - fx) + pixel(x0 + 1, y0) * fx
            let bottom = pixel(x0, y0 + 1) * (1 - fx) + pixel(x0 + 1, y0 + 1) * fx
            return top * (1 - fy) + bottom * fy
        }
    }
}
