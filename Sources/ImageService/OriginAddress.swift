import Glibc

/// The addresses an image host resolves to, and the kinds the service refuses unless they are
/// allowed by address: loopback, link-local, unspecified and cloud metadata addresses, the ones a
/// hostile URL (or a name that resolves somewhere unexpected) would use to reach the service's
/// own machine or its cloud's credentials.
enum OriginAddress {
    enum Kind: String {
        case loopback = "a loopback address"
        case linkLocal = "a link-local address"
        case metadata = "a cloud metadata address"
        case unspecified = "an unspecified address"
        case ordinary = "an ordinary address"
    }

    /// A resolved address: its numeric text and its kind.
    struct Resolved: Equatable {
        var text: String
        var kind: Kind
    }

    /// The addresses `host` resolves to (getaddrinfo, which blocks: call it off the event loops);
    /// nil when it resolves to none.
    static func resolve(_ host: String) -> [Resolved]? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, list != nil else { return nil }
        defer { freeaddrinfo(list) }
        var out: [Resolved] = []
        var next = list
        while let a = next {
            next = a.pointee.ai_next
            guard let sa = a.pointee.ai_addr else { continue }
            if a.pointee.ai_family == AF_INET {
                let v4 = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                let bytes = withUnsafeBytes(of: v4.s_addr) { Array($0) }
                out.append(Resolved(text: bytes.map(String.init).joined(separator: "."), kind: kind(ipv4: bytes)))
            } else if a.pointee.ai_family == AF_INET6 {
                let v6 = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                let bytes = withUnsafeBytes(of: v6) { Array($0) }
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                var copy = v6
                inet_ntop(AF_INET6, &copy, &text, socklen_t(text.count))
                let length = text.firstIndex(of: 0) ?? text.count
                out.append(Resolved(text: String(decoding: text[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self), kind: kind(ipv6: bytes)))
            }
        }
        return out.isEmpty ? nil : out
    }

    static func kind(ipv4 b: [UInt8]) -> Kind {
        if b[0] == 127 { return .loopback }
        if b[0] == 0 { return .unspecified }
        // AWS, GCP, Azure and OpenStack at 169.254.169.254; Alibaba at 100.100.100.200.
        if b == [169, 254, 169, 254] || b == [100, 100, 100, 200] { return .metadata }
        if b[0] == 169 && b[1] == 254 { return .linkLocal }
        return .ordinary
    }

    static func kind(ipv6 b: [UInt8]) -> Kind {
        if b.dropLast().allSatisfy({ $0 == 0 }) { return b[15] == 1 ? .loopback : (b[15] == 0 ? .unspecified : .ordinary) }
        // IPv4-mapped (::ffff:a.b.c.d): the IPv4 rules.
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return kind(ipv4: Array(b[12...])) }
        // AWS's IPv6 metadata address, fd00:ec2::254.
        if b == [0xFD, 0, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54] { return .metadata }
        if b[0] == 0xFE && (b[1] & 0xC0) == 0x80 { return .linkLocal }
        return .ordinary
    }
}

extension ImageURL {
    /// Checks where the host really points. With no allowed origins every address must be
    /// loopback; with some, a loopback, link-local, unspecified or metadata address is refused
    /// unless that very address (and port) is allowed.
    func checkResolved(_ addresses: [OriginAddress.Resolved]?, allowed: [AllowedOrigin]) throws(ServiceError) {
        guard let addresses else {
            throw ServiceError(.badGateway, "origin_unreachable", "cannot fetch \(text): no such host \(host)")
        }
        for a in addresses {
            if allowed.isEmpty {
                guard a.kind == .loopback else {
                    throw ServiceError(
                        .forbidden, "origin_not_allowed",
                        "origin \(host) resolves to \(a.text), which is not loopback; only loopback hosts are allowed without --allow-origin")
                }
                continue
            }
            guard a.kind != .ordinary else { continue }
            guard allowed.contains(where: { $0.allows(host: a.text, port: port) }) else {
                throw ServiceError(
                    .forbidden, "origin_not_allowed",
                    "origin \(host) resolves to \(a.text), \(a.kind.rawValue); allow it by address with --allow-origin \(AllowedOrigin(host: a.text, port: port))")
            }
        }
    }
}
