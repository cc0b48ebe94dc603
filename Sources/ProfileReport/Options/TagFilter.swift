import ProfileFormat

/// `-tagfocus`/`-tagignore` values: a regexp list (`key=re1,re2`) or a numeric range
/// (`32kb`, `:64kb`, `4mb:`, `12kb:64mb`, optionally `key=`).
enum TagFilter {
    static let rangeRx = try! GoRegex("([+-]?[[:digit:]]+)([[:alpha:]]+)?")

    static func compile(
        _ name: String, _ input: String, _ numLabelUnits: [String: String], warn: (String) -> Void
    ) throws(ReportError) -> ((Sample) -> Bool)? {
        if input.isEmpty { return nil }
        var value = input
        var wantKey = ""
        if let eq = input.firstIndex(of: "=") {
            wantKey = String(input[..<eq])
            value = String(input[input.index(after: eq)...])
        }
        if let numFilter = parseRange(value) {
            warn("\(name):Interpreted '\(value)' as range, not regexp")
            func labelFilter(_ vals: [NumLabel], _ unit: String) -> Bool {
                vals.contains { numFilter($0.value, unit) }
            }
            if wantKey.isEmpty {
                return { s in
                    // Any key whose values pass.
                    var byKey: [String: [NumLabel]] = [:]
                    for nl in s.numLabels { byKey[nl.key, default: []].append(nl) }
                    return byKey.contains { labelFilter($0.value, numLabelUnits[$0.key] ?? "") }
                }
            }
            return { s in
                let vals = s.numLabels.filter { $0.key == wantKey }
                return !vals.isEmpty && labelFilter(vals, numLabelUnits[wantKey] ?? "")
            }
        }
        var regexes: [GoRegex] = []
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            do {
                regexes.append(try GoRegex(String(part)))
            } catch {
                throw ReportError("parsing \(name) regexp: \(error)")
            }
        }
        if wantKey.isEmpty {
            return { s in
                regexes.allSatisfy { rx in s.labels.contains { rx.matches($0.key + ":" + $0.value) } }
            }
        }
        return { s in
            let vals = s.labelValues(wantKey)
            if vals.isEmpty { return false }
            return regexes.contains { rx in vals.contains { rx.matches($0) } }
        }
    }

    /// A numeric range test, or nil when `filter` is not a range.
    static func parseRange(_ filter: String) -> ((Int64, String) -> Bool)? {
        let ranges = rangeRx.allMatches(filter, limit: 2)
        if ranges.isEmpty { return nil }
        guard let v = Int64(ranges[0][1]!) else { return nil }
        let u0 = ranges[0][2] ?? ""
        let (scaledValue, unit) = Measurement.scale(v, from: u0, to: u0)
        if ranges.count == 1 {
            let match = ranges[0][0]!
            if filter == match {
                return { v, u in
                    let (sv, su) = Measurement.scale(v, from: u, to: unit)
                    return su == unit && sv == scaledValue
                }
            }
            if filter == match + ":" {
                return { v, u in
                    let (sv, su) = Measurement.scale(v, from: u, to: unit)
                    return su == unit && sv >= scaledValue
                }
            }
            if filter == ":" + match {
                return { v, u in
                    let (sv, su) = Measurement.scale(v, from: u, to: unit)
                    return su == unit && sv <= scaledValue
                }
            }
            return nil
        }
        if filter != ranges[0][0]! + ":" + ranges[1][0]! { return nil }
        guard let v2 = Int64(ranges[1][1]!) else { return nil }
        let (scaledValue2, unit2) = Measurement.scale(v2, from: ranges[1][2] ?? "", to: unit)
        if unit != unit2 { return nil }
        return { v, u in
            let (sv, su) = Measurement.scale(v, from: u, to: unit)
            return su == unit && sv >= scaledValue && sv <= scaledValue2
        }
    }
}
