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
        /// go's `weblist`: the annotated source page of the functions matching a regexp, opened
        /// in a browser as `web` opens its picture.
        case weblist
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
        for v in Viewers.all {
            list.append(
                ShellCommand(name: v.name, action: .view(v.report, suffix: v.suffix, viewers: v.programs), hasParam: false,
                    description: v.description, usage: reportUsage(v.name, cum: false, redirect: false)))
        }
        list.append(
            ShellCommand(name: Viewers.weblist.name, action: .weblist, hasParam: true, description: Viewers.weblist.description,
                usage: listUsage(Viewers.weblist.name, redirect: false)))
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
        for (name, why) in Viewers.unavailable {
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
}
