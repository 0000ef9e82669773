// Padding and spatial ops: the op table's entries (cases in Scripts/opinfo/spatial.py).

@testable import Apus

extension OpInfoTable {
    static let spatial: [OpInfo] = [
        OpInfo("pad") { x, a in [pad(x[0]!, a.ints("padding"), mode: paddingMode(a))] },
        OpInfo("pad_layer") { x, a in [paddingLayer(a)(x[0]!)] },
        OpInfo("interpolate") { x, a in [interpolateCall(x[0]!, a)] },
        OpInfo("Upsample") { x, a in [upsampleLayer(a)(x[0]!)] },
        OpInfo("grid_sample") { x, a in
            [gridSample(x[0]!, grid: x[1]!, mode: caseNamed(GridSampleMode.self, a.string("mode", default: "bilinear")),
                        paddingMode: caseNamed(GridSamplePaddingMode.self, a.string("padding_mode", default: "zeros")),
                        alignCorners: a.bool("align_corners", default: false))]
        },
        OpInfo("affine_grid") { x, a in
            [affineGrid(theta: x[0]!, size: a.ints("size"), alignCorners: a.bool("align_corners", default: false))]
        },
    ]
}

/// PyTorch's `mode` and `value` as a ``PaddingMode``.
private func paddingMode(_ a: OpArgs) -> PaddingMode {
    switch a.string("mode", default: "constant") {
    case "reflect": .reflect
    case "replicate": .replicate
    case "circular": .circular
    default: .constant(a.double("value", default: 0))
    }
}

/// Whether an argument was a single integer (PyTorch's `int` form) rather than a list.
private func isScalar(_ a: OpArgs, _ key: String) -> Bool {
    if case .array? = a.values[key] { return false }
    return true
}

/// The padding layer a case names, built from an integer or the list, as the case gave it.
private func paddingLayer(_ a: OpArgs) -> Module {
    let p = a.ints("padding"), one = isScalar(a, "padding") ? p[0] : nil
    let value = a.double("value", default: 0)
    switch a.string("layer") {
    case "ZeroPad1d": return one.map { ZeroPad1d($0) } ?? ZeroPad1d(p)
    case "ZeroPad2d": return one.map { ZeroPad2d($0) } ?? ZeroPad2d(p)
    case "ZeroPad3d": return one.map { ZeroPad3d($0) } ?? ZeroPad3d(p)
    case "ConstantPad1d": return one.map { ConstantPad1d($0, value: value) } ?? ConstantPad1d(p, value: value)
    case "ConstantPad2d": return one.map { ConstantPad2d($0, value: value) } ?? ConstantPad2d(p, value: value)
    case "ConstantPad3d": return one.map { ConstantPad3d($0, value: value) } ?? ConstantPad3d(p, value: value)
    case "ReflectionPad1d": return one.map { ReflectionPad1d($0) } ?? ReflectionPad1d(p)
    case "ReflectionPad2d": return one.map { ReflectionPad2d($0) } ?? ReflectionPad2d(p)
    case "ReflectionPad3d": return one.map { ReflectionPad3d($0) } ?? ReflectionPad3d(p)
    case "ReplicationPad1d": return one.map { ReplicationPad1d($0) } ?? ReplicationPad1d(p)
    case "ReplicationPad2d": return one.map { ReplicationPad2d($0) } ?? ReplicationPad2d(p)
    case "ReplicationPad3d": return one.map { ReplicationPad3d($0) } ?? ReplicationPad3d(p)
    case "CircularPad1d": return one.map { CircularPad1d($0) } ?? CircularPad1d(p)
    case "CircularPad2d": return one.map { CircularPad2d($0) } ?? CircularPad2d(p)
    case "CircularPad3d": return one.map { CircularPad3d($0) } ?? CircularPad3d(p)
    case let name: fatalError("no padding layer \(name)")
    }
}

/// `interpolate` with the overload PyTorch's arguments select: an integer size or a single scale
/// factor for every axis, or lists.
private func interpolateCall(_ x: Tensor, _ a: OpArgs) -> Tensor {
    let mode = UpsampleMode(rawValue: a.string("mode", default: "nearest"))!
    let align: Bool? = a.has("align_corners") ? a.bool("align_corners") : nil
    let antialias = a.bool("antialias", default: false)
    let recompute: Bool? = a.has("recompute_scale_factor") ? a.bool("recompute_scale_factor") : nil
    if a.has("size") {
        if isScalar(a, "size") {
            return interpolate(x, size: a.int("size"), mode: mode, alignCorners: align, antialias: antialias)
        }
        return interpolate(x, size: a.ints("size"), mode: mode, alignCorners: align, antialias: antialias)
    }
    if isScalar(a, "scale_factor") {
        return interpolate(x, scaleFactor: a.double("scale_factor"), mode: mode, alignCorners: align,
                           recomputeScaleFactor: recompute, antialias: antialias)
    }
    return interpolate(x, scaleFactor: a.doubles("scale_factor"), mode: mode, alignCorners: align,
                       recomputeScaleFactor: recompute, antialias: antialias)
}

/// The `Upsample` layer a case describes.
private func upsampleLayer(_ a: OpArgs) -> Module {
    let mode = UpsampleMode(rawValue: a.string("mode", default: "nearest"))!
    let align = a.bool("align_corners", default: false)
    if a.has("size") {
        let s = a.ints("size")
        return Upsample(size: s.count == 1 ? IntPair(s[0]) : IntPair(s[0], s[1]), mode: mode, alignCorners: align)
    }
    let f = a.doubles("scale_factor")
    return Upsample(scaleFactor: f.count == 1 ? ScaleFactor(f[0]) : ScaleFactor(f[0], f[1]), mode: mode, alignCorners: align,
                    recomputeScaleFactor: a.bool("recompute_scale_factor", default: false))
}
