import Foundation
import Testing

/// The built `image-service` running in a process of its own on a free loopback port, its log in
/// a temporary file.
final class RunningService: Sendable {
    /// The executable beside the running test binary (SwiftPM builds every product into the
    /// folder of /proc/self/exe), if it was built.
    static let binary: String? = {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let path = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("image-service").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()
    static let missing: Comment =
        "no image-service executable beside the test binary (swift build --build-tests builds it): skipped"

    let pid: pid_t
    let log: String
    /// `http://127.0.0.1:PORT`.
    let base: String

    struct StartFailure: Error, CustomStringConvertible { let description: String }

    init(arguments: [String]) throws {
        guard let binary = Self.binary else { throw StartFailure(description: "image-service was not built") }
        log = FileManager.default.temporaryDirectory.appendingPathComponent("image-service-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Signals as a shell leaves them (the test runner's threads block some, and a child
        // inherits that), so that SIGTERM stops the service.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = [binary, "--host", "127.0.0.1", "--port", "0"] + arguments
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        var child: pid_t = 0
        guard posix_spawn(&child, binary, &actions, &attr, &cargs, environ) == 0 else {
            throw StartFailure(description: "cannot start \(binary)")
        }
        pid = child
        // Hummingbird logs "Server started and listening on 127.0.0.1:PORT".
        let deadline = Date().addingTimeInterval(60)
        var port: String?
        while port == nil && Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let r = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[r.upperBound...].prefix { $0.isNumber }
                if !digits.isEmpty { port = String(digits) }
            }
            if port == nil {
                var status: Int32 = 0
                if waitpid(child, &status, WNOHANG) == child {
                    throw StartFailure(description: "image-service exited at start: \(text)")
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        guard let port else {
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
            throw StartFailure(description: "image-service did not start listening within 60 seconds")
        }
        base = "http://127.0.0.1:\(port)"
    }

    /// SIGTERM, then SIGKILL if it has not left after 10 seconds; the log goes too.
    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(10)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        unlink(log)
    }
}
