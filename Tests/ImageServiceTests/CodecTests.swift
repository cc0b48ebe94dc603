import ImageService
import Testing

@Suite("JPEG codec and resizing")
struct CodecTests {
    /// A smooth test picture: red across, green down, blue constant.
    static func gradient(width: Int, height: Int) -> RGBImage {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                pixels += [UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)), 128]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func meanError(_ a: RGBImage, _ b: RGBImage) -> Double {
        zip(a.pixels, b.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(a.pixels.count)
    }

    @Test("encode then decode gives the same picture back, within JPEG's loss")
    func roundTrip() throws {
        let image = Self.gradient(width: 320, height: 200)
        let jpeg = try JPEGCodec.encode(image, quality: 92)
        #expect(jpeg.starts(with: [0xFF, 0xD8, 0xFF]))
        let decoded = try jpeg.withUnsafeBytes { raw throws(ServiceError) in try JPEGCodec.decode(raw) }
        #expect(decoded.width == 320 && decoded.height == 200)
        #expect(Self.meanError(image, decoded) < 3, "mean error \(Self.meanError(image, decoded))")
        var dims = (width: 0, height: 0)
        try jpeg.withUnsafeBytes { raw in
            let d = try JPEGCodec.dimensions(of: raw)
            dims = (d.width, d.height)
        }
        #expect(dims == (320, 200))
    }

    @Test("decode, resize and encode: the thumbnail has the width asked for and the same picture")
    func resizeRoundTrip() throws {
        let image = Self.gradient(width: 800, height: 600)
        let jpeg = try JPEGCodec.encode(image, quality: 90)
        // DCT scaling picks 1/4 (200 px ≥ 150); the resize makes it exactly 150 × 113.
        let decoded = try jpeg.withUnsafeBytes { raw throws(ServiceError) in try JPEGCodec.decode(raw, atLeastWidth: 150) }
        #expect(decoded.width == 200 && decoded.height == 150)
        let thumb = Resize.toWidth(decoded, 150)
        #expect(thumb.width == 150 && thumb.height == 113)
        let again = try JPEGCodec.encode(thumb, quality: 90)
        let back = try again.withUnsafeBytes { raw throws(ServiceError) in try JPEGCodec.decode(raw) }
        #expect(Self.meanError(Resize.to(image, width: 150, height: 113), back) < 4)
    }

    @Test("resizing keeps flat colors flat, shrinking and enlarging")
    func resizeFlat() {
        let flat = RGBImage(width: 7, height: 5, pixels: [UInt8](repeating: 77, count: 7 * 5 * 3))
        for (w, h) in [(3, 2), (13, 9), (1, 1), (7, 5)] {
            let out = Resize.to(flat, width: w, height: h)
            #expect(out.pixels.allSatisfy { $0 == 77 }, "\(w)×\(h)")
        }
    }

    @Test("bodies that are not JPEG are refused with 415")
    func notJPEG() {
        let text = Array("GIF89a, not a JPEG at all".utf8)
        #expect(throws: ServiceError.self) { try text.withUnsafeBytes { raw throws(ServiceError) in try JPEGCodec.decode(raw) } }
        do {
            _ = try text.withUnsafeBytes { raw throws(ServiceError) in try JPEGCodec.decode(raw) }
        } catch let error as ServiceError {
            #expect(error.status == .unsupportedMediaType && error.code == "not_jpeg")
        } catch {
            Issue.record("unexpected error \(error)")
        }
        // A JPEG signature followed by garbage is no better.
        let broken: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0x42, count: 100)
        #expect(throws: ServiceError.self) { try broken.withUnsafeBytes { raw throws(ServiceError) in try JPEGCodec.decode(raw) } }
    }
}
