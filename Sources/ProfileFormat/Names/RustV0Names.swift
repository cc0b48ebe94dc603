/// Rust's v0 symbol mangling (`_R…`), demangled as go tool pprof 1.19 prints it: the whole
/// path with generic arguments, in every `demangle=` mode (go's Rust demangler takes none of the
/// C++ options), a `.suffix` dropped, the instantiating crate left out. Anything malformed gives
/// nil and the name stays as it was. Bounded: the output is capped and back references nest at
/// most `maxDepth` deep.
enum RustV0Names {
    static let maxOutput = 1 << 16
    static let maxDepth = 200

    struct Failure: Error {}

    static func demangle(_ raw: String) -> String? {
        guard raw.hasPrefix("_R") else { return nil }
        var bytes = Array(raw.utf8.dropFirst(2))
        if let dot = bytes.firstIndex(of: UInt8(ascii: ".")) { bytes = Array(bytes[..<dot]) }
        var s = State(orig: bytes)
        do {
            try s.symbolName()
        } catch {
            return nil
        }
        return String(decoding: s.out, as: UTF8.self)
    }

    struct State {
        let orig: [UInt8]
        var pos = 0
        var end: Int
        var out: [UInt8] = []
        var skip = false
        var lifetimes: Int64 = 0
        var last: UInt8 = 0
        var depth = 0

        init(orig: [UInt8]) {
            self.orig = orig
            end = orig.count
        }

        var peek: UInt8? { pos < end ? orig[pos] : nil }

        mutating func next() throws(Failure) -> UInt8 {
            guard pos < end else { throw Failure() }
            pos += 1
            return orig[pos - 1]
        }

        mutating func expect(_ c: Character) throws(Failure) {
            guard peek == c.asciiValue else { throw Failure() }
            pos += 1
        }

        mutating func write(_ s: String) throws(Failure) {
            guard !skip, !s.isEmpty else { return }
            out += s.utf8
            last = out.last!
            if out.count > RustV0Names.maxOutput { throw Failure() }
        }

        mutating func symbolName() throws(Failure) {
            guard let c = peek, !(c >= 48 && c <= 57) else { throw Failure() }  // no encoding version
            try path(true)
            if pos < end {
                skip = true
                try path(false)  // the instantiating crate, not printed
            }
            if pos < end { throw Failure() }
        }

        mutating func path(_ separator: Bool) throws(Failure) {
            depth += 1
            defer { depth -= 1 }
            if depth > RustV0Names.maxDepth { throw Failure() }
            let c = try next()
            switch c {
            case UInt8(ascii: "C"):
                try write(try identifier().name)
            case UInt8(ascii: "M"), UInt8(ascii: "X"):
                try implPath()
                try write("<")
                try type()
                if c == UInt8(ascii: "X") {
                    try write(" as ")
                    try path(false)
                }
                try write(">")
            case UInt8(ascii: "Y"):
                try write("<")
                try type()
                try write(" as ")
                try path(false)
                try write(">")
            case UInt8(ascii: "N"):
                let ns = try next()
                guard (ns >= 97 && ns <= 122) || (ns >= 65 && ns <= 90) else { throw Failure() }
                try path(separator)
                let (dis, ident) = try identifier()
                if ns >= 65 && ns <= 90 {
                    let kind = ns == UInt8(ascii: "C") ? "closure" : ns == UInt8(ascii: "S") ? "shim" : String(UnicodeScalar(ns))
                    try write("::{" + kind + (ident.isEmpty ? "" : ":" + ident) + "#\(dis)}")
                } else {
                    try write("::" + ident)
                }
            case UInt8(ascii: "I"):
                try path(separator)
                if separator { try write("::") }
                try write("<")
                try genericArgs()
                try write(">")
            case UInt8(ascii: "B"):
                pos -= 1
                try backref { (s) throws(Failure) in try s.path(separator) }
            default:
                throw Failure()
            }
        }

        mutating func genericArgs() throws(Failure) {
            try list(", ") { (s) throws(Failure) in try s.genericArg() }
        }

        /// Items up to the closing `E`, written with `separator` between them.
        mutating func list(_ separator: String, _ item: (inout Self) throws(Failure) -> Void) throws(Failure) {
            var first = true
            while let c = peek, c != UInt8(ascii: "E") {
                if !first { try write(separator) }
                first = false
                try item(&self)
            }
            try expect("E")
        }

