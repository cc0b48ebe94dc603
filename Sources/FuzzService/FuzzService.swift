import FuzzSupport
import Hummingbird
import HummingbirdCore
import ImageService

/// The image service's untrusted inputs, chosen by the first byte: a request URI through the
/// thumbnail parameters and the URL and origin checks; a `POST /batch` body; an origin's body
/// through the JPEG path (header, scaled decode, resize, encode) with the service's limits.
@main
enum FuzzService {
    static func main() { fuzzMain(testOneInput) }

    static let allowed = [AllowedOrigin(host: "images.example.com"), AllowedOrigin(host: "127.0.0.1", port: 8080)]

    static let testOneInput: FuzzInput = { data, size in
        let bytes = fuzzBytes(data, size)
        guard let mode = bytes.first else { return 0 }
        let rest = Array(bytes.dropFirst())
        switch mode % 4 {
        case 0:
            let uri = URI(String(decoding: rest, as: UTF8.self))
            if let q = try? ThumbnailQuery(uri) {
                _ = try? ImageURL(q.url, allowed: allowed)
                _ = try? ImageURL(q.url, allowed: [])
            }
        case 1:
            _ = try? BatchRequest(json: ByteBuffer(bytes: rest))
        case 2:
            _ = try? AllowedOrigin(parsing: String(decoding: rest, as: UTF8.self))
        default:
            // Width from the next byte; the service's defaults for pixels, scaled down so a
            // run stays fast.
            guard let w = rest.first else { return 0 }
            let jpeg = Array(rest.dropFirst())
            _ = jpeg.withUnsafeBytes { raw in
                try? Thumbnailer.recompress(jpeg: raw, width: Int(w) + 1, quality: 80, maxPixels: 4_000_000)
            }
        }
        return 0
    }
}
