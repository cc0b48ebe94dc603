import Foundation
import ProfileFormat
import ProfileReport

/// The interactive shell: a line source, a command table and a loop (pprof's `interactive`).
/// Each line is an option assignment (`name=value`), a shortcut (`:`, a sample type name),
/// a shell command (`o`, `help`, `q`, `diff`, `load`, `reload`) or a report command with
/// per-command arguments (`top 25 -cum main >out.txt`).
public final class Shell {
    let session: Session
    let ui: LineSource
    let sink: OutputSink
    /// Errors printed so far; with standard input not a terminal they make the exit status 1.
    public private(set) var failures = 0
    /// Sources and bases as loaded, so options can change the base without rereading.
    var profiles: ShellProfiles
    /// Indexes and profiles for `diff`, by base path ("\0source" for the sources when a base is set).
    var diffIndexes: [String: ProfileIndex] = [:]
    var diffBases: [String: Profile] = [:]
    /// Report outputs by command and options, dropped whenever the profile changes.
    var reportCache = ReportCache()
    /// Function names for completion, sorted and unique.
    lazy var functionNames: [String] = Self.functionNames(session.profile)

    public init(session: Session, ui: LineSource, sink: OutputSink) {
        self.session = session
        self.ui = ui
        self.sink = sink
        profiles = ShellProfiles(session: session)
    }

    /// Reads and runs lines until the input ends or `quit`; returns the exit status.
    public func run() -> Int32 {
        ui.setCompletion { [weak self] line in self?.complete(line) ?? [] }
        session.config.compactLabels = true
        greet()
        prepareIndex()
        let timing = ProcessInfo.processInfo.environment["PPROF_SHELL_TIMING"].map { !$0.isEmpty } ?? false
        while let line = ui.readLine(prompt: "(pprof) ") {
            let start = DispatchTime.now().uptimeNanoseconds
            let goOn = execute(line)
            if timing {
                let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                ui.print("[\(String(format: "%.1f", ms)) ms] \(line)")
            }
            if !goOn { break }
        }
        return failures > 0 && !ui.isTerminal ? 1 : 0
    }

    /// Runs one input line; returns false when the line asks to leave the shell.
    @discardableResult
    public func execute(_ line: String) -> Bool {
        for input in expandShortcuts(line) {
            if assignOption(input) { continue }
            let tokens = input.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = tokens.first else { continue }
            switch first {
            case "o", "options":
                printOptions()
                continue
            case "exit", "quit", "q":
                return false
            case "help":
                help(tokens.dropFirst().joined(separator: " "))
                continue
            default:
                break
            }
            do {
                try runCommand(tokens)
            } catch {
                fail(error.message)
            }
        }
        return true
    }

    /// Prints an error and counts it.
    func fail(_ message: String) {
        failures += 1
        ui.printError(message)
    }

    /// A warning (a filter that matched nothing): printed, not counted as a failure.
    func warn(_ message: String) {
        ui.print(message)
    }

    /// The header go tool pprof prints before its first prompt, then the greeting.
    func greet() {
        if let labels = profileHeader() {
            ui.print(labels.joined(separator: "\n"))
        }
        ui.print("Entering interactive mode (type \"help\" for commands, \"o\" for options)")
    }

    /// File, type, time and duration of the loaded profile with the current options, or nil
    /// when the options do not fit it; adds a hint when the chosen sample type is all zero.
    func profileHeader() -> [String]? {
        let p = session.profile
        guard let options = try? ReportPipeline.reportOptions(p, [:], session.config) else { return nil }
        let rpt = Report(profile: p, options: options)
        var labels = rpt.profileLabels()
        if rpt.total == 0 && p.sampleTypes.count > 1 {
            labels.append("No samples were found with the default sample value type.")
            labels.append("Try \"sample_index\" command to analyze different sample values.")
        }
        return labels
    }

    /// Shortcuts: `:` clears the filters; a sample type name selects it, `total_X` and `mean_X`
    /// also set or clear `mean`.
    func expandShortcuts(_ line: String) -> [String] {
        let input = line.trimmingCharacters(in: .whitespaces)
        if input == ":" { return ["focus=", "ignore=", "hide=", "tagfocus=", "tagignore="] }
        for st in session.profile.sampleTypes {
            let select = "sample_index=\(st.type)"
            if input == st.type { return [select] }
            if input == "total_" + st.type { return ["mean=0", select] }
            if input == "mean_" + st.type { return ["mean=1", select] }
        }
        return [input]
    }

    /// Indexes the loaded profile and makes what the first `top`, `tree`, `peek`, `list`,
    /// `tags` and `traces` need before the first prompt, so the first of each is as quick as
    /// the rest.
    func prepareIndex() {
        let index = session.index
        PhaseTimer.measure("shell: prepare index") { index.prepare(for: session.config) }
    }

    /// Everything cached about the loaded profile is stale: it changed (the session drops its
    /// index itself).
    func profileChanged() {
        diffIndexes["\u{0}source"] = nil
        reportCache = ReportCache()
        functionNames = Self.functionNames(session.profile)
    }

    static func functionNames(_ p: Profile) -> [String] {
        Array(Set(p.functions.map(\.name).filter { !$0.isEmpty })).sorted()
    }
}
