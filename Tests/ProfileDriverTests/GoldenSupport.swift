import Foundation
import ProfileDriver

/// The repository root, found from this file's path.
let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let fixtures = repoRoot.appendingPathComponent("Tests/ProfileDriverTests/Fixtures")

/// Runs the command line in-process from the repository root in UTC, capturing everything.
func runPprof(_ args: [String], stdin: [UInt8] = []) -> (out: [UInt8], err: String, status: Int32) {
    Environment.prepare()
    final class Capture: @unchecked Sendable {
        var out: [UInt8] = []
        var err = ""
    }
    let c = Capture()
    let sink = OutputSink(out: { c.out += $0 }, err: { c.err += $0.hasSuffix("\n") ? $0 : $0 + "\n" })
    var loader = ProfileLoader()
    loader.readStandardInput = { stdin }
    let status = PprofCommand.run(args, sink: sink, loader: loader)
    return (c.out, c.err, status)
}

enum Environment {
    nonisolated(unsafe) static var prepared = false
    static let lock = NSLock()

    /// Report times print in UTC and paths are relative to the repository root, as the goldens were recorded.
    static func prepare() {
        lock.lock()
        defer { lock.unlock() }
        if prepared { return }
        setenv("TZ", "UTC", 1)
        tzset()
        _ = FileManager.default.changeCurrentDirectoryPath(repoRoot.path)
        prepared = true
    }
}

/// A golden file that cannot be read: the test fails and says which file.
struct MissingFixture: Error, CustomStringConvertible {
    let description: String
}

/// The bytes of a file under Fixtures/; a missing file throws, so it can never pass as empty output.
func readFixture(_ relativePath: String) throws -> [UInt8] {
    let url = fixtures.appendingPathComponent(relativePath)
    do {
        return [UInt8](try Data(contentsOf: url))
    } catch {
        throw MissingFixture(
            description: "cannot read golden file \(url.path): re-record it with Tests/record-goldens.sh (\(error))")
    }
}

/// One recorded golden: a name, the arguments, and go tool pprof's stdout.
struct GoldenCase: CustomTestStringConvertible, Sendable {
    let name: String
    let args: [String]

    var testDescription: String { name }

    /// go tool pprof's stdout; a golden file that is missing or unreadable is an error, never empty.
    func expected() throws -> [UInt8] {
        try readFixture("goldens/\(name).txt")
    }

    static func load() -> [GoldenCase] {
        guard let text = try? String(contentsOf: fixtures.appendingPathComponent("goldens.txt"), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = parts.first, !first.hasPrefix("#") else { return nil }
            return GoldenCase(name: first, args: Array(parts.dropFirst()))
        }
    }
}

import Testing
