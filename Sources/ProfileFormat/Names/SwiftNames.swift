/// Shortens demangled Swift names the way Swift writes a function reference; shared by the
/// heap profiler's symbolizer and the name step of pprof's symbolizer.
public enum SwiftNames {
    /// Shortens a demangled Swift name the way Swift writes a function reference: parameter lists
    /// become their labels, and effects and return types go, so
    /// `M.T.read(from: M.Body, limit: Swift.Int) async throws -> M.Buffer` becomes `M.T.read(from:limit:)`.
    public static func simplify(_ name: String) -> String {
        let chars = Array(
            collapsePrivateNames(dropExtensionContexts(dropSpecializationPrefixes(dropPartialFunctionPrefix(name)))))
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            // A generic function's parameter clause goes with its parameter list: `map<A, B>(_:)` → `map(_:)`.
            if c == "<", i > 0, isNameCharacter(chars[i - 1]), let close = matching(chars, from: i),
                close + 1 < chars.count, chars[close + 1] == "("
            {
                i = close + 1
                continue
            }
            if c == "(", i > 0, isNameCharacter(chars[i - 1]), !out.hasSuffix("throws"), let close = matching(chars, from: i) {
                out += "(" + labels(String(chars[(i + 1)..<close])) + ")"
                i = skipSignatureTail(chars, from: close + 1)
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// An async function is split at each await into partial functions named
    /// `(2) await resume partial function for F`; a profile shows them all as F, so that F's lines
    /// gather in one place and `list F` finds them.
    static func dropPartialFunctionPrefix(_ name: String) -> String {
        guard name.hasPrefix("("), let close = name.firstIndex(of: ")"),
            name[name.index(after: name.startIndex)..<close].allSatisfy(\.isNumber)
        else { return name }
        let rest = name[name.index(after: close)...]
        for kind in [" await resume partial function for ", " suspend resume partial function for "]
        where rest.hasPrefix(kind) {
            return String(rest.dropFirst(kind.count))
        }
        return name
    }

    /// The optimizer's clones keep their function's name: `function signature specialization
    /// <Arg[2] = Dead> of F`, `generic specialization <Swift.Int> of F` and `merged F` show as F.
    static func dropSpecializationPrefixes(_ name: String) -> String {
        var s = Substring(name)
        while true {
            if s.hasPrefix("merged ") {
                s = s.dropFirst("merged ".count)
                continue
            }
            var matched = false
            for kind in ["function signature specialization <", "generic specialization <"] where s.hasPrefix(kind) {
                var depth = 1
                var i = s.index(s.startIndex, offsetBy: kind.count)
                while i < s.endIndex && depth > 0 {
                    if s[i] == "<" { depth += 1 } else if s[i] == ">" && s[s.index(before: i)] != "-" { depth -= 1 }
                    i = s.index(after: i)
                }
                if depth == 0 && s[i...].hasPrefix(" of ") {
                    s = s[s.index(i, offsetBy: 4)...]
                    matched = true
                }
            }
            if !matched { return String(s) }
        }
    }

    /// `(extension in Swift):Swift.Collection.map` → `Swift.Collection.map`: the module that
    /// extends a type says where the code lives, which the frame's file already shows.
    static func dropExtensionContexts(_ name: String) -> String {
        var out = ""
        var rest = Substring(name)
        while let start = rest.firstRange(of: "(extension in ") {
            out += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            guard let close = after.firstRange(of: "):") else {
                out += rest[start.lowerBound...]
                return out
            }
            rest = after[close.upperBound...]
        }
        return out + rest
    }

    /// `M.T.(read in _A2664…)` → `M.T.read`: private declarations carry their file's hash.
    static func collapsePrivateNames(_ name: String) -> String {
        var out = ""
        var rest = Substring(name)
        while let open = rest.firstIndex(of: "(") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: ")"), let inRange = after[..<close].firstRange(of: " in _"),
                after[after.startIndex..<inRange.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                after[inRange.upperBound..<close].allSatisfy({ $0.isHexDigit })
            {
                out += after[after.startIndex..<inRange.lowerBound]
                rest = after[after.index(after: close)...]
            } else {
                out += "("
                rest = after
            }
        }
        return out + rest
    }

    private static func isNameCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == ">" || c == "`"
    }

    /// The index of the bracket that closes the one at `from` ((), <> and [] nest).
    private static func matching(_ chars: [Character], from: Int) -> Int? {
        var depth = 0
        var i = from
        while i < chars.count {
            switch chars[i] {
            case "(", "<", "[": depth += 1
            case ")", ">", "]":
                if chars[i] == ">" && i > 0 && chars[i - 1] == "-" { break }  // "->" is no bracket
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// `from: M.Body, _: Swift.Int` → `from:_:`.
    private static func labels(_ params: String) -> String {
        var parts: [String] = []
        var depth = 0
        var current = ""
        for c in params {
            if "(<[".contains(c) { depth += 1 }
            if ")>]".contains(c) && !current.hasSuffix("-") { depth -= 1 }
            if c == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.trimmingSpaces().isEmpty { parts.append(current) }
        return parts.map { part -> String in
            let p = part.trimmingSpaces()
            if let colon = p.firstIndex(of: ":"), p[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                return String(p[..<colon]) + ":"
            }
            return "_:"
        }.joined()
    }

    /// Skips ` async`, ` throws`, ` throws(E)`, ` rethrows` and ` -> Type` after a parameter list; the
    /// return type ends at the end of the name or at ` in ` (closures: "closure #1 in f(x:)").
    private static func skipSignatureTail(_ chars: [Character], from start: Int) -> Int {
        var i = start
        func at(_ word: String) -> Bool {
            let w = Array(word)
            return i + w.count <= chars.count && Array(chars[i..<(i + w.count)]) == w
        }
        while true {
            if at(" async") { i += 6 } else if at(" rethrows") { i += 9 } else if at(" throws") {
                i += 7
                if i < chars.count, chars[i] == "(", let close = matching(chars, from: i) { i = close + 1 }
            } else { break }
        }
        guard at(" -> ") else { return i }
        i += 4
        var depth = 0
        while i < chars.count {
            if depth == 0 && at(" in ") { return i }
            switch chars[i] {
            case "(", "<", "[": depth += 1
            case ")", "]": depth -= 1
            case ">": if chars[i - 1] != "-" { depth -= 1 }
            default: break
            }
            if depth < 0 { return i }
            i += 1
        }
        return i
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
