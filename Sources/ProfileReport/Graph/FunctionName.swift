import ProfileFormat

/// Shortening of function names for pictures, with the rules of pprof's ShortenFunctionName:
/// drop a C++ anonymous namespace, a Go module's `/vN` major version, a Go package path, a Java
/// package, a C++ namespace.
public enum FunctionName {
    private static let cpp = try! GoRegex(
        #"^(?:[_a-zA-Z][0-9A-Za-z_]*::)+(_*[A-Z][0-9A-Za-z_]*::~?[_a-zA-Z][0-9A-Za-z_]*(?:<.*>)?)"#)

    /// The short form of `name`.
    public static func shorten(_ name: String) -> String {
        var f = name
        let anonymous = "(anonymous namespace)::"
        if f.hasPrefix(anonymous) { f.removeFirst(anonymous.count) }
        f = dropModuleVersion(f)
        let bytes = Array(f.utf8)
        if let start = goPackageEnd(bytes) {
            let stop = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            return String(decoding: bytes[start..<stop], as: UTF8.self)
        }
        if let r = javaClassMethod(bytes) {
            return String(decoding: bytes[r], as: UTF8.self)
        }
        if f.contains("::"), let m = cpp.firstMatch(f), let g = m[1] {
            return g
        }
        return f
    }

    private static func isWord(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    /// `^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$` replaced by its two groups: the first `/vN`
    /// followed by `.` or `/` is removed.
    static func dropModuleVersion(_ s: String) -> String {
        let b = Array(s.utf8)
        if b.contains(0x0A) { return s }
        var i = 0
        while i + 2 < b.count {
            if b[i] == UInt8(ascii: "/") && b[i + 1] == UInt8(ascii: "v") {
                var j = i + 2
                while j < b.count && b[j] >= 0x30 && b[j] <= 0x39 { j += 1 }
                let digits = j - (i + 2)
                let valid =
                    (digits == 1 && b[i + 2] >= UInt8(ascii: "2"))
                    || (digits >= 2 && b[i + 2] != UInt8(ascii: "0"))
                if valid && j < b.count && (b[j] == UInt8(ascii: ".") || b[j] == UInt8(ascii: "/")) {
                    return String(decoding: b[..<i] + b[j...], as: UTF8.self)
                }
            }
            i += 1
        }
        return s
    }

    /// The `Class.method` part of a Java name, as `^(?:[a-z]\w*\.)*([A-Z][\w$]*\.(?:<init>|[a-z][\w$]*(?:\$\d+)?))(?:\(|$)`
    /// captures it: lower-case package segments, then a capitalised class, a dot and a method
    /// that ends the name or is followed by its argument list.
    static func javaClassMethod(_ b: [UInt8]) -> Range<Int>? {
        func isLower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
        func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
        func identEnd(_ from: Int, dollar: Bool) -> Int {
            var j = from
            while j < b.count && (isWord(b[j]) || (dollar && b[j] == UInt8(ascii: "$"))) { j += 1 }
            return j
        }
        var pos = 0
        // Package segments: each starts lower-case and ends with a dot.
        while pos < b.count && isLower(b[pos]) {
            let end = identEnd(pos + 1, dollar: false)
            guard end < b.count && b[end] == UInt8(ascii: ".") else { return nil }
            pos = end + 1
        }
        guard pos < b.count && isUpper(b[pos]) else { return nil }
        let classEnd = identEnd(pos + 1, dollar: true)
        guard classEnd < b.count && b[classEnd] == UInt8(ascii: ".") else { return nil }
        let method = classEnd + 1
        var end: Int
        let initName = Array("<init>".utf8)
        if b.count - method >= initName.count && Array(b[method..<method + initName.count]) == initName {
            end = method + initName.count
        } else if method < b.count && isLower(b[method]) {
            end = identEnd(method + 1, dollar: true)
        } else {
            return nil
        }
        guard end == b.count || b[end] == UInt8(ascii: "(") else { return nil }
        return pos..<end
    }

    /// Where the name after a Go package path `^(?:[\w\-\.]+\/)+` starts, if there is one and
    /// something follows it.
    static func goPackageEnd(_ b: [UInt8]) -> Int? {
        var ends: [Int] = []
        var pos = 0
        while true {
            var j = pos
            while j < b.count && (isWord(b[j]) || b[j] == UInt8(ascii: "-") || b[j] == UInt8(ascii: ".")) { j += 1 }
            if j == pos || j >= b.count || b[j] != UInt8(ascii: "/") { break }
            pos = j + 1
            ends.append(pos)
        }
        // `(.+)` needs at least one character (not a newline) after the last separator.
        for end in ends.reversed() where end < b.count && b[end] != 0x0A {
            return end
        }
        return nil
    }
}
