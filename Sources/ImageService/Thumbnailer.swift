import AsyncHTTPClient
import Glibc
import NIOPosix

/// The service's work: fetch an original (or find it in the cache), decode, resize, encode.
public final class Thumbnailer: Sendable {
    public let configuration: ServiceConfiguration
    let downloader: Downloader
    let cache: OriginalsCache

    public init(configuration: ServiceConfiguration, client: HTTPClient) {
        self.configuration = configuration
        self.downloader = Downloader(client: client, configuration: configuration)
        self.cache = OriginalsCache(budget: configuration.reproduceSeedLeak ? nil : configuration.cacheBytes)
    }

    /// A finished thumbnail and what it took.
    public struct Thumbnail: Sendable {
        public var jpeg: [UInt8]
        public var originalBytes: Int
        public var width: Int
        public var height: Int
        public var cached: Bool
        public var milliseconds: Double
    }

    /// Checks the width and quality parameters.
    public func validate(width: Int, quality: Int) throws(ServiceError) {
        guard (1...configuration.maxWidth).contains(width) else {
            throw .badParameter("width must be between 1 and \(configuration.maxWidth), not \(width)")
        }
        guard (1...100).contains(quality) else { throw .badParameter("quality must be between 1 and 100, not \(quality)") }
    }

    /// Makes a thumbnail of the JPEG at `urlText`.
    public func thumbnail(url urlText: String, width: Int, quality: Int) async throws(ServiceError) -> Thumbnail {
        let started = Self.now()
        try validate(width: width, quality: quality)
        let url = try ImageURL(urlText, allowed: configuration.allowedOrigins)
        var cached = true
        let original: ImageBody
        if let hit = cache.get(url.text) {
            original = hit
        } else {
            original = try await downloader.download(url)
            cached = false
            // The body is checked before it is kept, so the cache holds only images.
            let downloaded = original
            _ = try await Self.offThePool { () throws(ServiceError) in try JPEGCodec.dimensions(of: downloaded.bytes) }
            cache.put(url.text, original)
        }
        let maxPixels = configuration.maxPixels
        let jpeg = try await Self.offThePool { () throws(ServiceError) in
            try Self.recompress(original, width: width, quality: quality, maxPixels: maxPixels)
        }
        return Thumbnail(
            jpeg: jpeg.bytes, originalBytes: original.count, width: jpeg.width, height: jpeg.height, cached: cached,
            milliseconds: (Self.now() - started) * 1000)
    }

    /// Decode, resize, encode. The thumbnail and the resizer's intermediate image (the thumbnail's
    /// width by the source's height) are held to `maxPixels` too, before anything is decoded.
    static func recompress(
        _ original: ImageBody, width: Int, quality: Int, maxPixels: Int
    ) throws(ServiceError) -> (bytes: [UInt8], width: Int, height: Int) {
        try recompress(jpeg: original.bytes, width: width, quality: quality, maxPixels: maxPixels)
    }

    /// Decode, resize, encode, from the bytes of a JPEG.
    public static func recompress(
        jpeg original: UnsafeRawBufferPointer, width: Int, quality: Int, maxPixels: Int
    ) throws(ServiceError) -> (bytes: [UInt8], width: Int, height: Int) {
        let (sourceWidth, sourceHeight) = try JPEGCodec.dimensions(of: original)
        let height = Resize.height(ofWidth: width, from: sourceWidth, sourceHeight)
        let (pixels, overflow) = width.multipliedReportingOverflow(by: max(height, sourceHeight))
        guard !overflow, pixels <= maxPixels else {
            throw ServiceError(
                .unprocessableContent, "thumbnail_too_large",
                "a \(sourceWidth)×\(sourceHeight) image at width \(width) would be \(height) pixels high; "
                    + "the limit is \(maxPixels) pixels: ask for a smaller width")
        }
        let decoded = try JPEGCodec.decode(original, atLeastWidth: width, maxPixels: maxPixels)
        let resized = Resize.toWidth(decoded, width)
        return (try JPEGCodec.encode(resized, quality: quality), resized.width, resized.height)
    }

    /// Runs CPU-bound codec work on NIO's blocking thread pool rather than on the cooperative pool
    /// that every route's tasks share, so one slow image cannot stall the others.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws(ServiceError) -> T) async throws(ServiceError) -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive { try work() }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(.serviceUnavailable, "shutting_down", "the service is shutting down")
        }
    }

    /// Seconds on the monotonic clock.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Entries and bytes in the originals cache.
    public var cacheUsage: (entries: Int, bytes: Int) { cache.usage }
}
