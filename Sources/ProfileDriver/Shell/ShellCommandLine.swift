import Foundation
import ProfileFormat
import ProfileReport

/// A command line split into its command, its regexp argument and the options it runs with.
struct ParsedCommand {
    var command: ShellCommand
    var argument: String?
    var config: ReportConfig
    /// Arguments after the regexp, for commands that read them themselves (`diff`, `load`).
    var rest: [String]
}

extension Shell {
    /// Splits `tokens` as pprof does: `top25` is `top 25`; a number sets nodecount, `-cum` the
    /// sort, `>f` the output, `-re` adds an ignore, a bare `re` a focus (tag filters for `tags`),
    /// all for this command only.
    func parseCommandLine(_ input: [String]) throws(ReportError) -> ParsedCommand {
        var name = input[0]
        var args = Array(input.dropFirst())
        var command = ShellCommands.named(name)
        if command == nil, let digits = name.range(of: "[0-9]+$", options: .regularExpression),
            digits.lowerBound != name.startIndex
        {
            args.insert(String(name[digits]), at: 0)
            name = String(name[..<digits.lowerBound])
            command = ShellCommands.named(name)
        }
        guard let command else {
            if ReportConfig.field(named: name) != nil || ShellProfiles.optionNames.contains(name) {
                throw ReportError("did you mean: \(name)=\(args.first ?? "<val>")")
            }
            throw ReportError("unrecognized command: \"\(name)\"")
        }
        if case .unavailable(let why) = command.action { throw ReportError(why) }
        var parsed = ParsedCommand(command: command, argument: nil, config: session.config, rest: [])
        if command.hasParam {
            guard !args.isEmpty else {
                throw ReportError("command \(name) requires an argument")
            }
            parsed.argument = args.removeFirst()
        }
        switch command.action {
        case .load, .reload, .growth:
            parsed.rest = args
            return parsed
        default:
            break
        }
        var focus = "", ignore = ""
        var i = 0
        while i < args.count {
            let t = args[i]
            i += 1
            if let n = Int32(t) {
                parsed.config.nodeCount = Int(n)
                continue
            }
            if t.hasPrefix(">") {
                var file = String(t.dropFirst())
                if file.isEmpty {
                    guard i < args.count else { throw ReportError("unexpected end of line after >") }
                    file = args[i]
                    i += 1
                }
                parsed.config.output = file
            } else if t.hasPrefix("-") {
                if t == "-cum" || t == "--cum" {
                    parsed.config.sort = .cum
                    continue
                }
                if t == "-json" {
                    parsed.config.json = true
                    continue
                }
                ignore = joinRegex(ignore, String(t.dropFirst()))
            } else {
                focus = joinRegex(focus, t)
            }
        }
        if case .diff = command.action {
            parsed.rest = [focus, ignore]
        } else if name == "tags" {
            if !focus.isEmpty { parsed.config.tagFocus = focus }
            if !ignore.isEmpty { parsed.config.tagIgnore = ignore }
        } else {
            if !focus.isEmpty { parsed.config.focus = focus }
            if !ignore.isEmpty { parsed.config.ignore = ignore }
        }
        if parsed.config.nodeCount == -1 && (name == "text" || name == "top" || name == "diff") {
            parsed.config.nodeCount = 10
        }
        return parsed
    }

    /// Runs a non-assignment command line.
    func runCommand(_ tokens: [String]) throws(ReportError) {
        let parsed = try parseCommandLine(tokens)
        switch parsed.command.action {
        case .report(let c):
            try report(c, argument: parsed.argument, config: parsed.config)
        case .view(let c, let suffix, let viewers):
            try view(c, suffix: suffix, viewers: viewers(), config: parsed.config)
        case .weblist:
            try weblist(parsed.argument!, config: parsed.config)
        case .diff:
            try diff(parsed)
        case .load:
            try load([parsed.argument!] + parsed.rest)
        case .reload:
            try reload()
        case .growth:
            try growth([parsed.argument!] + parsed.rest)
        case .unavailable(let why):
            throw ReportError(why)
        }
    }
}

/// Two regexps as one alternative.
func joinRegex(_ a: String, _ b: String) -> String {
    !a.isEmpty && !b.isEmpty ? a + "|" + b : a + b
}
