import Foundation
import ProfileFormat

/// go tool pprof's remote symbolization (its symbolz package): for a profile fetched over HTTP,
/// the addresses of each mapping without function names are POSTed, as `0xADDR+0xADDR+…`, to the
/// source's symbol handler (`…/debug/pprof/symbol`, or `/symbolz` for other paths), which answers
/// with `0xADDR NAME` lines. Requests go through the one fetch client (deadline, redirect bound,
/// the token only to the same origin) and the answer is capped at `responseLimit` bytes.
struct RemoteSymbolizer {
    /// The URLs the profile was fetched from.
    var sources: [URL]
    var timeout: Double = 60
    /// Sends a POST and returns the body of a 200 answer (tests may replace it).
    var post: (URL, [UInt8], Double) throws(ProfileError) -> [UInt8] = { url, body, timeout throws(ProfileError) in
        try Fetch.get(url, timeout: timeout, progress: false, limit: RemoteSymbolizer.responseLimit, post: body)
    }

    /// The most bytes of one symbol answer: far above the names of a real profile's addresses.
    static let responseLimit = 32 << 20

    /// The symbol handler of a profile's URL, as go's symbolz derives it: `/debug/pprof/X` and
    /// gperftools' handler paths → `…/symbol` beside them, any other path → `/symbolz`. Go drops
    /// the query; the `token=` is kept, as it goes to the same origin and guards the handler too.
    static func symbolURL(_ source: URL) -> URL? {
        guard var c = URLComponents(url: source, resolvingAgainstBaseURL: false), let host = c.host, !host.isEmpty else { return nil }
        let suffixes = ["/pprof/heap", "/pprof/growth", "/pprof/profile", "/pprof/pmuprofile", "/pprof/contention"]
        if c.path.contains("/debug/pprof/") || suffixes.contains(where: { c.path.hasSuffix($0) }) {
            c.path = cleanPath(c.path + "/../symbol")
        } else {
            c.path = "/symbolz"
        }
        let token = c.queryItems?.filter { $0.name == "token" } ?? []
        c.queryItems = token.isEmpty ? nil : token
        c.fragment = nil
        return c.url
    }

    /// Go's path.Clean for an absolute path.
    static func cleanPath(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/") {
            if p == "." { continue }
            if p == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(p)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// go's Mapping.Unsymbolizable: pseudo-files that no symbol table describes.
    static func unsymbolizable(_ file: String) -> Bool {
        file.hasPrefix("[") || file.hasPrefix("linux-vdso") || file.hasPrefix("/dev/dri/")
    }

    /// Names the addresses of every mapping that has no function names yet (every mapping with
    /// `force`), from the first source whose handler answers. A handler that fails is reported
    /// in one line through `warn` and the addresses stay as they were.
    func symbolize(_ p: inout Profile, force: Bool, warn: (String) -> Void) {
        for mi in p.mappings.indices {
            let m = p.mappings[mi]
            if (!force && m.hasFunctions) || Self.unsymbolizable(m.file) { continue }
            for source in sources {
                guard let url = Self.symbolURL(source) else { continue }
                do {
                    if try symbolizeMapping(url, Int32(mi), &p) { p.mappings[mi].hasFunctions = true }
                    break
                } catch {
                    warn("remote symbolization: \(Fetch.redact(error.message))")
                }
            }
        }
    }

    /// go's symbolizeMapping: asks for the mapping's locations without lines; each answered
    /// address gets one line naming its function. False when there was nothing to ask.
    func symbolizeMapping(_ url: URL, _ mapping: Int32, _ p: inout Profile) throws(ProfileError) -> Bool {
        var addresses: [String] = []
        for l in p.locations where l.mapping == mapping && l.address != 0 && l.lines.isEmpty {
            addresses.append("0x" + String(l.address, radix: 16))
        }
        if addresses.isEmpty { return false }
        let body: [UInt8]
        do {
            body = try post(url, Array(addresses.joined(separator: "+").utf8), timeout)
        } catch {
            throw ProfileError("http post \(url.absoluteString): \(error.message.replacingOccurrences(of: "http fetch: ", with: ""))")
        }
        var functions: [String: Int32] = [:]
        var lines: [UInt64: Int32] = [:]
        for line in body.split(separator: UInt8(ascii: "\n")) {
            guard let (address, name) = Self.parseSymbolLine(Array(line)) else { continue }
            let f: Int32
            if let known = functions[name] {
                f = known
            } else {
                f = Int32(p.functions.count)
                p.functions.append(Function(id: UInt64(p.functions.count + 1), name: name, systemName: name))
                functions[name] = f
            }
            lines[address] = f
        }
        for i in p.locations.indices where p.locations[i].mapping == mapping {
            if let f = lines[p.locations[i].address] { p.locations[i].lines = [Line(function: f, line: 0)] }
        }
        return true
    }

    /// The first `0xHEX` in `line` followed by white space, and the rest of the line after that
    /// space (go's `(0x[[:xdigit:]]+)\s+(.*)`, unanchored); nil when there is none or it overflows.
    static func parseSymbolLine(_ b: [UInt8]) -> (UInt64, String)? {
        func isHex(_ c: UInt8) -> Bool { (48...57).contains(c) || (65...70).contains(c) || (97...102).contains(c) }
        func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 12 || c == 13 }
        var i = 0
        while i + 2 < b.count {
            guard b[i] == UInt8(ascii: "0"), b[i + 1] == UInt8(ascii: "x"), isHex(b[i + 2]) else {
                i += 1
                continue
            }
            var j = i + 2
            while j < b.count && isHex(b[j]) { j += 1 }
            if j < b.count && isSpace(b[j]) {
                guard let address = UInt64(String(decoding: b[(i + 2)..<j], as: UTF8.self), radix: 16) else { return nil }
                var k = j
                while k < b.count && isSpace(b[k]) { k += 1 }
                return (address, String(decoding: b[k...], as: UTF8.self))
            }
            i = j
        }
        return nil
    }
}
