import Foundation
import ProfileDriver

/// A line source for tests: the lines to type, and everything printed.
final class ScriptedLines: LineSource {
    private var lines: [String]
    var messages = ""
    var errors: [String] = []
    /// Everything sent to standard error, in order, as go tool pprof interleaves it.
    var stderr = ""
    var completer: LineCompleter?
    let isTerminal: Bool

    init(_ lines: [String], terminal: Bool = false) {
        self.lines = lines
        isTerminal = terminal
    }

    func readLine(prompt: String) -> String? {
        lines.isEmpty ? nil : lines.removeFirst()
    }

    func print(_ text: String) {
        let t = text.hasSuffix("\n") ? text : text + "\n"
        messages += t
        stderr += t
    }

    func printError(_ text: String) {
        errors.append(text)
        stderr += text.hasSuffix("\n") ? text : text + "\n"
    }

    func setCompletion(_ completer: @escaping LineCompleter) { self.completer = completer }
}

/// The result of a scripted shell session.
struct ShellRun {
    var out: [UInt8]
    var ui: ScriptedLines
    var status: Int32
    var loadError: String?

    var text: String { String(decoding: out, as: UTF8.self) }
}

/// Parses `args` as the command line does, loads the profile, and runs the shell on `lines`.
func runShell(_ args: [String], _ lines: [String], terminal: Bool = false, loader: ProfileLoader = ProfileLoader())
    -> ShellRun
{
    Environment.prepare()
    final class Capture: @unchecked Sendable {
        var out: [UInt8] = []
        var err = ""
    }
    let c = Capture()
    let ui = ScriptedLines(lines, terminal: terminal)
    let sink = OutputSink(out: { c.out += $0 }, err: { ui.print($0) })
    do {
        let inv = try PprofCommand.parse(args)
        var loader = loader
        loader.symbolizeOptions = inv.symbolize
        let profile = try Session.loadProfile(
            sources: inv.sources, bases: inv.bases, diffBase: inv.diffBase, normalize: inv.config.normalize,
            loader: loader, warn: sink.err)
        let session = Session(
            profile: profile, config: inv.config, sources: inv.sources, bases: inv.bases, diffBase: inv.diffBase,
            loader: loader)
        let status = Interactive.run(session, ui: ui, sink: sink)
        return ShellRun(out: c.out, ui: ui, status: status)
    } catch {
        return ShellRun(out: [], ui: ui, status: 1, loadError: "\(error)")
    }
}

/// A shell on the profiles of `args`, for calling its methods directly.
func makeShell(_ args: [String]) throws -> Shell {
    Environment.prepare()
    let ui = ScriptedLines([])
    let sink = OutputSink(out: { _ in }, err: { ui.print($0) })
    let inv = try PprofCommand.parse(args)
    let loader = ProfileLoader()
    let profile = try Session.loadProfile(
        sources: inv.sources, bases: inv.bases, diffBase: inv.diffBase, normalize: inv.config.normalize,
        loader: loader, warn: sink.err)
    let session = Session(profile: profile, config: inv.config, sources: inv.sources, loader: loader)
    return Shell(session: session, ui: ui, sink: sink)
}

/// One recorded shell golden: name, command line, input lines.
struct ShellGoldenCase: CustomTestStringConvertible, Sendable {
    let name: String
    let args: [String]
    let lines: [String]

    var testDescription: String { name }

    /// A recorded output (`.txt` for stdout, `.stderr.txt`); a missing file throws, never reads as empty.
    func fixture(_ suffix: String) throws -> String {
        String(decoding: try readFixture("shell-goldens/\(name)\(suffix)"), as: UTF8.self)
    }

    static func load() -> [ShellGoldenCase] {
        guard let text = try? String(contentsOf: fixtures.appendingPathComponent("shell-goldens.txt"), encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let sep = trimmed.range(of: " -- ") else { return nil }
            let words = trimmed[..<sep.lowerBound].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let input = trimmed[sep.upperBound...].components(separatedBy: ";;").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            return ShellGoldenCase(name: words[0], args: Array(words.dropFirst()), lines: input)
        }
    }
}

import Testing
