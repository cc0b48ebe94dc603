import Foundation
import ProfileFormat
import ProfileReport

/// One command of the shell: what it does, whether it takes a regexp first, and its help.
struct ShellCommand: Sendable {
    enum Action {
        /// Prints a report (or, for binary formats, saves it to a file).
        case report(ReportCommand)
        /// Saves a report to a temporary file and opens it with the first viewer that starts.
        case view(ReportCommand, suffix: String, viewers: @Sendable () -> [String])
        /// Shell commands go tool pprof does not have.
        case diff, load, reload, growth
        /// A go tool pprof command this pprof cannot run, with the reason.
        case unavailable(String)
    }

    let name: String
    let action: Action
    let hasParam: Bool
    let description: String
    /// Lines after "Usage:" in `help NAME`.
    let usage: String

    /// Listed in `help` (unavailable commands are not).
    var listed: Bool {
        if case .unavailable = action { return false }
        return true
    }
}

/// The shell's command table: every report command, the picture viewers, and the shell's own.
enum ShellCommands {
    static let all: [ShellCommand] = {
        var list: [ShellCommand] = []
        func usage(for name: String) -> String {
            switch name {
            case "text", "top", "tree": return reportUsage(name, cum: true, redirect: true)
            case "list": return listUsage(name, redirect: false)
            case "peek": return "peek func_regex\nDisplay callers and callees of functions matching func_regex."
            case "tags":
                return "tags [tag_regex]* [-ignore_regex]* [>file]\nList tags with key:value matching tag_regex and exclude ignore_regex."
            case "comments", "raw", "traces", "proto", "topproto": return ""
            default: return reportUsage(name, cum: false, redirect: true)
            }
        }
        for c in ReportCommands.all {
            list.append(
                ShellCommand(name: c.name, action: .report(c), hasParam: c.hasParam, description: c.description,
                    usage: usage(for: c.name)))
        }
        for (name, type, what) in [("gif", "gif", "Outputs a graph image in GIF format"), ("ps", "ps", "Outputs a graph in PS format")]
        where !list.contains(where: { $0.name == name }) {
            let c = ReportCommand(name, .dot, binary: true, graphviz: type, what)
            list.append(ShellCommand(name: name, action: .report(c), hasParam: false, description: what, usage: usage(for: name)))
        }
        let viewers: [(String, String, String, @Sendable () -> [String])] = [
            ("eog", "svg", "Visualize graph through eog", { ["eog"] }),
            ("evince", "pdf", "Visualize graph through evince", { ["evince"] }),
            ("gv", "ps", "Visualize graph through gv", { ["gv --noantialias"] }),
            ("web", "svg", "Visualize graph through web browser", { browsers() }),
        ]
        for (name, type, what, programs) in viewers {
            let c = ReportCommand(name, .dot, graphviz: type, what)
            list.append(
                ShellCommand(name: name, action: .view(c, suffix: type, viewers: programs), hasParam: false,
                    description: what, usage: reportUsage(name, cum: false, redirect: false)))
        }
        let kc = ReportCommand("kcachegrind", .callgrind, "Visualize report in KCachegrind")
        list.append(
            ShellCommand(name: "kcachegrind", action: .view(kc, suffix: "grind", viewers: { ["kcachegrind"] }),
                hasParam: false, description: kc.description, usage: reportUsage("kcachegrind", cum: false, redirect: false)))
        list.append(
            ShellCommand(name: "diff", action: .diff, hasParam: true,
                description: "Compare with another profile: base, new, delta and delta% per function",
                usage: """
                    diff <profile> [func_regex]* [-func_regex]* [n] [-cum] >f
                    Compare the loaded profile (new) with <profile> (base), a file or URL.
                    One row per function (or line, file: see granularity): base, new, delta, delta%,
                    largest change first, with the current filters, sample type and unit.
                    Include functions matching func_regex, exclude those matching -func_regex.
                    Show up to n rows; -cum compares cumulative instead of flat values.
                    Optionally save the table on the file f.
                    Set diff_base=<profile> or base=<profile> to turn every report into a diff.
                    """))
        list.append(
            ShellCommand(name: "growth", action: .growth, hasParam: true,
                description: "Rank what grows across profiles taken over time",
                usage: """
                    growth <profile> <profile>... [n] [-cum] [-json] >f
                    Compare snapshots (files or URLs) taken over time, ordered by their time:
                    first, last, change, slope per minute, steadiness and a verdict per function
                    (grows, steady, shrinks, noise), steady growers first. See docs/growth.md.
                    """))
        list.append(
            ShellCommand(name: "load", action: .load, hasParam: true,
                description: "Load other profiles in place of the current ones",
                usage: """
                    load <profile>...
                    Read the profiles (files or URLs), merge them, and make them the profile
                    the shell reports on. Options, and any base, stay as they are.
                    """))
        list.append(
            ShellCommand(name: "reload", action: .reload, hasParam: false,
                description: "Read the loaded profiles again from their files or URLs",
                usage: "reload\nRead the current profiles (and base) again, for example after a new fetch."))
        for (name, why) in [
            ("disasm", "disasm needs the program's binary and objdump, which this pprof does not read; try list"),
            ("weblist", "weblist is not available in this pprof; try list, or svg for a picture"),
        ] {
            list.append(ShellCommand(name: name, action: .unavailable(why), hasParam: true, description: "", usage: ""))
        }
        return list.sorted { $0.name < $1.name }
    }()

    static func named(_ name: String) -> ShellCommand? {
        all.first { $0.name == name }
    }

    /// The usage of reports taking a node count, filters and a redirection.
    static func reportUsage(_ c: String, cum: Bool, redirect: Bool) -> String {
        var first = c + " [n] [focus_regex]* [-ignore_regex]*"
        var lines = ["Include up to n samples", "Include samples matching focus_regex, and exclude ignore_regex."]
        if cum {
            first += " [-cum]"
            lines.append("-cum sorts the output by cumulative weight")
        }
        if redirect {
            first += " >f"
            lines.append("Optionally save the report on the file f")
        }
        return ([first] + lines).joined(separator: "\n")
    }

    /// The usage of reports taking a function regexp.
    static func listUsage(_ c: String, redirect: Bool) -> String {
        var first = c + "<func_regex|address> [-focus_regex]* [-ignore_regex]*"
        var lines = [
            "Include functions matching func_regex, or including the address specified.",
            "Include samples matching focus_regex, and exclude ignore_regex.",
        ]
        if redirect {
            first += " >f"
            lines.append("Optionally save the report on the file f")
        }
        return ([first] + lines).joined(separator: "\n")
    }

    /// Programs that can show an SVG file, most specific first.
    static func browsers() -> [String] {
        var list: [String] = []
        let env = ProcessInfo.processInfo.environment
        if let b = env["BROWSER"], !b.isEmpty { list.append(b) }
        #if os(macOS)
            list.append("/usr/bin/open")
        #else
            list += ["chrome", "google-chrome", "chromium", "firefox", "sensible-browser"]
            if let d = env["DISPLAY"], !d.isEmpty { list.append("xdg-open") }
        #endif
        return list
    }
}
