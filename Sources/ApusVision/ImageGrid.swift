import Apus

/// Tiles images `[N, C, H, W]` (C = 1 grey or 3 RGB) into one picture, as torchvision's `make_grid`
/// followed by `save_image`: for looking at samples, augmentations and first-layer filters.
///
/// Images fill rows of `columns` (fewer when N is smaller), each framed by `padding` pixels of
/// `padValue`: the picture is `rows·(H+padding)+padding` high and `min(N, columns)·(W+padding)+padding`
/// wide, image `k` at row `k / columns`, column `k % columns`. With `normalize`, values are first
/// mapped from the batch's [min, max] to [0, 1]. A value `v` becomes the byte `⌊clamp(255·v + 0.5, 0, 255)⌋`.
///
/// ```swift
/// try imageGrid(batch.inputs, columns: 8).writePNG(to: "samples.png")
/// ```
public func imageGrid(_ images: Tensor, columns: Int = 8, padding: Int = 2, normalize: Bool = false,
                      padValue: Double = 0) -> RGBImage {
    require(images.rank == 4 && (images.shape[1] == 1 || images.shape[1] == 3) && images.shape[0] > 0,
            "imageGrid: expected images [N, C, H, W] with N ≥ 1 and C = 1 or 3, got shape \(images.shape)")
    require(columns > 0 && padding >= 0, "imageGrid: columns must be positive and padding non-negative, got \(columns), \(padding)")
    let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    var values = images.toArray(as: Double.self)
    if normalize, let lo = values.min(), let hi = values.max() {
        values = values.map { ($0 - lo) / Swift.max(hi - lo, 1e-5) }
    }
    func byte(_ v: Double) -> UInt8 { UInt8(Swift.min(Swift.max(255 * v + 0.5, 0), 255)) }
    let across = Swift.min(n, columns), down = (n + columns - 1) / columns
    let fill = byte(padValue)
    var grid = RGBImage(width: across * (w + padding) + padding, height: down * (h + padding) + padding,
                        fill: (fill, fill, fill))
    for k in 0..<n {
        let top = (k / columns) * (h + padding) + padding, left = (k % columns) * (w + padding) + padding
        for y in 0..<h {
            for x in 0..<w {
                let rgb = (0..<3).map { ch in byte(values[((k * c + (c == 1 ? 0 : ch)) * h + y) * w + x]) }
                grid[left + x, top + y] = (rgb[0], rgb[1], rgb[2])
            }
        }
    }
    return grid
}
