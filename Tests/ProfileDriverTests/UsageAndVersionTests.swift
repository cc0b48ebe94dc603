import Foundation
import ProfileDriver
import ProfileFormat
import Testing

/// `-help` against go tool pprof's own (`Fixtures/go-pprof-help.txt`, from Go 1.19's
/// `go tool pprof -h`), `-version`, and the output flags go tool pprof has.
@Suite struct UsageAndVersionTests {
    static var ours: String { String(decoding: runPprof(["-help"]).out, as: UTF8.self) }
    static var go: String {
        (try? String(contentsOf: fixtures.appendingPathComponent("go-pprof-help.txt"), encoding: .utf8)) ?? ""
    }

    /// Each line by its first word, for words that start exactly one line.
    static func linesByFirstWord(_ text: String) -> [String: String] {
        var seen: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            guard let word = line.split(separator: " ").first else { continue }
            seen[String(word), default: []].append(String(line))
        }
        return seen.compactMapValues { $0.count == 1 ? $0[0] : nil }
    }

    @Test func helpLinesAreGoToolPprofsWhereBothHaveTheFlag() {
        let go = Self.linesByFirstWord(Self.go)
        let ours = Self.linesByFirstWord(Self.ours)
        #expect(go.count > 80, "the go help fixture is missing")
        for (word, line) in ours {
            guard let theirs = go[word] else { continue }
            #expect(line == theirs, "the -help line for \(word) differs from go tool pprof's")
        }
        // What go lists and we do not, and the reverse, pinned so that a change is a decision.
        let goFlags = Set(go.keys.filter { $0.hasPrefix("-") })
        let ourFlags = Set(ours.keys.filter { $0.hasPrefix("-") })
        #expect(
            goFlags.subtracting(ourFlags)
                == ["-tls_cert", "-tls_key", "-tls_ca", "-tools"])
        #expect(
            ourFlags.subtracting(goFlags)
                == ["-flame", "-folded", "-version", "-", "-json", "-growth", "-count", "-interval", "-check"])
        for section in ["  Output formats (select at most one):", "  Options:", "  Option groups (only set one per group):",
            "  Source options:", "  Legacy convenience options:", "  Environment Variables:"]
        {
            #expect(Self.ours.contains("\n" + section + "\n"), "missing section \(section)")
        }
    }

    /// Every flag the parser knows is in the help, as a flag line or among those accepted without effect.
    @Test func helpListsEveryFlag() {
        let text = Self.ours
        let fs = PprofCommand.makeFlagSet()
        let unavailable = ["disasm", "weblist"]
        for name in fs.order where !unavailable.contains(name) {
            let listed = text.range(of: "(^|\\s)-\(name)(\\s|=|$)", options: .regularExpression) != nil
            #expect(listed, "-\(name) is not in pprof -help")
        }
    }

    @Test func helpStatesTheRealInflateCap() {
        let mib = Gzip.defaultMaxInflatedSize >> 20
        #expect(Self.ours.contains("PPROF_MAX_INFLATED_BYTES  Most bytes a profile may decompress to (default \(mib) MiB)"))
        #expect(!Self.ours.contains("GiB"))
    }

    @Test func versionPrintsOneLineAndSucceeds() {
        for flag in ["-version", "--version", "-version=true"] {
            let r = runPprof([flag])
            #expect(r.status == 0)
            #expect(String(decoding: r.out, as: UTF8.self) == "pprof (pprof-swift) 0.1.0\n")
            #expect(r.err.isEmpty)
        }
        // Wherever it appears, and without a profile.
        #expect(runPprof(["-top", "-version", "Samples/heap-leak.pb.gz"]).status == 0)
    }

    @Test func goToolPprofsOutputFlagsParse() throws {
        for flag in ["web", "eog", "evince", "gv", "kcachegrind", "gif", "ps"] {
            let inv = try PprofCommand.parse(["-\(flag)", "Samples/heap-leak.pb.gz"])
            #expect(inv.command != nil, "-\(flag) is not an output format")
        }
        #expect(try PprofCommand.parse(["-web", "x.pb.gz"]).viewer?.name == "web")
        #expect(try PprofCommand.parse(["-gif", "x.pb.gz"]).command?.graphviz == "gif")
        let both = runPprof(["-web", "-top", "Samples/heap-leak.pb.gz"])
        #expect(both.status == 1)
        #expect(both.err.contains("must set at most one output format"))
    }

    @Test func disasmSaysWhyInOneLine() {
        for args in [["-disasm", "main"]] {
            let r = runPprof(args + ["Samples/heap-leak.pb.gz"])
            #expect(r.status == 1)
            #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
            #expect(r.err.contains("not") && !r.err.contains("flag provided but not defined"), "\(r.err)")
            #expect(!r.err.contains("pprof -help"))
        }
    }
}