        mutating func implPath() throws(Failure) {
            let hold = skip
            skip = true
            defer { skip = hold }
            _ = try disambiguator()
            try path(false)
        }

        mutating func identifier() throws(Failure) -> (dis: Int64, name: String) {
            let dis = try disambiguator()
            return (dis, try undisambiguatedIdentifier().name)
        }

        mutating func disambiguator() throws(Failure) -> Int64 {
            guard peek == UInt8(ascii: "s") else { return 0 }
            pos += 1
            return try base62() + 1
        }

        mutating func undisambiguatedIdentifier() throws(Failure) -> (name: String, punycode: Bool) {
            var punycode = false
            if peek == UInt8(ascii: "u") {
                pos += 1
                punycode = true
            }
            let n = try decimal()
            if peek == UInt8(ascii: "_") { pos += 1 }
            guard end - pos >= n else { throw Failure() }
            let id = Array(orig[pos..<pos + n])
            pos += n
            for c in id where !((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95) {
                throw Failure()
            }
            let text = String(decoding: id, as: UTF8.self)
            return (punycode ? try Self.punycode(id) : text, punycode)
        }

        mutating func genericArg() throws(Failure) {
            switch peek {
            case UInt8(ascii: "L"):
                pos += 1
                try lifetime(try base62())
            case UInt8(ascii: "K"):
                pos += 1
                try constant()
            default:
                try type()
            }
        }

        mutating func binder() throws(Failure) {
            guard peek == UInt8(ascii: "G") else { return }
            pos += 1
            let count = try base62() + 1
            guard count < Int64(end - pos) - lifetimes else { throw Failure() }
            try write("for<")
            for i in 0..<count {
                if i > 0 { try write(", ") }
                lifetimes += 1
                try lifetime(1)
            }
            try write("> ")
        }

        static let basicTypes: [UInt8: String] = [
            97: "i8", 98: "bool", 99: "char", 100: "f64", 101: "str", 102: "f32", 104: "u8", 105: "isize", 106: "usize",
            108: "i32", 109: "u32", 110: "i128", 111: "u128", 112: "_", 115: "i16", 116: "u16", 117: "()", 118: "...",
            120: "i64", 121: "u64", 122: "!",
        ]

        mutating func type() throws(Failure) {
            depth += 1
            defer { depth -= 1 }
            if depth > RustV0Names.maxDepth { throw Failure() }
            guard let c = peek else { throw Failure() }
            if c >= 97 && c <= 122 {
                guard let name = Self.basicTypes[c] else { throw Failure() }
                pos += 1
                try write(name)
                return
            }
            switch c {
            case UInt8(ascii: "C"), UInt8(ascii: "M"), UInt8(ascii: "X"), UInt8(ascii: "Y"), UInt8(ascii: "N"), UInt8(ascii: "I"):
                try path(false)
            case UInt8(ascii: "A"), UInt8(ascii: "S"):
                pos += 1
                try write("[")
                try type()
                if c == UInt8(ascii: "A") {
                    try write("; ")
                    try constant()
                }
                try write("]")
            case UInt8(ascii: "T"):
                pos += 1
                try write("(")
                var n = 0
                while let d = peek, d != UInt8(ascii: "E") {
                    if n > 0 { try write(", ") }
                    n += 1
                    try type()
                }
                if n == 1 { try write(",") }
                try write(")")
                try expect("E")
            case UInt8(ascii: "R"), UInt8(ascii: "Q"):
                pos += 1
                try write("&")
                if peek == UInt8(ascii: "L") {
                    pos += 1
                    let l = try base62()
                    if l > 0 {
                        try lifetime(l)
                        try write(" ")
                    }
                }
                if c == UInt8(ascii: "Q") { try write("mut ") }
                try type()
            case UInt8(ascii: "P"):
                pos += 1
                try write("*const ")
                try type()
            case UInt8(ascii: "O"):
                pos += 1
                try write("*mut ")
                try type()
            case UInt8(ascii: "F"):
                pos += 1
                let hold = lifetimes
                try fnSig()
                lifetimes = hold
            case UInt8(ascii: "D"):
                pos += 1
                let hold = lifetimes
                try dynBounds()
                lifetimes = hold
                try expect("L")
                let l = try base62()
                if l > 0 {
                    if last != UInt8(ascii: " ") { try write(" ") }
                    try write("+ ")
                    try lifetime(l)
                }
            case UInt8(ascii: "B"):
                try backref { (s) throws(Failure) in try s.type() }
            default:
                throw Failure()
            }
        }

        mutating func fnSig() throws(Failure) {
            try binder()
            if peek == UInt8(ascii: "U") {
                pos += 1
                try write("unsafe ")
            }
            if peek == UInt8(ascii: "K") {
                pos += 1
                if peek == UInt8(ascii: "C") {
                    pos += 1
                    try write("extern \"C\" ")
                } else {
                    let (abi, punycode) = try undisambiguatedIdentifier()
                    if punycode { throw Failure() }
                    try write("extern \"" + abi.replacingOccurrences(of: "_", with: "-") + "\" ")
                }
            }
            try write("fn(")
            try list(", ") { (s) throws(Failure) in try s.type() }
            try write(")")
            if peek == UInt8(ascii: "u") {
                pos += 1
            } else {
                try write(" -> ")
                try type()
            }
        }

        mutating func dynBounds() throws(Failure) {
            try write("dyn ")
            try binder()
            try list(" + ") { (s) throws(Failure) in try s.dynTrait() }
        }

        mutating func dynTrait() throws(Failure) {
            var started = try pathStartGenerics()
            while peek == UInt8(ascii: "p") {
                pos += 1
                try write(started ? ", " : "<")
                started = true
                try write(try undisambiguatedIdentifier().name + " = ")
                try type()
            }
            if started { try write(">") }
        }

        mutating func pathStartGenerics() throws(Failure) -> Bool {
            switch peek {
            case UInt8(ascii: "I"):
                pos += 1
                try path(false)
                try write("<")
                try genericArgs()
                return true
            case UInt8(ascii: "B"):
                var started = false
                try backref { (s) throws(Failure) in started = try s.pathStartGenerics() }
                return started
            case nil:
                throw Failure()
            default:
                try path(false)
                return false
            }
        }

        mutating func lifetime(_ l: Int64) throws(Failure) {
            try write("'")
            if l == 0 {
                try write("_")
                return
            }
            let d = lifetimes - l
            guard d >= 0 else { throw Failure() }
            try write(d < 26 ? String(UnicodeScalar(UInt8(97 + d))) : "z\(d - 26 + 1)")
        }

        mutating func constant() throws(Failure) {
            guard let t = peek else { throw Failure() }
            if t == UInt8(ascii: "B") {
                try backref { (s) throws(Failure) in try s.constant() }
                return
            }
            if t == UInt8(ascii: "p") {
                pos += 1
                try write("_")
                return
            }
            let signed = "aslxni".utf8.contains(t)
            let unsigned = "htmyoj".utf8.contains(t)
            guard signed || unsigned || t == UInt8(ascii: "b") || t == UInt8(ascii: "c") else { throw Failure() }
            pos += 1
            if signed && peek == UInt8(ascii: "n") {
                pos += 1
                try write("-")
            }
            let start = pos
            var digits = 0
            var value: UInt64 = 0
            while true {
                let c = try next()
                if c == UInt8(ascii: "_") { break }
                let d: UInt64
                if c >= 48 && c <= 57 {
                    d = UInt64(c - 48)
                } else if c >= 97 && c <= 102 {
                    d = UInt64(c - 97 + 10)
                } else {
                    throw Failure()
                }
                if value == 0 && d == 0 && peek != UInt8(ascii: "_") { throw Failure() }
                value = value &* 16 &+ d
                digits += 1
            }
            guard digits > 0 else { throw Failure() }
            if signed || unsigned {
                try write(digits > 16 ? "0x" + String(decoding: orig[start..<start + digits], as: UTF8.self) : String(value))
            } else if t == UInt8(ascii: "b") {
                guard digits == 1, value <= 1 else { throw Failure() }
                try write(value == 0 ? "false" : "true")
            } else {
                guard digits <= 6 else { throw Failure() }
                let escaped: String
                switch value {
                case 9: escaped = "\\t"
                case 13: escaped = "\\r"
                case 10: escaped = "\\n"
                case 92: escaped = "\\\\"
                case 39: escaped = "\\'"
                case 32...126: escaped = String(UnicodeScalar(UInt8(value)))
                default: escaped = "\\u{" + String(value, radix: 16) + "}"
                }
                try write("'" + escaped + "'")
            }
        }

        mutating func base62() throws(Failure) -> Int64 {
            if peek == UInt8(ascii: "_") {
                pos += 1
                return 0
            }
            var value: Int64 = 0
            while pos < end {
                let c = orig[pos]
                pos += 1
                if c == UInt8(ascii: "_") { return value &+ 1 }
                let d: Int64
                if c >= 48 && c <= 57 {
                    d = Int64(c - 48)
                } else if c >= 97 && c <= 122 {
                    d = Int64(c - 97 + 10)
                } else if c >= 65 && c <= 90 {
                    d = Int64(c - 65 + 36)
                } else {
                    throw Failure()
                }
                // Wraps as go's int64 does: crate disambiguators are 64-bit hashes.
                value = value &* 62 &+ d
            }
            throw Failure()
        }

        mutating func decimal() throws(Failure) -> Int {
            guard pos < end else { throw Failure() }
            var value = 0
            while let c = peek, c >= 48 && c <= 57 {
                let d = Int(c - 48)
                if value >= Int(Int32.max) / 10 - d { throw Failure() }
                value = value * 10 + d
                pos += 1
            }
            return value
        }

        /// A back reference: parses again, with `parse`, from an earlier offset of the name.
        mutating func backref(_ parse: (inout State) throws(Failure) -> Void) throws(Failure) {
            let at = pos
            try expect("B")
            let index = try base62()
            if skip { return }
            guard index >= 0, index < Int64(at) else { throw Failure() }
            depth += 1
            defer { depth -= 1 }
            if depth > RustV0Names.maxDepth { throw Failure() }
            let (holdPos, holdEnd) = (pos, end)
            pos = Int(index)
            end = at
            defer { (pos, end) = (holdPos, holdEnd) }
            try parse(&self)
        }

        /// RFC 3492 punycode, as Rust writes identifiers outside ASCII (`u` prefix).
        static func punycode(_ s: [UInt8]) throws(Failure) -> String {
            let base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700
            var output: [Unicode.Scalar] = []
            var encoding = s[...]
            if let underscore = s.lastIndex(of: UInt8(ascii: "_")) {
                output = s[..<underscore].map { Unicode.Scalar($0) }
                encoding = s[(underscore + 1)...]
            }
            var i = 0, n = 128, bias = 72
            var p = encoding.startIndex
            while p < encoding.endIndex {
                let oldI = i
                var w = 1
                var k = base
                while true {
                    guard p < encoding.endIndex else { throw Failure() }
                    let d = encoding[p]
                    p += 1
                    let digit: Int
                    if d >= 48 && d <= 57 {
                        digit = Int(d) - 48 + 26
                    } else if d >= 65 && d <= 90 {
                        digit = Int(d) - 65
                    } else if d >= 97 && d <= 122 {
                        digit = Int(d) - 97
                    } else {
                        throw Failure()
                    }
                    let (add, o1) = digit.multipliedReportingOverflow(by: w)
                    let (sum, o2) = i.addingReportingOverflow(add)
                    guard !o1, !o2, sum <= Int(Int32.max) else { throw Failure() }
                    i = sum
                    let t = k <= bias ? tmin : (k > bias + tmax ? tmax : k - bias)
                    if digit < t { break }
                    guard w < Int(Int32.max) / base else { throw Failure() }
                    w *= base - t
                    k += base
                }
                var delta = i - oldI
                let points = output.count + 1
                delta = oldI == 0 ? delta / damp : delta / 2
                delta += delta / points
                var kk = 0
                while delta > ((base - tmin) * tmax) / 2 {
                    delta /= base - tmin
                    kk += base
                }
                bias = kk + ((base - tmin + 1) * delta) / (delta + skew)
                n += i / points
                guard n <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(n)) else { throw Failure() }
                i %= points
                output.insert(scalar, at: i)
                i += 1
                if output.count > RustV0Names.maxOutput { throw Failure() }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: output)
            return text
        }
    }
}
