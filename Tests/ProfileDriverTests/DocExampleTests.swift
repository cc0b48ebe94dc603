import Foundation
import Testing

/// The examples of docs/checks.md and docs/growth.md, run as the docs show them with the built
/// `pprof`: the shell script's three outcomes, the CI step's rule on a change, and the growth
/// report printed in growth.md.
@Suite struct DocExampleTests {
    static let binary = repoRoot.appendingPathComponent(".build/debug/pprof").path

    /// The body of the first fenced block of `file` whose opening line is "```" + `language`
    /// and that contains `marker`.
    static func block(_ file: String, _ language: String, containing marker: String) throws -> String {
        let text = try String(contentsOf: repoRoot.appendingPathComponent(file), encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```" + language {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return try #require(blocks.first { $0.contains(marker) }, "no ```\(language) block with \(marker) in \(file)")
    }

    /// Runs `script` with /bin/sh in the repository, `pprof` being the built binary.
    static func sh(_ script: String) throws -> (status: Int32, out: String) {
        #expect(FileManager.default.isExecutableFile(atPath: binary), "build pprof first: \(binary)")
        let r = runProcess(
            "/bin/sh", ["-c", "pprof() { \"$PPROF\" \"$@\"; }\n" + script], cwd: repoRoot.path,
            environment: ProcessInfo.processInfo.environment.merging(["PPROF": binary, "TZ": "UTC"]) { $1 })
        return (r.status, String(decoding: r.out, as: UTF8.self))
    }

    @Test func checksShellScriptTellsTheThreeOutcomes() throws {
        let script = try Self.block("docs/checks.md", "sh", containing: "case $?")
            .replacingOccurrences(of: "heap.pb.gz", with: "Samples/heap-leak.pb.gz")
        // The leak's heap is 166MB: within 200MB, over 100MB; a missing file cannot be checked.
        let within = try Self.sh(script)
        #expect(within.status == 0 && within.out == "within budget\n", "\(within)")
        let over = try Self.sh(script.replacingOccurrences(of: "200MB", with: "100MB"))
        #expect(over.status == 1 && over.out == "over budget\n", "\(over)")
        let missing = try Self.sh(script.replacingOccurrences(of: "Samples/heap-leak", with: "Samples/missing"))
        #expect(missing.status == 2 && missing.out == "could not check the profile\n", "\(missing)")
    }

    @Test func checksCIStepJudgesTheChange() throws {
        let step = try Self.block("docs/checks.md", "yaml", containing: "-diff_base")
        let line = try #require(step.split(separator: "\n").first { $0.contains("-diff_base") })
            .trimmingCharacters(in: .whitespaces)
        // The leak grows by far more than 5MB over the fixed build; the fixed build by nothing.
        let leak = line.replacingOccurrences(of: "baseline/heap.pb.gz", with: "Samples/heap-fixed.pb.gz")
            .replacingOccurrences(of: "pr-heap.pb.gz", with: "Samples/heap-leak.pb.gz")
        #expect(try Self.sh(leak).status == 3)
        let fixed = leak.replacingOccurrences(of: "Samples/heap-leak.pb.gz", with: "Samples/heap-fixed.pb.gz")
        #expect(try Self.sh(fixed).status == 0)
    }

    @Test func growthDocShowsTheReportOfItsSeries() throws {
        let shown = try Self.block("docs/growth.md", "", containing: "pprof -growth heap-1.pb.gz")
        let lines = shown.split(separator: "\n", omittingEmptySubsequences: false)
        let command = try #require(lines.first).split(separator: " ").dropFirst().map(String.init)
        let dir = repoRoot.appendingPathComponent("Tests/ProfileDriverTests/Fixtures/growth/go").path
        let r = runProcess(Self.binary, command, cwd: dir)
        #expect(r.status == 0)
        let out = String(decoding: r.out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        // The doc shows the header and the three rows of main's functions.
        for line in lines.dropFirst() where !line.isEmpty {
            #expect(out.contains(line), "\(line)")
        }
    }
}
