import Foundation

/// A URL the service was asked to fetch, checked: http or https, a host, and an allowed origin.
public struct ImageURL: Sendable, Hashable {
    public var text: String
    public var host: String
    public var port: Int

    /// Checks `text` against the allowed origins (by name; addresses are checked when fetching).
    public init(_ text: String, allowed: [AllowedOrigin]) throws(ServiceError) {
        guard !text.isEmpty else { throw .badParameter("url is missing: pass url=http://HOST[:PORT]/PATH") }
        guard text.utf8.count <= 4096 else { throw .badParameter("url is longer than 4096 bytes") }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", var host = url.host, !host.isEmpty
        else {
            throw .badParameter("url \(text) is not an absolute http or https URL")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let permitted =
            allowed.isEmpty ? AllowedOrigin.isLoopback(host) : allowed.contains { $0.allows(host: host, port: port) }
        guard permitted else {
            let list = allowed.isEmpty ? "loopback hosts only" : allowed.map(\.description).joined(separator: ", ")
            throw ServiceError(
                .forbidden, "origin_not_allowed",
                "origin \(host):\(port) is not allowed (allowed: \(list)); start the service with --allow-origin \(host):\(port)")
        }
        self.text = text
        self.host = host
        self.port = port
    }
}
