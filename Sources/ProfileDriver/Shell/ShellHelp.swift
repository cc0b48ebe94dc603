import ProfileReport

/// Help texts: the command and option summaries of `help`, and `help NAME`.
enum ShellHelp {
    /// Lines after the first (which is the option's summary) of `help OPTION`, as go tool
    /// pprof prints them.
    static let details: [String: [String]] = [
        "drop_negative": ["Do not show any locations with values <0."],
        "call_tree": ["Treat locations reached through different paths as separate."],
        "relative_percentages": [
            "If unset, percentages are relative to full graph before focusing",
            "to facilitate comparison with original graph.",
        ],
        "unit": [
            "Scale the sample values to this unit.",
            "For time-based profiles, use seconds, milliseconds, nanoseconds, etc.",
            "For memory profiles, use megabytes, kilobytes, bytes, etc.",
            "Using auto will scale each value independently to the most natural unit.",
        ],
        "intel_syntax": ["Only applicable to commands `disasm` and `weblist`"],
        "nodecount": [
            "Uses heuristics to limit the number of locations to be displayed.",
            "On graphs, dotted edges represent paths through nodes that have been removed.",
        ],
        "trim": ["Set to false to get the full profile, without any trimming."],
        "focus": [
            "Discard samples that do not include a node matching this regexp.",
            "Matching includes the function name, filename or object name.",
        ],
        "ignore": [
            "If set, discard samples that include a node matching this regexp.",
            "Matching includes the function name, filename or object name.",
        ],
        "prune_from": [
            "If set, any frames matching the specified regexp and any frames",
            "below it will be dropped from each sample.",
        ],
        "hide": [
            "Discard nodes that match this location.",
            "Other nodes from samples that include this location will be shown.",
            "Matching includes the function name, filename or object name.",
        ],
        "show": [
            "If set, only show nodes that match this location.",
            "Matching includes the function name, filename or object name.",
        ],
        "show_from": [
            "If set, all frames above the highest match are dropped from every sample.",
            "Matching includes the function name, filename or object name.",
        ],
        "tagroot": ["A comma-separated list of label keys.", "The first key creates frames at the new root."],
        "tagleaf": ["A comma-separated list of label keys.", "The last key creates frames at the new leaf."],
        "tagfocus": [
            "Use name=value syntax to limit the matching to a specific tag.",
            "Numeric tag filter examples: 1kb, 1kb:10kb, memory=32mb:",
            "String tag filter examples: foo, foo.*bar, mytag=foo.*bar",
        ],
        "tagignore": [
            "Use name=value syntax to limit the matching to a specific tag.",
            "Numeric tag filter examples: 1kb, 1kb:10kb, memory=32mb:",
            "String tag filter examples: foo, foo.*bar, mytag=foo.*bar",
        ],
        "tagshow": ["Discard tags that do not match this regexp"],
        "taghide": ["Discard tags that match this regexp"],
        "divide_by": ["Divide all samples values by a constant, eg the number of processors or jobs."],
        "mean": [
            "For memory profiles, report average memory per allocation.",
            "For time-based profiles, report average time per event.",
        ],
        "sample_index": [
            "Profiles contain multiple values per sample.",
            "Use sample_index=i to select the ith value (starting at 0).",
        ],
        "noinlines": ["Attributes inlined functions to their first out-of-line caller."],
        "base": [
            "base=<profile> subtracts <profile> (a file or URL; several separated by commas)",
            "from the loaded profile in every later report; base= turns it off.",
        ],
        "diff_base": [
            "diff_base=<profile> compares every later report with <profile> (a file or URL;",
            "several separated by commas): percentages are relative to it; diff_base= turns it off.",
        ],
    ]

    /// Summaries of the choices of option groups, and of the shell's own options.
    static let summaries: [String: [String]] = [
        "flat": ["Sort entries based on own weight"],
        "cum": ["Sort entries based on cumulative weight"],
        "functions": ["Aggregate at the function level.", "Ignores the filename where the function was defined."],
        "filefunctions": [
            "Aggregate at the function level.", "Takes into account the filename where the function was defined.",
        ],
        "files": ["Aggregate at the file level."],
        "lines": ["Aggregate at the source code line level."],
        "addresses": ["Aggregate at the address level.", "Includes functions' addresses in the output."],
        "base": ["Source of base profile for profile subtraction"],
        "diff_base": ["Source of base profile for comparison"],
    ]

    /// Options whose help go tool pprof prints without a blank line after it.
    static let shortHelp: Set<String> = [
        "compact_labels", "source_path", "trim_path", "nodefraction", "edgefraction", "files", "lines",
    ]

    /// The full help of an option or choice, or nil if `name` is none.
    static func optionHelp(_ name: String, sampleTypes: [String]) -> String? {
        var first: String
        if let s = summaries[name] {
            first = s[0]
            if s.count > 1 { first += "\n" + s.dropFirst().joined(separator: "\n") }
        } else if let f = ReportConfig.fields.first(where: { $0.name == name }) {
            first = f.help
        } else {
            return nil
        }
        var text = first
        if let more = details[name] { text += "\n" + more.joined(separator: "\n") }
        if shortHelp.contains(name) { return text + "\n" }
        text += "\n"
        if name == "sample_index" {
            text += "Or use sample_index=name, with name in [\(sampleTypes.joined(separator: " "))].\n"
        }
        return text + "\n"
    }

    /// `help` with no topic.
    static func overview() -> String {
        let commands = ShellCommands.all.filter(\.listed).map { ($0.name, $0.description) }
        let extra = ShellProfiles.optionNames.map { ($0, summaries[$0]![0]) }
        return Usage.summary(prefix: "", commands: commands, extraOptions: extra) + "\n"
            + "  :   Clear focus/ignore/hide/tagfocus/tagignore\n\n"
            + "  type \"help <cmd|option>\" for more information\n"
    }

    /// `help granularity`, `help sort`: how to choose, and the choices (go tool pprof has no
    /// help for a group).
    static func groupHelp(_ name: String, config: ReportConfig) -> String? {
        guard let f = ReportConfig.fields.first(where: { $0.name == name && !$0.choices.isEmpty }) else { return nil }
        var text = "Option group \(name), now \(name)=\(config.get(f)): choose with \(name)=CHOICE or CHOICE=true\n"
        for c in f.choices { text += "  " + Usage.line(c, summaries[c]?.first ?? "") + "\n" }
        return text + "\n"
    }
}

extension Shell {
    /// `help`, `help COMMAND`, `help OPTION`.
    func help(_ topic: String) {
        if topic.isEmpty {
            ui.print(ShellHelp.overview())
            return
        }
        if let c = ShellCommands.named(topic), c.listed {
            var text = c.description + "\n"
            if !c.usage.isEmpty {
                text += "  Usage:\n"
                for l in c.usage.split(separator: "\n", omittingEmptySubsequences: false) { text += "    \(l)\n" }
            }
            ui.print(text + "\n")
            return
        }
        if let text = ShellHelp.groupHelp(topic, config: session.config) ?? ShellHelp.optionHelp(topic, sampleTypes: session.profile.sampleTypes.map(\.type)) {
            ui.print(text)
            return
        }
        fail("Unknown command: " + topic)
    }
}
