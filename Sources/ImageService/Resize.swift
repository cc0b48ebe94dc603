/// Resampling of RGB images, one axis at a time: area averaging when shrinking (every source
/// pixel counts, weighted by how much of it falls in the target pixel), bilinear when enlarging.
public enum Resize {
    /// The image scaled to `width`, keeping the aspect ratio (at least 1 pixel high).
    public static func toWidth(_ image: RGBImage, _ width: Int) -> RGBImage {
        to(image, width: width, height: height(ofWidth: width, from: image.width, image.height))
    }

    /// The height of an image `sourceWidth`×`sourceHeight` scaled to `width` (at least 1).
    public static func height(ofWidth width: Int, from sourceWidth: Int, _ sourceHeight: Int) -> Int {
        max(1, Int(min((Double(sourceHeight) * Double(width) / Double(max(sourceWidth, 1))).rounded(), 1e15)))
    }

    /// The image scaled to exactly `width` × `height`.
    public static func to(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        if width == image.width && height == image.height { return image }
        let columns = weights(from: image.width, to: width)
        let rows = weights(from: image.height, to: height)
        // Horizontal pass: height stays, width changes.
        var wide = [Float](repeating: 0, count: width * image.height * 3)
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<image.height {
                let srcRow = y * image.width * 3
                let dstRow = y * width * 3
                for x in 0..<width {
                    var r: Float = 0, g: Float = 0, b: Float = 0
                    for (i, w) in columns[x] {
                        let s = srcRow + i * 3
                        r += Float(src[s]) * w
                        g += Float(src[s + 1]) * w
                        b += Float(src[s + 2]) * w
                    }
                    wide[dstRow + x * 3] = r
                    wide[dstRow + x * 3 + 1] = g
                    wide[dstRow + x * 3 + 2] = b
                }
            }
        }
        // Vertical pass.
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let dstRow = y * width * 3
            for c in 0..<(width * 3) {
                var v: Float = 0
                for (i, w) in rows[y] { v += wide[i * width * 3 + c] * w }
                out[dstRow + c] = UInt8(min(max(v.rounded(), 0), 255))
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// For each target index, the source indices that feed it and their weights (summing to 1).
    static func weights(from source: Int, to target: Int) -> [[(Int, Float)]] {
        let scale = Double(source) / Double(target)
        var result: [[(Int, Float)]] = []
        result.reserveCapacity(target)
        for t in 0..<target {
            var entries: [(Int, Float)] = []
            if scale >= 1 {
                let start = Double(t) * scale, end = start + scale
                var i = Int(start)
                while Double(i) < end && i < source {
                    let overlap = min(end, Double(i + 1)) - max(start, Double(i))
                    if overlap > 0 { entries.append((i, Float(overlap / scale))) }
                    i += 1
                }
            } else {
                let center = (Double(t) + 0.5) * scale - 0.5
                let left = Int(center.rounded(.down))
                let fraction = Float(center - Double(left))
                let a = min(max(left, 0), source - 1), b = min(max(left + 1, 0), source - 1)
                entries = a == b ? [(a, Float(1))] : [(a, 1 - fraction), (b, fraction)]
            }
            result.append(entries)
        }
        return result
    }
}
