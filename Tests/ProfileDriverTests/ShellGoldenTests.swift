import Foundation
import ProfileDriver
import Testing

/// Every shell session recorded from go tool pprof must print the same reports, byte for byte,
/// and the same messages on standard error, apart from the documented differences below.
@Suite struct ShellGoldenTests {
    static let cases = ShellGoldenCase.load()

    /// Errors this shell words more clearly than go tool pprof: go's line, then ours.
    static let clearerErrors: [String: String] = [
        "strconv.Atoi: parsing \"x\": invalid syntax": "invalid value \"x\" for nodecount: not an integer",
        "unknown config field \"files\"": "\"files\" is a value of granularity: use granularity=files (or files=true)",
        "unknown config field \"functions\"":
            "\"functions\" is a value of granularity: use granularity=functions (or functions=true)",
        "unknown config field \"cum\"": "\"cum\" is a value of sort: use sort=cum (or cum=true)",
    ]

    /// Commands go tool pprof lists that this shell does not have, and ours it does not.
    static let onlyGo: Set<String> = []
    static let onlyOurs: Set<String> = ["diff", "load", "reload", "base", "diff_base", "flame", "folded", "growth"]

    @Test func manifestIsRich() {
        #expect(Self.cases.count >= 25)
    }

    @Test(arguments: cases)
    func matchesGoToolPprof(_ golden: ShellGoldenCase) throws {
        let expected = try golden.fixture(".txt")
        let expectedStderr = try golden.fixture(".stderr.txt")
        let run = runShell(golden.args, golden.lines)
        #expect(run.loadError == nil)
        if run.text != expected {
            Issue.record("\(golden.name) stdout differs from go tool pprof: \(firstDifference(run.text, expected))")
        }
        let ours = Self.normalizeOurs(run.ui.stderr)
        let theirs = Self.normalizeGo(expectedStderr)
        if ours != theirs {
            Issue.record("\(golden.name) stderr differs from go tool pprof: \(firstDifference(ours, theirs))")
        }
    }

    /// Our standard error without what go's lacks: the profiles after `o`, our own commands in `help`.
    static func normalizeOurs(_ text: String) -> String {
        var out: [Substring] = []
        var inProfiles = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  Profiles (") {
                inProfiles = true
                if out.last == "" { out.removeLast() }
                continue
            }
            if inProfiles && line.hasPrefix("    ") { continue }
            inProfiles = false
            if let name = helpName(line), onlyOurs.contains(name) { continue }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// Go's standard error with its commands we do not have left out and its errors in our words.
    static func normalizeGo(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
            if let name = helpName(line), onlyGo.contains(name) { return nil }
            return clearerErrors[String(line)] ?? String(line)
        }.joined(separator: "\n")
    }

    /// The command or option a `help` summary line describes.
    static func helpName(_ line: Substring) -> String? {
        guard line.hasPrefix("    "), !line.hasPrefix("     ") else { return nil }
        return line.split(separator: " ").first.map(String.init)
    }
}

/// Where two texts first differ, line by line.
func firstDifference(_ ours: String, _ theirs: String) -> String {
    let a = ours.split(separator: "\n", omittingEmptySubsequences: false)
    let b = theirs.split(separator: "\n", omittingEmptySubsequences: false)
    if let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
        return "line \(i + 1):\n  ours: \(a[i])\n  go:   \(b[i])"
    }
    return "lengths differ: \(a.count) vs \(b.count) lines"
}
