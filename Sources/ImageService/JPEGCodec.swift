import CTurboJPEG

/// An RGB image, 3 bytes a pixel, rows packed.
public struct RGBImage: Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "an RGB image needs width × height × 3 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

/// JPEG decoding and encoding through libturbojpeg.
public enum JPEGCodec {
    /// The width and height in a JPEG header, without decoding the image.
    public static func dimensions(of jpeg: UnsafeRawBufferPointer) throws(ServiceError) -> (width: Int, height: Int) {
        try checkSignature(jpeg)
        guard let handle = tjInitDecompress() else { throw internalError("cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let base = jpeg.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard tjDecompressHeader3(handle, base, UInt(jpeg.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw notJPEG(reason(handle))
        }
        return (Int(width), Int(height))
    }

    /// Decodes a JPEG to RGB. With `atLeastWidth`, the decoder's DCT scaling (1/8 … 1) gives the
    /// smallest image still that wide, which is much faster than decoding at full size.
    public static func decode(
        _ jpeg: UnsafeRawBufferPointer, atLeastWidth: Int? = nil, maxPixels: Int = .max
    ) throws(ServiceError) -> RGBImage {
        let (fullWidth, fullHeight) = try dimensions(of: jpeg)
        guard fullWidth > 0, fullHeight > 0 else { throw notJPEG("the image has no pixels") }
        guard fullWidth * fullHeight <= maxPixels else {
            throw ServiceError(
                .unprocessableContent, "image_too_large",
                "the image is \(fullWidth)×\(fullHeight) = \(fullWidth * fullHeight) pixels; the limit is \(maxPixels)")
        }
        var (width, height) = (fullWidth, fullHeight)
        if let target = atLeastWidth {
            for denominator in [8, 4, 2] {
                let w = (fullWidth + denominator - 1) / denominator
                if w >= target {
                    (width, height) = (w, (fullHeight + denominator - 1) / denominator)
                    break
                }
            }
        }
        guard let handle = tjInitDecompress() else { throw internalError("cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let base = jpeg.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // TJFLAG_LIMITSCANS: a progressive JPEG of more than 500 scans is refused, so one small
        // image cannot make the decoder pass over its pixels thousands of times.
        let status = pixels.withUnsafeMutableBufferPointer {
            tjDecompress2(
                handle, base, UInt(jpeg.count), $0.baseAddress, Int32(width), 0, Int32(height), Int32(TJPF_RGB.rawValue),
                TJFLAG_LIMITSCANS)
        }
        // Warnings (a truncated but readable image) still give pixels; errors do not.
        if status != 0 && tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) {
            throw notJPEG(reason(handle))
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Encodes RGB pixels as a baseline (or progressive) JPEG with 4:2:0 chroma at `quality` (1…100).
    public static func encode(_ image: RGBImage, quality: Int, progressive: Bool = false) throws(ServiceError) -> [UInt8] {
        guard let handle = tjInitCompress() else { throw internalError("cannot start the JPEG encoder") }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer {
            tjCompress2(
                handle, $0.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue), &output,
                &size, Int32(TJSAMP_420.rawValue), Int32(min(max(quality, 1), 100)),
                progressive ? TJFLAG_PROGRESSIVE : 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else { throw internalError("JPEG encoding failed: \(reason(handle))") }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    private static func checkSignature(_ jpeg: UnsafeRawBufferPointer) throws(ServiceError) {
        guard jpeg.count >= 4, jpeg[0] == 0xFF, jpeg[1] == 0xD8, jpeg[2] == 0xFF else {
            throw notJPEG("the body does not start with a JPEG SOI marker")
        }
    }

    private static func reason(_ handle: tjhandle) -> String {
        guard let message = tjGetErrorStr2(handle) else { return "unknown libturbojpeg error" }
        return String(cString: message)
    }

    static func notJPEG(_ why: String) -> ServiceError {
        ServiceError(.unsupportedMediaType, "not_jpeg", "the origin's body is not a JPEG image: \(why)")
    }

    static func internalError(_ why: String) -> ServiceError {
        ServiceError(.internalServerError, "codec_error", why)
    }
}
