import Foundation
import FuzzSupport
import ProfileDriver
import ProfileFormat
import ProfileReport

/// The interactive shell's command parser and the reports it runs, on any lines, against the
/// bundled leaky heap profile. Lines that would write files, start programs or load other
/// profiles are skipped: the parser is what is fuzzed, not the file system.
@main
enum FuzzShell {
    static func main() { fuzzMain(testOneInput) }

    /// Prints nothing: reports and errors are thrown away.
    final class Quiet: LineSource {
        func readLine(prompt: String) -> String? { nil }
        func print(_ text: String) {}
        func printError(_ text: String) {}
        var isTerminal: Bool { false }
        func setCompletion(_ completer: @escaping LineCompleter) {}
    }

    /// FUZZ_SHELL_PROFILE, else the sample in the checkout this was built from.
    static let profilePath =
        ProcessInfo.processInfo.environment["FUZZ_SHELL_PROFILE"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/heap-leak.pb.gz").path

    static let profile: Profile = {
        guard let profile = try? Session.loadProfile(
            sources: [profilePath], bases: [], diffBase: false, normalize: false, loader: ProfileLoader(), warn: { _ in })
        else { fatalError("fuzz-shell needs \(profilePath)") }
        return profile
    }()

    static let unsafeWords = [">", "output", "load", "reload", "web", "gv", "evince", "kcachegrind", "eog", "diff", "base", "source_path", "proto", "callgrind", "svg", "png", "pdf", "dot", "ps", "gif", "jpg", "jpeg", "eps"]

    static let testOneInput: FuzzInput = { data, size in
        guard size < 512, let text = fuzzText(data, size) else { return 0 }
        let lower = text.lowercased()
        guard !unsafeWords.contains(where: { lower.contains($0) }) else { return 0 }
        // A fresh session per input, so that options set by one input do not leak into the next.
        let session = Session(profile: profile, config: ReportConfig(), sources: [profilePath], loader: ProfileLoader())
        let shell = Shell(session: session, ui: Quiet(), sink: OutputSink(out: { _ in }, err: { _ in }))
        for line in text.split(separator: "\n").prefix(4) {
            if !shell.execute(String(line)) { break }
        }
        return 0
    }
}
