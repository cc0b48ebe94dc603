/// What the service may fetch and how much work one request may cause.
public struct ServiceConfiguration: Sendable {
    /// Origins that may be fetched; empty means loopback hosts on any port.
    public var allowedOrigins: [AllowedOrigin] = []
    /// The largest image body downloaded, in bytes.
    public var maxBodyBytes = 16 << 20
    /// The largest image decoded, in pixels.
    public var maxPixels = 40_000_000
    /// The widest thumbnail made.
    public var maxWidth = 4096
    /// How long one download may take, headers and body, in seconds.
    public var downloadTimeout = 10.0
    /// The most downloads in flight at once, across all requests.
    public var maxConcurrentDownloads = 64
    /// The most URLs in one batch, and how many of them are worked on at once.
    public var maxBatchURLs = 32
    public var batchConcurrency = 8
    /// The bytes of downloaded originals kept for reuse (fixed mode only; leak mode keeps all).
    public var cacheBytes = 16 << 20
    /// The seed's bug, on purpose: doubling read buffers kept in an unbounded cache.
    public var reproduceSeedLeak = false
    /// When set, /debug/pprof answers only requests that carry this token.
    public var profileToken: String?

    public init() {}
}

/// An origin from `--allow-origin HOST[:PORT]`: a host and, optionally, the only port allowed.
public struct AllowedOrigin: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int?

    /// Parses `HOST`, `HOST:PORT`, `[V6]` or `[V6]:PORT`.
    public init(parsing text: String) throws(ServiceError) {
        var host = Substring(text)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw .badParameter("origin \(text): missing ] after an IPv6 address")
            }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else {
                    throw .badParameter("origin \(text): expected [ADDRESS]:PORT")
                }
                port = p
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]) else {
                throw .badParameter("origin \(text): the port must be a number")
            }
            port = p
            host = host[..<colon]
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:_".contains($0) }) else {
            throw .badParameter("origin \(text): expected HOST or HOST:PORT")
        }
        if let port, !(1...65535).contains(port) { throw .badParameter("origin \(text): port out of range") }
        self.host = host.lowercased()
        self.port = port
    }

    public init(host: String, port: Int? = nil) {
        self.host = host.lowercased()
        self.port = port
    }

    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port.map { "\(h):\($0)" } ?? h
    }

    /// Whether `host` is a loopback name or address (the default when no origin is given).
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    func allows(host: String, port: Int) -> Bool {
        host.lowercased() == self.host && (self.port == nil || self.port == port)
    }
}
