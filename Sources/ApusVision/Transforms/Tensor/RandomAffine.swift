import Apus
import Foundation

/// How a transform reads an image between pixel centres.
public enum Interpolation: Sendable {
    /// The nearest pixel (halves round to even, as `grid_sample(mode="nearest")`).
    case nearest
    /// The 2×2 neighbouring pixels weighted by distance; pixels outside the image count as zero.
    case bilinear
}

/// Rotates by `angle` degrees (clockwise as seen, as torchvision's `F.affine`), scales by `scale` and
/// shifts by `translate` pixels, about the image centre, filling with zeros: the same transform for
/// every image of `images` (`[N, C, H, W]` or `[C, H, W]`).
///
/// With the centre `(cx, cy) = ((W-1)/2, (H-1)/2)`, output pixel `(x, y)` reads the input at
/// `cx + (cosθ·dx + sinθ·dy)/s`, `cy + (−sinθ·dx + cosθ·dy)/s`, where `dx = x − cx − tx`,
/// `dy = y − cy − ty` (torchvision's inverse affine matrix without shear, sampled like
/// `grid_sample(align_corners=False, padding_mode="zeros")`).
public func affine(_ images: Tensor, angle: Double, translate: (x: Double, y: Double) = (0, 0), scale: Double = 1,
                   interpolation: Interpolation = .nearest) -> Tensor {
    require(scale > 0, "affine: scale must be positive, got \(scale)")
    let x = ImageBatch(images, op: "affine")
    var out = ImageBatch(zerosLike: x, h: x.h, w: x.w)
    for n in 0..<x.n { x.affine(image: n, into: &out, angle: angle, translate: translate, scale: scale, interpolation: interpolation) }
    return out.tensor
}

extension ImageBatch {
    /// Writes image `n` transformed by ``affine(_:angle:translate:scale:interpolation:)`` into `out`.
    func affine(image n: Int, into out: inout ImageBatch, angle: Double, translate: (x: Double, y: Double),
                scale: Double, interpolation: Interpolation) {
        let cx = Double(w - 1) / 2, cy = Double(h - 1) / 2
        let theta = angle * .pi / 180
        let (cosT, sinT) = (cos(theta) / scale, sin(theta) / scale)
        for y in 0..<h {
            for xx in 0..<w {
                let dx = Double(xx) - cx - translate.x, dy = Double(y) - cy - translate.y
                let sx = cx + cosT * dx + sinT * dy, sy = cy - sinT * dx + cosT * dy
                for ch in 0..<c {
                    let plane = (n * c + ch) * h * w
                    out.values[plane + y * w + xx] = sample(plane: plane, x: sx, y: sy, interpolation: interpolation)
                }
            }
        }
    }

    /// The image plane starting at `plane` read at `(x, y)` in pixel coordinates, zero outside.
    func sample(plane: Int, x: Double, y: Double, interpolation: Interpolation) -> Float {
        func pixel(_ px: Int, _ py: Int) -> Float {
            px >= 0 && px < w && py >= 0 && py < h ? values[plane + py * w + px] : 0
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

/// Rotates, translates and scales each image by random amounts about its centre, filling with zeros:
/// torchvision's `RandomAffine(degrees, translate, scale)` without shear.
///
/// Per image, in this order: the angle is drawn uniformly from `degrees` (positive turns clockwise
/// as seen, as in torchvision), the shift `(tx, ty)` from `±translate.x·W`, `±translate.y·H`
/// rounded to whole pixels, and the factor `s` from `scale`; then the image goes through
/// ``affine(_:angle:translate:scale:interpolation:)``.
public struct RandomAffine: Transform {
    /// Range of the rotation angle in degrees.
    public let degrees: ClosedRange<Double>
    /// Largest shift as fractions of the width and height (`nil`: no shift).
    public let translate: (x: Double, y: Double)?
    /// Range of the scale factor (`nil`: 1).
    public let scale: ClosedRange<Double>?
    /// How pixels are read between centres.
    public let interpolation: Interpolation
    /// The source of the random parameters.
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

    /// Each image transformed with its own random angle, shift and scale; same shape.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        let x = ImageBatch(images, op: "RandomAffine")
        var out = ImageBatch(zerosLike: x, h: x.h, w: x.w)
        for n in 0..<x.n {
            let angle = draw(degrees)
            var tx = 0.0, ty = 0.0
            if let t = translate {
                tx = draw(-t.x * Double(x.w)...t.x * Double(x.w)).rounded(.toNearestOrEven)
                ty = draw(-t.y * Double(x.h)...t.y * Double(x.h)).rounded(.toNearestOrEven)
            }
            let s = scale.map(draw) ?? 1
            x.affine(image: n, into: &out, angle: angle, translate: (tx, ty), scale: s, interpolation: interpolation)
        }
        return out.tensor
    }
}
