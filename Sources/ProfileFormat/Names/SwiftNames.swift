/// Shortens demangled Swift names the way Swift writes a function reference.
enum SwiftNames {
    /// `Module.Type.method(key: Swift.String) -> Swift.Int` → `Module.Type.method`, with
    /// generic arguments (`<…>`) dropped unless `keepGenerics`; closures and other
    /// `… in …` contexts keep their words.
    static func shorten(_ full: String, keepGenerics: Bool) -> String {
        var out: [UInt8] = []
        var paren = 0
        var angle = 0
        let b = Array(full.utf8)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: " ") && paren == 0 && angle == 0 && b[i...].starts(with: Array(" -> ".utf8)) {
                // A return type follows; skip it up to the next context (" in ").
                if let r = findIn(b, from: i) {
                    i = r
                    continue
                }
                break
            }
            switch c {
            case UInt8(ascii: "("): paren += 1
            case UInt8(ascii: ")"):
                paren -= 1
                i += 1
                continue
            case UInt8(ascii: "<") where paren == 0 && !keepGenerics: angle += 1
            case UInt8(ascii: ">") where paren == 0 && !keepGenerics && angle > 0:
                angle -= 1
                i += 1
                continue
            default: break
            }
            if paren == 0 && angle == 0 { out.append(c) }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The index of the next top-level " in " after `start`, if any.
    static func findIn(_ b: [UInt8], from start: Int) -> Int? {
        let needle = Array(" in ".utf8)
        var depth = 0
        var i = start
        while i < b.count {
            if b[i] == UInt8(ascii: "(") || b[i] == UInt8(ascii: "<") { depth += 1 }
            if b[i] == UInt8(ascii: ")") || b[i] == UInt8(ascii: ">") { depth -= 1 }
            if depth == 0 && b[i...].starts(with: needle) { return i }
            i += 1
        }
        return nil
    }
}
