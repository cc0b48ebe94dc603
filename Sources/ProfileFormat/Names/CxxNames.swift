/// Simplifies demangled C++ names the way go's demangler prints them without parameters
/// (`demangle.NoParams`) and without template arguments (`demangle.NoTemplateParams`).
enum CxxNames {
    /// Names that are not functions: printed whole.
    static let thunkPrefixes = [
        "non-virtual thunk to ", "virtual thunk to ", "covariant return thunk to ", "transaction clone for ",
    ]
    /// Names of data about a type or variable: the prefix, then the name simplified.
    static let specialPrefixes = [
        "guard variable for ",
        "vtable for ", "typeinfo for ", "typeinfo name for ", "VTT for ", "construction vtable for ",
        "reference temporary #", "TLS init function for ", "TLS wrapper function for ",
    ]

    /// `name [clone .cold] [clone .constprop.0]` → `name`.
    static func removeClones(_ s: String) -> String {
        var s = Substring(s)
        while s.hasSuffix("]"), let r = s.range(of: " [clone ", options: .backwards) {
            s = s[..<r.lowerBound]
        }
        return String(s)
    }

    /// The qualified name of a demangled function: no return type, parameters or qualifiers;
    /// template arguments only when `keepTemplates` (then without function parameter lists).
    static func simplify(_ full: String, keepTemplates: Bool) -> String {
        let b = Array(full.utf8)
        let tokens = tokenize(b)
        if thunkPrefixes.contains(where: { full.hasPrefix($0) }) || specialPrefixes.contains(where: { full.hasPrefix($0) }) {
            // A thunk keeps its parameters, a variable or type has none: only templates go.
            return keepTemplates ? full : render(b, tokens, 0..<b.count, keepTemplates: false)
        }
        // The name ends at the parameter list: the first top-level `(` that is not part of a name
        // and follows one (`decltype (…) ns::f<…>(…)`: the first group is the return type's).
        var nameEnd = b.count
        var nameStart = 0
        for t in tokens where t.depth == 0 {
            if t.kind == .open && b[t.start] == UInt8(ascii: "(") && t.start > nameStart {
                nameEnd = t.start
                break
            }
            if t.kind == .space { nameStart = t.start + 1 }
        }
        return render(b, tokens, nameStart..<nameEnd, keepTemplates: keepTemplates)
    }

    /// The tokens starting in `range`, without template arguments unless `keepTemplates` (and
    /// then without the parameter lists of function types inside them).
    static func render(_ b: [UInt8], _ tokens: [Token], _ range: Range<Int>, keepTemplates: Bool) -> String {
        let nameStart = range.lowerBound
        let nameEnd = range.upperBound
        var out: [UInt8] = []
        out.reserveCapacity(nameEnd - nameStart)
        var skipDepth = -1  // inside a removed group until the depth drops below this
        var templateDepth = 0
        for t in tokens where t.start >= nameStart && t.start < nameEnd {
            if skipDepth >= 0 {
                if t.kind == .close && t.depth == skipDepth { skipDepth = -1 }
                continue
            }
            let c = b[t.start]
            if t.kind == .open && c == UInt8(ascii: "<") {
                if !keepTemplates {
                    skipDepth = t.depth
                    // `operator<< <char>`: the space before the arguments goes with them.
                    if out.last == UInt8(ascii: " ") { out.removeLast() }
                    continue
                }
                templateDepth += 1
            } else if t.kind == .close && c == UInt8(ascii: ">") {
                templateDepth -= 1
            } else if keepTemplates && templateDepth > 0 && t.kind == .open && c == UInt8(ascii: "("),
                let before = b[nameStart..<t.start].last(where: { $0 != UInt8(ascii: " ") }),
                before != UInt8(ascii: ","), before != UInt8(ascii: "<")
            {
                // go prints function types inside template arguments without their parameters
                // (a cast such as `(Enum)2` is kept).
                skipDepth = t.depth
                continue
            }
            out += b[t.start..<t.end]
        }
        return String(decoding: out, as: UTF8.self)
    }

