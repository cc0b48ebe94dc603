/// Shortens demangled Swift names the way Swift writes a function reference; shared by the
/// heap profiler's symbolizer and the name step of pprof's symbolizer.
///
/// It runs for every Swift function a profile names (tens of thousands when a release binary is
/// symbolized), so it works on the name's UTF-8 bytes: every bracket, space and keyword it looks
/// for is ASCII, and the few questions about letters and digits outside ASCII are asked of the
/// name's Characters only when such bytes are there.
public enum SwiftNames {
    /// Shortens a demangled Swift name the way Swift writes a function reference: parameter lists
    /// become their labels, and effects and return types go, so
    /// `M.T.read(from: M.Body, limit: Swift.Int) async throws -> M.Buffer` becomes `M.T.read(from:limit:)`.
    public static func simplify(_ name: String) -> String {
        let bytes = Array(name.utf8)
        let start = specializationPrefixesEnd(bytes, from: partialFunctionPrefixEnd(bytes))
        let name = collapsePrivateNames(dropExtensionContexts(start == 0 ? bytes : Array(bytes[start...])))
        return String(decoding: shortenSignatures(name), as: UTF8.self)
    }

    /// An async function is split at each await into partial functions named
    /// `(2) await resume partial function for F`; a profile shows them all as F, so that F's lines
    /// gather in one place and `list F` finds them. Returns where F starts (0 without the prefix).
    static func partialFunctionPrefixEnd(_ b: [UInt8]) -> Int {
        guard b.first == ASCII.open, let close = b.firstIndex(of: ASCII.close),
            all(b, 1..<close, ascii: ASCII.isDigit, character: \.isNumber)
        else { return 0 }
        for kind in [Word.awaitResume, Word.suspendResume] where b.has(kind, at: close + 1) {
            return close + 1 + kind.count
        }
        return 0
    }

    /// The optimizer's clones keep their function's name: `function signature specialization
    /// <Arg[2] = Dead> of F`, `generic specialization <Swift.Int> of F` and `merged F` show as F.
    /// Returns where F starts.
    static func specializationPrefixesEnd(_ b: [UInt8], from start: Int) -> Int {
        var s = start
        while true {
            if b.has(Word.merged, at: s) {
                s += Word.merged.count
                continue
            }
            var matched = false
            for kind in [Word.signatureSpecialization, Word.genericSpecialization] where b.has(kind, at: s) {
                var depth = 1
                var i = s + kind.count
                while i < b.count && depth > 0 {
                    if b[i] == ASCII.less { depth += 1 } else if b[i] == ASCII.greater && b[i - 1] != ASCII.minus { depth -= 1 }
                    i += 1
                }
                if depth == 0 && b.has(Word.of, at: i) {
                    s = i + Word.of.count
                    matched = true
                }
            }
            if !matched { return s }
        }
    }

    /// `(extension in Swift):Swift.Collection.map` → `Swift.Collection.map`: the module that
    /// extends a type says where the code lives, which the frame's file already shows.
    static func dropExtensionContexts(_ b: [UInt8]) -> [UInt8] {
        guard var at = b.find(Word.extensionIn, from: 0) else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var pos = 0
        while true {
            out += b[pos..<at]
            guard let close = b.find(Word.extensionEnd, from: at + Word.extensionIn.count) else {
                out += b[at...]
                return out
            }
            pos = close + Word.extensionEnd.count
            guard let next = b.find(Word.extensionIn, from: pos) else {
                out += b[pos...]
                return out
            }
            at = next
        }
    }

    /// `M.T.(read in _A2664…)` → `M.T.read`: private declarations carry their file's hash.
    static func collapsePrivateNames(_ b: [UInt8]) -> [UInt8] {
        guard b.find(Word.privateIn, from: 0) != nil else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var pos = 0
        while let open = b.firstIndex(of: ASCII.open, from: pos) {
            out += b[pos..<open]
            let after = open + 1
            if let close = b.firstIndex(of: ASCII.close, from: after),
                let inAt = b.find(Word.privateIn, from: after, before: close),
                all(b, after..<inAt, ascii: ASCII.isLabel, character: isLabel),
                all(b, (inAt + Word.privateIn.count)..<close, ascii: ASCII.isHexDigit, character: \.isHexDigit)
            {
                out += b[after..<inAt]
                pos = close + 1
            } else {
                out.append(ASCII.open)
                pos = after
            }
        }
        out += b[pos...]
        return out
    }

