// Small text helpers for the SVG writers.

/// The package part of a Go-style function name ("image/jpeg" of "image/jpeg.(*decoder).decode").
func packageName(_ name: String) -> Substring {
    let u = name.utf8
    let start = u.lastIndex(of: UInt8(ascii: "/")).map { u.index(after: $0) } ?? u.startIndex
    let dot = u[start...].firstIndex(of: UInt8(ascii: ".")) ?? u.endIndex
    let space = u[u.startIndex..<dot].firstIndex(of: UInt8(ascii: " ")) ?? dot
    return Substring(u[u.startIndex..<min(dot, space)])
}

/// Escapes text for XML content and attribute values.
func xmlEscape(_ s: String) -> String {
    if !s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 < 0x20 }) {
        return s
    }
    var out = ""
    for ch in s.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\n", "\t": out.unicodeScalars.append(ch)
        default:
            // Other control characters are not allowed in XML 1.0.
            if ch.value < 0x20 { out += "\u{FFFD}" } else { out.unicodeScalars.append(ch) }
        }
    }
    return out
}