    enum Kind { case text, open, close, space }
    struct Token {
        var kind: Kind
        var start: Int
        var end: Int
        /// Nesting depth outside this token (an opening bracket's own depth).
        var depth: Int
    }

    static let operatorSymbols = [
        "<=>", "<<=", ">>=", "->*", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "++", "--", "->", "()", "[]",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "~", "!",
        "=", ",",
    ].map { Array($0.utf8) }

    /// Splits a demangled name into brackets, top-level spaces and text, keeping operator names
    /// (`operator<<`, `operator()`, `operator new[]`) and `(anonymous namespace)` as text.
    static func tokenize(_ b: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var depth = 0
        var i = 0
        let op = Array("operator".utf8)
        let anonymous = Array("(anonymous namespace)".utf8)
        func isIdent(_ c: UInt8) -> Bool {
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
        }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "o"), b[i...].starts(with: op), i == 0 || !isIdent(b[i - 1]),
                i + op.count == b.count || !isIdent(b[i + op.count])
            {
                var j = i + op.count
                if let sym = operatorSymbols.first(where: { b[j...].starts(with: $0) }) {
                    j += sym.count
                    // `operator<< <char>`: the space before template arguments is part of the name.
                    if j + 1 < b.count && b[j] == UInt8(ascii: " ") && b[j + 1] == UInt8(ascii: "<") { j += 1 }
                } else if j < b.count && b[j] == UInt8(ascii: " ") {
                    // operator new/delete[] or a conversion operator: up to the parameter list.
                    j += 1
                    var d = 0
                    while j < b.count {
                        let x = b[j]
                        if x == UInt8(ascii: "<") { d += 1 } else if x == UInt8(ascii: ">") { d -= 1 }
                        if d == 0 && x == UInt8(ascii: "(") { break }
                        j += 1
                    }
                }
                tokens.append(Token(kind: .text, start: i, end: j, depth: depth))
                i = j
                continue
            }
            if c == UInt8(ascii: "("), b[i...].starts(with: anonymous) {
                tokens.append(Token(kind: .text, start: i, end: i + anonymous.count, depth: depth))
                i += anonymous.count
                continue
            }
            switch c {
            case UInt8(ascii: "("), UInt8(ascii: "<"), UInt8(ascii: "["), UInt8(ascii: "{"):
                tokens.append(Token(kind: .open, start: i, end: i + 1, depth: depth))
                depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: ">"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
                tokens.append(Token(kind: .close, start: i, end: i + 1, depth: depth))
            case UInt8(ascii: " ") where depth == 0:
                tokens.append(Token(kind: .space, start: i, end: i + 1, depth: depth))
            default:
                tokens.append(Token(kind: .text, start: i, end: i + 1, depth: depth))
            }
            i += 1
        }
        return tokens
    }
}

/// Rust's legacy mangling (Itanium-shaped, `17h<hash>E` last): the hash dropped and `$…$`
/// escapes decoded, as go's demangler prints them.
enum RustLegacyNames {
    static func simplify(_ raw: String, _ demangled: String) -> String? {
        guard raw.hasPrefix("_ZN"), raw.hasSuffix("E") else { return nil }
        let body = raw.dropLast()
        guard body.count > 20 else { return nil }
        let hash = body.suffix(19)
        guard hash.hasPrefix("17h"), hash.dropFirst(3).allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        guard let r = demangled.range(of: "::h", options: .backwards) else { return nil }
        var name = String(demangled[..<r.lowerBound])
        let escapes = [
            ("$SP$", "@"), ("$BP$", "*"), ("$RF$", "&"), ("$LT$", "<"), ("$GT$", ">"), ("$LP$", "("), ("$RP$", ")"),
            ("$C$", ","), ("$u7e$", "~"), ("$u20$", " "), ("$u27$", "'"), ("$u5b$", "["), ("$u5d$", "]"),
            ("$u7b$", "{"), ("$u7d$", "}"), ("$u3b$", ";"), ("$u2b$", "+"), ("$u22$", "\""), ("..", "::"),
        ]
        for (k, v) in escapes where name.contains(k) { name = name.replacingOccurrences(of: k, with: v) }
        return name
    }
}