    /// Parameter lists become their labels and what follows them (effects, return type) goes; a
    /// generic function's parameter clause goes with its parameter list: `map<A, B>(_:)` → `map(_:)`.
    static func shortenSignatures(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == ASCII.less, i > 0, isNameCharacter(b, before: i), let close = matching(b, from: i),
                close + 1 < b.count, b[close + 1] == ASCII.open
            {
                i = close + 1
                continue
            }
            if c == ASCII.open, i > 0, isNameCharacter(b, before: i), !out.hasSuffix(Word.throwsWord),
                let close = matching(b, from: i)
            {
                out.append(ASCII.open)
                appendLabels(b, (i + 1)..<close, to: &out)
                out.append(ASCII.close)
                i = skipSignatureTail(b, from: close + 1)
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// Whether the character that ends at byte `end` can end a name: a letter, a digit, `_`, the
    /// `>` of a generic clause or the backquote of an escaped name.
    private static func isNameCharacter(_ b: [UInt8], before end: Int) -> Bool {
        let c = b[end - 1]
        if c < 0x80 { return ASCII.isLabel(c) || c == ASCII.greater || c == ASCII.backquote }
        guard let last = String(decoding: b[..<end], as: UTF8.self).last else { return false }
        return last.isLetter || last.isNumber
    }

    private static func isLabel(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// Whether every character of `b[range]` passes: by byte when they are all ASCII, else by
    /// Character (so that `é` is a letter and a fullwidth `Ａ` a hex digit, as Swift says).
    private static func all(
        _ b: [UInt8], _ range: Range<Int>, ascii: (UInt8) -> Bool, character: (Character) -> Bool
    ) -> Bool {
        for i in range where b[i] >= 0x80 {
            return String(decoding: b[range], as: UTF8.self).allSatisfy(character)
        }
        for i in range where !ascii(b[i]) { return false }
        return true
    }

    /// The index of the bracket that closes the one at `from` ((), <> and [] nest).
    private static func matching(_ b: [UInt8], from: Int) -> Int? {
        var depth = 0
        var i = from
        while i < b.count {
            switch b[i] {
            case ASCII.open, ASCII.less, ASCII.openSquare: depth += 1
            case ASCII.close, ASCII.greater, ASCII.closeSquare:
                if b[i] == ASCII.greater && i > 0 && b[i - 1] == ASCII.minus { break }  // "->" is no bracket
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// `from: M.Body, _: Swift.Int` → `from:_:`, appended to `out`.
    private static func appendLabels(_ b: [UInt8], _ params: Range<Int>, to out: inout [UInt8]) {
        var depth = 0
        var part = params.lowerBound
        for i in params {
            switch b[i] {
            case ASCII.open, ASCII.less, ASCII.openSquare: depth += 1
            // A closing bracket right after "-" within the parameter does not close ("->").
            case ASCII.close, ASCII.greater, ASCII.closeSquare: if !(i > part && b[i - 1] == ASCII.minus) { depth -= 1 }
            case ASCII.comma where depth == 0:
                appendLabel(b, part..<i, to: &out)
                part = i + 1
            default: break
            }
        }
        let last = trimmingSpaces(b, part..<params.upperBound)
        if !last.isEmpty { appendLabel(b, last, to: &out) }
    }

    /// One parameter's label and colon (`from: M.Body` → `from:`), or `_:` when it has none.
    private static func appendLabel(_ b: [UInt8], _ param: Range<Int>, to out: inout [UInt8]) {
        let p = trimmingSpaces(b, param)
        if let colon = b.firstIndex(of: ASCII.colon, from: p.lowerBound, before: p.upperBound),
            all(b, p.lowerBound..<colon, ascii: ASCII.isLabel, character: isLabel)
        {
            out += b[p.lowerBound...colon]
        } else {
            out += Word.unlabeled
        }
    }

    private static func trimmingSpaces(_ b: [UInt8], _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound
        var hi = r.upperBound
        while lo < hi && b[lo] == ASCII.space { lo += 1 }
        while hi > lo && b[hi - 1] == ASCII.space { hi -= 1 }
        return lo..<hi
    }

    /// Skips ` async`, ` throws`, ` throws(E)`, ` rethrows` and ` -> Type` after a parameter list; the
    /// return type ends at the end of the name or at ` in ` (closures: "closure #1 in f(x:)").
    private static func skipSignatureTail(_ b: [UInt8], from start: Int) -> Int {
        var i = start
        while true {
            if b.has(Word.spaceAsync, at: i) {
                i += Word.spaceAsync.count
            } else if b.has(Word.spaceRethrows, at: i) {
                i += Word.spaceRethrows.count
            } else if b.has(Word.spaceThrows, at: i) {
                i += Word.spaceThrows.count
                if i < b.count, b[i] == ASCII.open, let close = matching(b, from: i) { i = close + 1 }
            } else {
                break
            }
        }
        guard b.has(Word.arrow, at: i) else { return i }
        i += Word.arrow.count
        var depth = 0
        while i < b.count {
            if depth == 0 && b.has(Word.inClause, at: i) { return i }
            switch b[i] {
            case ASCII.open, ASCII.less, ASCII.openSquare: depth += 1
            case ASCII.close, ASCII.closeSquare: depth -= 1
            case ASCII.greater: if b[i - 1] != ASCII.minus { depth -= 1 }
            default: break
            }
            if depth < 0 { return i }
            i += 1
        }
        return i
    }

    private enum ASCII {
        static let open = UInt8(ascii: "("), close = UInt8(ascii: ")")
        static let less = UInt8(ascii: "<"), greater = UInt8(ascii: ">")
        static let openSquare = UInt8(ascii: "["), closeSquare = UInt8(ascii: "]")
        static let minus = UInt8(ascii: "-"), comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
        static let space = UInt8(ascii: " "), underscore = UInt8(ascii: "_"), backquote = UInt8(ascii: "`")

        static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
        static func isLabel(_ c: UInt8) -> Bool { isLetter(c) || isDigit(c) || c == underscore }
        static func isHexDigit(_ c: UInt8) -> Bool {
            isDigit(c) || ((c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "f"))
        }
    }

    /// The words the demangler writes around a function's name, as bytes.
    private enum Word {
        static let awaitResume = Array(" await resume partial function for ".utf8)
        static let suspendResume = Array(" suspend resume partial function for ".utf8)
        static let merged = Array("merged ".utf8)
        static let signatureSpecialization = Array("function signature specialization <".utf8)
        static let genericSpecialization = Array("generic specialization <".utf8)
        static let of = Array(" of ".utf8)
        static let extensionIn = Array("(extension in ".utf8)
        static let extensionEnd = Array("):".utf8)
        static let privateIn = Array(" in _".utf8)
        static let throwsWord = Array("throws".utf8)
        static let spaceThrows = Array(" throws".utf8)
        static let spaceRethrows = Array(" rethrows".utf8)
        static let spaceAsync = Array(" async".utf8)
        static let arrow = Array(" -> ".utf8)
        static let inClause = Array(" in ".utf8)
        static let unlabeled = Array("_:".utf8)
    }
}

extension [UInt8] {
    /// Whether `word` is at `i`.
    fileprivate func has(_ word: [UInt8], at i: Int) -> Bool {
        guard i >= 0, i + word.count <= count else { return false }
        for k in 0..<word.count where self[i + k] != word[k] { return false }
        return true
    }

    fileprivate func hasSuffix(_ word: [UInt8]) -> Bool { has(word, at: count - word.count) }

    /// Where `word` first starts at or after `from`, ending before `limit`.
    fileprivate func find(_ word: [UInt8], from: Int, before limit: Int? = nil) -> Int? {
        let end = (limit ?? count) - word.count
        guard let first = word.first, from <= end else { return nil }
        var i = from
        while i <= end {
            if self[i] == first && has(word, at: i) { return i }
            i += 1
        }
        return nil
    }

    fileprivate func firstIndex(of c: UInt8, from: Int, before limit: Int? = nil) -> Int? {
        var i = from
        let end = limit ?? count
        while i < end {
            if self[i] == c { return i }
            i += 1
        }
        return nil
    }
}
