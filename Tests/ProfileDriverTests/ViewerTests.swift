import Foundation
import ProfileDriver
import ProfileReport
import Testing

/// `web` and the other viewers: where the file goes, what is said about it, that the viewer's
/// chatter stays off the terminal, and that the files go when pprof exits.
@Suite(.serialized) struct ViewerTests {
    /// A directory of its own, and a fake viewer in it that copies the file it is given to
    /// `seen`, writes its path to `seen-path`, complains on standard error and exits `status`.
    struct Bench {
        let dir: URL

        init(_ name: String, status: Int = 0) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("pprof-viewer-\(name)-\(getpid())")
            try? FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let script = """
                #!/bin/sh
                echo "viewer chatter that must not reach the terminal" >&2
                cp "$1" "\(dir.path)/seen"
                echo "$1" > "\(dir.path)/seen-path"
                exit \(status)

                """
            try script.write(to: viewer, atomically: true, encoding: .utf8)
            chmod(viewer.path, 0o755)
        }

        var viewer: URL { dir.appendingPathComponent("fake-viewer") }
        var seenPath: String {
            (try? String(contentsOf: dir.appendingPathComponent("seen-path"), encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }
        var seen: Data? { try? Data(contentsOf: dir.appendingPathComponent("seen")) }
        /// The private directories pprof made here.
        var privateDirectories: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix("pprof-") }
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    @Test func showWritesAPrivateFileAndSaysWhere() throws {
        let bench = try Bench("show")
        defer { bench.remove() }
        var notes: [String] = []
        try Viewers.show(Array("<svg/>".utf8), suffix: "svg", programs: [bench.viewer.path], wait: true) { notes.append($0) }
        let path = bench.seenPath
        #expect(path.hasSuffix("/pprof001.svg"), "\(path)")
        #expect(bench.seen == Data("<svg/>".utf8))
        #expect(notes == ["Opened \(path) with \(bench.viewer.path) (pprof removes it when it exits)"])
        // The directory is the process's own, closed to others; the viewer's chatter is in a log beside it.
        let dir = (path as NSString).deletingLastPathComponent
        let mode = (try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int) ?? 0
        #expect(mode & 0o077 == 0, "mode \(String(mode, radix: 8))")
        let log = try String(contentsOfFile: path + ".log", encoding: .utf8)
        #expect(log.contains("viewer chatter"))
        Viewers.removeTemporaryFiles()
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    @Test func aViewerThatFailsAtOnceIsReportedAndTheFileKept() throws {
        let bench = try Bench("fail", status: 3)
        defer { bench.remove() }
        do {
            try Viewers.show(Array("x".utf8), suffix: "svg", programs: ["no-such-viewer-\(getpid())", bench.viewer.path],
                wait: false) { _ in Issue.record("a failed viewer is not announced") }
            Issue.record("a failing viewer must be an error")
        } catch {
            let message = error.message
            #expect(message.contains("no-such-viewer-\(getpid()): not found"), "\(message)")
            #expect(message.contains("exit status 3, viewer chatter"), "\(message)")
            // Named outside the private directory, which goes at exit.
            let kept = String(message[message.range(of: "it is in ")!.upperBound...])
            #expect(FileManager.default.fileExists(atPath: kept), "\(kept)")
            #expect(!kept.contains("/pprof-"))
            try? FileManager.default.removeItem(atPath: kept)
        }
        Viewers.removeTemporaryFiles()
    }

    /// The built binary, end to end: `-web` on the command line and `web` in the shell leave
    /// nothing behind, and the viewer's standard error is not pprof's.
    @Test(.enabled(if: builtPprof != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/dot")))
    func webLeavesNothingBehind() throws {
        Environment.prepare()
        let bench = try Bench("web")
        defer { bench.remove() }
        var env = ProcessInfo.processInfo.environment
        env["BROWSER"] = bench.viewer.path
        env["TMPDIR"] = bench.dir.path
        let pprof = builtPprof!
        for script in ["exec \"$0\" -web Samples/heap-leak.pb.gz 2>&1", "printf 'web\\n' | \"$0\" Samples/heap-leak.pb.gz 2>&1"] {
            let r = runProcess("/bin/sh", ["-c", script, pprof], environment: env)
            let out = String(decoding: r.out, as: UTF8.self)
            #expect(r.status == 0, "\(script): \(out)")
            let shown = bench.seenPath
            #expect(shown.hasPrefix(bench.dir.path + "/pprof-") && shown.hasSuffix("/pprof001.svg"), "\(shown)")
            #expect(out.contains("Opened \(shown) with \(bench.viewer.path)"), "\(out)")
            #expect(!out.contains("viewer chatter"))
            #expect(String(decoding: bench.seen ?? Data(), as: UTF8.self).contains("<svg"))
            #expect(bench.privateDirectories.isEmpty, "left behind: \(bench.privateDirectories)")
        }
    }
}
