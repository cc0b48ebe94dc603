import Foundation
import ProfileFormat
import ProfileReport

extension Shell {
    /// Handles `name=value` (and a bare boolean `name`) when `name` is an option; returns
    /// false when the input is not an assignment, so it runs as a command.
    func assignOption(_ input: String) -> Bool {
        let parts = input.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        var value = ""
        if parts.count == 2 {
            var v = Substring(parts[1])
            if let comment = v.range(of: "//:", options: .backwards) { v = v[..<comment.lowerBound] }
            value = v.trimmingCharacters(in: .whitespaces)
        }
        if ShellProfiles.optionNames.contains(name) {
            if parts.count == 1 {
                fail("please specify a value, e.g. \(name)=<profile> (\(name)= clears it)")
                return true
            }
            do {
                try setBase(name, value)
            } catch {
                fail(error.message)
            }
            return true
        }
        guard let field = ReportConfig.field(named: name) else { return false }
        let isChoice = field.name != name
        if parts.count == 1 && !isChoice && field.kind != .bool {
            fail("please specify a value, e.g. \(name)=<val>")
            return true
        }
        do {
            try configure(field, name: name, value: value)
        } catch {
            fail(error.message)
        }
        return true
    }

    /// Sets one option, as pprof's `configure` does, with clearer errors.
    func configure(_ field: ReportConfig.Field, name: String, value: String) throws(ReportError) {
        var cfg = session.config
        if field.name != name {
            // `cum=true` or `lines=1`: a choice of a group.
            guard parseGoBool(value) == true else {
                throw ReportError(
                    "\"\(name)\" is a value of \(field.name): use \(field.name)=\(name) (or \(name)=true)")
            }
            try cfg.set(field, name)
        } else if field.name == "sample_index" {
            let index = try ReportPipeline.sampleIndex(session.profile, value)
            cfg.sampleIndex = session.profile.sampleTypes[index].type
        } else {
            switch field.kind {
            case .bool:
                guard let b = shellBool(value) else {
                    throw ReportError("invalid value \"\(value)\" for \(field.name): use true or false")
                }
                try cfg.set(field, b ? "true" : "false")
            case .string where !field.choices.isEmpty && !field.choices.contains(value):
                throw ReportError(
                    "invalid \"\(field.name)\" value \"\(value)\": use one of \(field.choices.joined(separator: ", "))")
            default:
                try cfg.set(field, value)
            }
        }
        let renormalize = cfg.normalize != session.config.normalize && !profiles.bases.isEmpty
        session.config = cfg
        if renormalize {
            try profiles.recombine(normalize: cfg.normalize)
            profileChanged()
        }
    }

    /// `o`: every option with its value, sorted, then the loaded profiles.
    func printOptions() {
        let p = session.profile
        var rows: [String] = []
        for f in ReportConfig.fields where f.name != "source_path" {
            var v = session.config.get(f)
            var comment = ""
            if !f.choices.isEmpty {
                comment = "[" + f.choices.sorted().joined(separator: " | ") + "]"
            } else if f.name == "sample_index" {
                let types = p.sampleTypes.map(\.type)
                if v.isEmpty { v = types.last ?? "" }
                comment = "[" + types.joined(separator: " | ") + "]"
            } else if f.name == "nodecount" && v == "-1" {
                comment = "default"
            } else if v.isEmpty {
                v = "\"\""
            }
            if !comment.isEmpty { comment = "//: " + comment }
            rows.append("  " + GoFormat.padRight(f.name, 25) + " = " + GoFormat.padRight(v, 20) + " " + comment)
        }
        rows.sort()
        rows.append("")
        rows.append("  Profiles (load, reload; base=<profile> or diff_base=<profile> to compare):")
        for s in profiles.sources { rows.append("    source     " + s) }
        if profiles.bases.isEmpty {
            rows.append("    base       none")
        } else {
            let kind = profiles.diffBase ? "diff_base" : "base"
            for b in profiles.bases { rows.append("    " + GoFormat.padRight(kind, 10) + " " + b) }
        }
        ui.print(rows.joined(separator: "\n"))
    }

    /// Sets or clears `base` or `diff_base`.
    func setBase(_ name: String, _ value: String) throws(ReportError) {
        let diff = name == "diff_base"
        if value.isEmpty {
            // Clearing the other kind leaves the current base alone.
            guard !profiles.bases.isEmpty, profiles.diffBase == diff else { return }
            try profiles.setBases([], diffBase: diff, normalize: session.config.normalize, warn: warn)
        } else {
            let list = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            try profiles.setBases(list, diffBase: diff, normalize: session.config.normalize, warn: warn)
        }
        profileChanged()
    }
}

/// Booleans as the shell reads them: go tool pprof's words, and a bare name means true.
func shellBool(_ s: String) -> Bool? {
    switch s.lowercased() {
    case "true", "t", "yes", "y", "1", "": return true
    case "false", "f", "no", "n", "0": return false
    default: return nil
    }
}
