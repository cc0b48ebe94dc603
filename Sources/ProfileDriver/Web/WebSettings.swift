import Foundation
import ProfileReport

/// Saved configurations, kept where go tool pprof keeps them ($XDG_CONFIG_HOME/pprof/settings.json,
/// or ~/.config/pprof/settings.json) in its format: `{"configs": [{"name": ..., option: value...}]}`.
enum WebSettings {
    /// The options a saved configuration holds, in go's order (its `config` struct's JSON names).
    static let saved = [
        "call_tree", "relative_percentages", "unit", "compact_labels", "intel_syntax", "mean", "normalize", "sort",
        "tagroot", "tagleaf", "drop_negative", "nodecount", "nodefraction", "edgefraction", "trim", "focus", "ignore",
        "prune_from", "hide", "show", "show_from", "tagfocus", "tagignore", "tagshow", "taghide", "noinlines",
        "granularity",
    ]

    struct MenuEntry: Equatable {
        var name: String
        var url: String
        var current: Bool
        var user: Bool
    }

    static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let dir: String
        if let x = environment["XDG_CONFIG_HOME"], !x.isEmpty {
            dir = x
        } else {
            dir = (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        }
        return dir + "/pprof/settings.json"
    }

    /// The named configurations in the file; none when it does not exist.
    static func read(_ path: String) throws(ReportError) -> [(name: String, config: ReportConfig)] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ReportError("could not parse settings: \(path) is not a JSON object")
        }
        var result: [(String, ReportConfig)] = []
        for entry in object["configs"] as? [[String: Any]] ?? [] {
            var cfg = ReportConfig()
            cfg.trim = false
            cfg.unit = OutputUnit("")
            cfg.nodeCount = 0
            cfg.nodeFraction = 0
            cfg.edgeFraction = 0
            for name in saved {
                guard let field = ReportConfig.field(named: name), let value = entry[name] else { continue }
                let text: String
                switch value {
                case let b as Bool where field.kind == .bool: text = b ? "true" : "false"
                case let n as NSNumber: text = field.kind == .int ? String(n.intValue) : formatGoFloat(n.doubleValue)
                case let s as String: text = s
                default: continue
                }
                try? cfg.set(field, text)
            }
            result.append((entry["name"] as? String ?? "", cfg))
        }
        return result
    }

    static func write(_ configs: [(name: String, config: ReportConfig)], to path: String) throws(ReportError) {
        var s = "{\n  \"configs\": ["
        for (i, c) in configs.enumerated() {
            s += (i == 0 ? "\n" : ",\n") + "    {\n      \"name\": " + json(c.name)
            for name in saved {
                guard let field = ReportConfig.field(named: name) else { continue }
                let v = c.config.get(field)
                // go's omitempty: false, 0 and "" are left out.
                switch field.kind {
                case .bool: if v == "true" { s += ",\n      \"\(name)\": true" }
                case .int, .float: if v != "0" { s += ",\n      \"\(name)\": \(v)" }
                case .string: if !v.isEmpty { s += ",\n      \"\(name)\": " + json(v) }
                }
            }
            s += "\n    }"
        }
        s += configs.isEmpty ? "]\n}" : "\n  ]\n}"
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw ReportError("failed to write settings: \(error.localizedDescription)")
        }
        try writeFileInPlace(Array(s.utf8), to: path)
    }

    static func json(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `/ui/saveconfig?config=NAME&...`: the command line's options with the URL's, under NAME
    /// (replacing a configuration of that name).
    static func save(_ query: [String: String], base: ReportConfig, to path: String) throws(ReportError) {
        guard let name = query["config"], !name.isEmpty else { throw ReportError("invalid config name") }
        guard name.count <= 200 else { throw ReportError("config name longer than 200 characters") }
        let cfg = try WebParams.apply(query, to: base)
        var configs = try read(path)
        if let i = configs.firstIndex(where: { $0.name == name }) {
            configs[i].config = cfg
        } else {
            configs.append((name, cfg))
        }
        try write(configs, to: path)
    }

    /// `/ui/deleteconfig?config=NAME`.
    static func delete(_ name: String, from path: String) throws(ReportError) {
        var configs = try read(path)
        guard let i = configs.firstIndex(where: { $0.name == name }) else {
            throw ReportError("config \(name) not found")
        }
        configs.remove(at: i)
        try write(configs, to: path)
    }

    /// The config menu: Default, then the saved ones; each entry is the current page's URL with
    /// that configuration's options, and the last one the URL already matches is current.
    static func menu(_ path: String, view: WebView, query: [String: String]) -> [MenuEntry] {
        var configs: [(name: String, config: ReportConfig)] = [("Default", ReportConfig())]
        configs += (try? read(path)) ?? []
        var entries: [MenuEntry] = []
        var lastMatch = -1
        for (i, c) in configs.enumerated() {
            var q = query
            var changed = false
            for name in saved {
                guard let field = ReportConfig.field(named: name), let param = WebParams.param(of: name) else { continue }
                var v = c.config.get(field)
                let d = ReportConfig().get(field)
                if v == d { v = "" } else if field.kind == .bool { v = String(v.prefix(1)) }
                if (q[param] ?? "") == v { continue }
                changed = true
                q[param] = v.isEmpty ? nil : v
            }
            if !changed { lastMatch = i }
            entries.append(MenuEntry(name: c.name, url: view.rawValue + WebUI.suffix(q), current: false, user: i != 0))
        }
        if lastMatch >= 0 { entries[lastMatch].current = true }
        return entries
    }
}
