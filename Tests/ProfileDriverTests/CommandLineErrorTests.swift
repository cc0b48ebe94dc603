import Foundation
import Testing
import ProfileDriver

/// Bad command lines and bad files: one to three lines on stderr, exit status 1, no usage page.
@Suite struct CommandLineErrorTests {
    static let bad = "Tests/ProfileFormatTests/Fixtures/bad/"
    static let heap = "Samples/heap-leak.pb.gz"

    /// Arguments and a phrase the error must contain.
    static let cases: [([String], String)] = [
        (["-top", "Samples/does-not-exist.pb.gz"], "No such file or directory"),
        (["-top", bad + "empty.pb.gz"], "empty input file"),
        (["-top", bad + "truncated-gzip.pb.gz"], "truncated"),
        (["-top", bad + "random-bytes.bin"], "not a valid pprof profile"),
        (["-top", bad + "endless-varint.pb"], "never ends"),
        (["-top", bad + "length-past-end.pb.gz"], "claims 1000 bytes"),
        (["-top", bad + "string-index-out-of-range.pb.gz"], "string table"),
        (["-top", bad + "sample-missing-location.pb.gz"], "location 999"),
        (["-top", "-focus=(", heap], "parsing focus regexp"),
        (["-top", "-tagfocus=worker=[", "Samples/cpu.pb.gz"], "parsing tagfocus regexp"),
        (["-top", "-no_such_flag", heap], "flag provided but not defined: -no_such_flag"),
        (["-top", "-nodecount=many", heap], "invalid value \"many\" for flag -nodecount"),
        (["-top", "-nodecount"], "flag needs an argument"),
        (["-top", "-sample_index=bogus", heap], "sample_index \"bogus\" must be one of"),
        (["-top", "-sample_index=9", heap], "outside the range [0..3]"),
        (["-top", bad + "unmergeable-a.pb.gz", bad + "unmergeable-b.pb.gz"], "empty common sample type list"),
        (["-top", "-base", heap, "-diff_base", heap, heap], "-base and -diff_base flags cannot both be specified"),
        (["-top", "-divide_by=0", heap], "zero divisor"),
        (["-top", "-granularity=lines", heap], "flag provided but not defined"),
        (["-top", "-cum", "-flat", heap], "conflicting options set"),
        (["-top", "-traces", heap], "must set at most one output format"),
        (["-top"], "no profile source specified"),
        (["-top", "-normalize", heap], "must have base profile to normalize by"),
        (["-top", "http://127.0.0.1:9/debug/pprof/heap"], "http fetch"),
    ]

    @Test(arguments: cases.indices)
    func oneClearErrorAndExitOne(_ i: Int) {
        let (args, phrase) = Self.cases[i]
        let r = runPprof(args)
        #expect(r.status == 1, "\(args): exit \(r.status)")
        #expect(r.out.isEmpty, "\(args): printed a report")
        let lines = r.err.split(separator: "\n")
        #expect((1...3).contains(lines.count), "\(args): \(r.err)")
        #expect(r.err.contains(phrase), "\(args): \(r.err)")
    }

    @Test func helpPrintsUsageAndSucceeds() {
        let r = runPprof(["-help"])
        #expect(r.status == 0)
        #expect(String(decoding: r.out, as: UTF8.self).contains("-sample_index"))
    }

    @Test func protoOutputReadsBackToTheSameReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-proto-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for sample in ["heap-leak", "cpu", "goroutine"] {
            let out = dir.appendingPathComponent("\(sample).pb.gz").path
            let w = runPprof(["-proto", "-output=\(out)", "Samples/\(sample).pb.gz"])
            #expect(w.status == 0, "\(w.err)")
            for report in ["-top", "-traces"] {
                let original = runPprof([report, "Samples/\(sample).pb.gz"]).out
                let again = runPprof([report, out]).out
                #expect(original == again, "\(sample) \(report) differs after -proto")
            }
        }
    }

    /// The reference tool reads what -proto wrote, printing what we print for the original.
    @Test(.enabled(if: goToolPprof() != nil, "go tool pprof is not installed (apt-get install golang-go): skipped"))
    func goToolPprofReadsOurProtoOutput() throws {
        let go = try #require(goToolPprof())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-proto-go-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for sample in ["heap-leak", "cpu", "goroutine"] {
            let out = dir.appendingPathComponent("\(sample).pb.gz").path
            let w = runPprof(["-proto", "-output=\(out)", "Samples/\(sample).pb.gz"])
            #expect(w.status == 0, "\(w.err)")
            for report in ["-top", "-traces"] {
                let original = runPprof([report, "Samples/\(sample).pb.gz"]).out
                let theirs = try runTool(go, [report, out])
                #expect(!theirs.isEmpty, "go tool pprof \(report) printed nothing for our \(sample) -proto output")
                #expect(theirs == original, "go tool pprof \(report) on our \(sample) -proto output differs")
            }
        }
    }

    @Test func profilesCanComeFromStandardInput() throws {
        let data = [UInt8](try Data(contentsOf: repoRoot.appendingPathComponent(Self.heap)))
        let fromFile = runPprof(["-top", Self.heap])
        let fromStdin = runPprof(["-top", "-"], stdin: data)
        #expect(fromStdin.status == 0)
        // Only the File: line may differ: both come from the same mapping, so all of it matches.
        #expect(fromFile.out == fromStdin.out)
    }
}

/// go tool pprof's binary, when Go is installed.
func goToolPprof() -> String? {
    for root in ["/usr/lib/go-1.19", "/usr/lib/go", "/usr/local/go"] {
        let path = root + "/pkg/tool/linux_amd64/pprof"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// Runs a program from the repository root in UTC and returns its standard output.
func runTool(_ path: String, _ args: [String]) throws -> [UInt8] {
    var env = ProcessInfo.processInfo.environment
    env["TZ"] = "UTC"
    return runProcess(path, args, cwd: repoRoot.path, environment: env).out
}

@Suite struct OutputFileTests {
    /// -output writes through the path in place: a symlink stays a symlink (so /dev/null stays a device).
    @Test func outputWritesInPlaceThroughSymlinks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-output-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("target.txt").path
        let link = dir.appendingPathComponent("link.txt").path
        _ = FileManager.default.createFile(atPath: target, contents: Data("old contents that are longer\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let r = runPprof(["-top", "-output=\(link)", "Samples/heap-leak.pb.gz"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("Generating report in \(link)"))
        let attrs = try FileManager.default.attributesOfItem(atPath: link)
        #expect(attrs[.type] as? FileAttributeType == .typeSymbolicLink)
        let written = try Data(contentsOf: URL(fileURLWithPath: target))
        #expect([UInt8](written) == runPprof(["-top", "Samples/heap-leak.pb.gz"]).out)
    }
}
