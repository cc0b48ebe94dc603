import Foundation
import ProfileFormat

extension Report {
    /// `raw`: the profile as text, in pprof's Profile.String layout.
    public func printRaw(_ w: inout String) {
        let p = profile
        var ss: [String] = []
        for c in p.comments { ss.append("Comment: " + c) }
        ss.append("PeriodType: \(p.periodType.type) \(p.periodType.unit)")
        ss.append("Period: \(p.period)")
        if p.timeNanos != 0 { ss.append("Time: " + GoTime.string(nanos: p.timeNanos)) }
        if p.durationNanos != 0 {
            ss.append("Duration: " + String(GoTime.durationString(p.durationNanos).unicodeScalars.prefix(4)))
        }
        ss.append("Samples:")
        var header = ""
        for st in p.sampleTypes {
            header += "\(st.type)/\(st.unit)\(st.type == p.defaultSampleType ? "[dflt]" : "") "
        }
        ss.append(header.trimmingCharacters(in: .whitespaces))
        for s in p.samples {
            var sv = ""
            for v in s.values { sv += " " + GoFormat.pad(String(v), 10) }
            sv += ": "
            for l in s.locations { sv += "\(p.locations[Int(l)].id) " }
            var lines = [sv]
            let pad = "                "
            if !s.labels.isEmpty {
                var byKey: [(String, [String])] = []
                for l in s.labels {
                    if let i = byKey.firstIndex(where: { $0.0 == l.key }) { byKey[i].1.append(l.value) } else { byKey.append((l.key, [l.value])) }
                }
                lines.append(pad + byKey.map { "\($0.0):[\($0.1.joined(separator: " "))]" }.sorted().joined(separator: " "))
            }
            if !s.numLabels.isEmpty {
                var byKey: [(String, [NumLabel])] = []
                for l in s.numLabels {
                    if let i = byKey.firstIndex(where: { $0.0 == l.key }) { byKey[i].1.append(l) } else { byKey.append((l.key, [l])) }
                }
                let parts = byKey.map { key, vals -> String in
                    if vals.contains(where: { !$0.unit.isEmpty }) {
                        return "\(key):[\(vals.map { "\($0.value) \($0.unit)" }.joined(separator: " "))]"
                    }
                    return "\(key):[\(vals.map { String($0.value) }.joined(separator: " "))]"
                }
                lines.append(pad + parts.sorted().joined(separator: " "))
            }
            ss.append(lines.joined(separator: "\n"))
        }
        ss.append("Locations")
        for l in p.locations {
            var locStr = GoFormat.pad(String(l.id), 6) + ": " + GoFormat.hexPrefixed(l.address) + " "
            if l.mapping >= 0 { locStr += "M=\(p.mappings[Int(l.mapping)].id) " }
            if l.isFolded { locStr += "[F] " }
            var parts: [String] = []
            if l.lines.isEmpty { parts.append(locStr) }
            for ln in l.lines {
                var lnStr = "??"
                if ln.function >= 0 {
                    let f = p.functions[Int(ln.function)]
                    lnStr = "\(f.name) \(f.filename):\(ln.line) s=\(f.startLine)"
                    if f.name != f.systemName { lnStr += "(" + f.systemName + ")" }
                }
                parts.append(locStr + lnStr)
                locStr = "             "
            }
            ss.append(parts.joined(separator: "\n"))
        }
        ss.append("Mappings")
        for m in p.mappings {
            var bits = ""
            if m.hasFunctions { bits += "[FN]" }
            if m.hasFilenames { bits += "[FL]" }
            if m.hasLineNumbers { bits += "[LN]" }
            if m.hasInlineFrames { bits += "[IN]" }
            ss.append(
                "\(m.id): \(GoFormat.hexPrefixed(m.start))/\(GoFormat.hexPrefixed(m.limit))/\(GoFormat.hexPrefixed(m.offset)) \(m.file) \(m.buildID) \(bits)"
            )
        }
        w += ss.joined(separator: "\n") + "\n"
    }

    /// `proto`: the filtered profile as gzip protobuf, values scaled by -divide_by.
    public func protoBytes() -> [UInt8] {
        var p = profile
        let r = options.ratio
        if r > 0 && r != 1 {
            for i in p.samples.indices {
                for j in p.samples[i].values.indices {
                    p.samples[i].values[j] = goInt64(Double(p.samples[i].values[j]) * r)
                }
            }
        }
        return p.serialized()
    }
}

extension GoTime {
    /// Go's Time.String: "2006-01-02 15:04:05.999999999 -0700 MST" in local time.
    public static func string(nanos: Int64) -> String {
        var secs = nanos / 1_000_000_000
        var frac = nanos % 1_000_000_000
        if frac < 0 {
            frac += 1_000_000_000
            secs -= 1
        }
        var t = time_t(secs)
        var tm = tm()
        localtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var s = "\(Int(tm.tm_year) + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday)) "
        s += "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))"
        if frac != 0 {
            var f = String(frac)
            f = String(repeating: "0", count: 9 - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        let off = Int(tm.tm_gmtoff)
        let sign = off < 0 ? "-" : "+"
        let a = abs(off)
        let hh = a / 3600, mm = (a % 3600) / 60
        s += " \(sign)\(hh < 10 ? "0" : "")\(hh)\(mm < 10 ? "0" : "")\(mm)"
        let zone = tm.tm_zone.map { String(cString: $0) } ?? "UTC"
        s += " " + zone
        return s
    }

    /// Go's time.Duration.String: "1h2m3.5s", "30.13s", "1.5ms", "0s".
    public static func durationString(_ d: Int64) -> String {
        if d == 0 { return "0s" }
        let neg = d < 0
        let u = d.magnitude
        var out: String
        if u < 1_000_000_000 {
            // Below a second: ns, µs or ms with a fraction.
            let (unit, div): (String, UInt64) = u < 1000 ? ("ns", 1) : u < 1_000_000 ? ("µs", 1000) : ("ms", 1_000_000)
            out = fractionString(u, div) + unit
        } else {
            var rest = u
            let hours = rest / 3_600_000_000_000
            rest %= 3_600_000_000_000
            let minutes = rest / 60_000_000_000
            rest %= 60_000_000_000
            out = fractionString(rest, 1_000_000_000) + "s"
            if hours > 0 || minutes > 0 { out = "\(minutes)m" + out }
            if hours > 0 { out = "\(hours)h" + out }
        }
        return neg ? "-" + out : out
    }

    private static func fractionString(_ v: UInt64, _ div: UInt64) -> String {
        let whole = v / div
        var frac = v % div
        if frac == 0 || div == 1 { return String(whole) }
        var digits = 0
        var d = div
        while d > 1 {
            d /= 10
            digits += 1
        }
        var f = String(frac)
        f = String(repeating: "0", count: digits - f.count) + f
        while f.hasSuffix("0") { f.removeLast() }
        frac = 0
        return "\(whole).\(f)"
    }
}
