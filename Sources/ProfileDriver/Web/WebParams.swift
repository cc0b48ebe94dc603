import Foundation
import ProfileReport

/// The web UI's URL parameters: go tool pprof's short names for report options, so that its
/// bookmarks and links carry over (`/ui/top?f=main&si=alloc_space&g=lines`).
enum WebParams {
    /// Option name → URL parameter, as go tool pprof's web UI spells them.
    static let names: [(option: String, param: String)] = [
        ("drop_negative", "dropneg"), ("call_tree", "calltree"), ("relative_percentages", "rel"),
        ("unit", "unit"), ("compact_labels", "compact"), ("intel_syntax", "intel"), ("nodecount", "n"),
        ("nodefraction", "nf"), ("edgefraction", "ef"), ("trim", "trim"), ("focus", "f"), ("ignore", "i"),
        ("prune_from", "prunefrom"), ("hide", "h"), ("show", "s"), ("show_from", "sf"), ("tagfocus", "tf"),
        ("tagignore", "ti"), ("tagshow", "ts"), ("taghide", "th"), ("mean", "mean"), ("sample_index", "si"),
        ("normalize", "norm"), ("sort", "sort"), ("granularity", "g"), ("noinlines", "noinlines"),
    ]

    /// The URL parameter of an option (nil when URLs do not carry it).
    static func param(of option: String) -> String? {
        names.first { $0.option == option }?.param
    }

    /// Parameters that are the page's own state rather than report options.
    static let pageParams: Set<String> = ["config", "diff"]

    /// `base` with the options in `query` applied, as go's applyURL does: an empty value leaves
    /// the option as it is; a value that does not fit is an error naming the option.
    static func apply(_ query: [String: String], to base: ReportConfig) throws(ReportError) -> ReportConfig {
        var cfg = base
        for (option, param) in names {
            guard let value = query[param], !value.isEmpty, let field = ReportConfig.field(named: option) else {
                continue
            }
            do {
                try cfg.set(field, value)
            } catch {
                throw ReportError("error setting config field \(option): \(error.message)")
            }
        }
        return cfg
    }

    /// The parameters that make `cfg` from the defaults: options at their default value are
    /// left out; booleans are shortened to `t`/`f` as go does.
    static func encode(_ cfg: ReportConfig, defaults: ReportConfig = ReportConfig()) -> [(String, String)] {
        var out: [(String, String)] = []
        for (option, param) in names {
            guard let field = ReportConfig.field(named: option) else { continue }
            let v = cfg.get(field)
            if v == defaults.get(field) { continue }
            out.append((param, field.kind == .bool ? String(v.prefix(1)) : v))
        }
        return out
    }

    /// A query string: `key=value` pairs with everything but unreserved characters escaped.
    static func queryString(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// Decodes a raw query string as HTML forms and go's url.ParseQuery do (`+` is a space); the
    /// first value of each key wins. Malformed escapes keep their text.
    static func decode(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func unescape(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = unescape(parts[0])
            if result[key] == nil { result[key] = parts.count > 1 ? unescape(parts[1]) : "" }
        }
        return result
    }
}
