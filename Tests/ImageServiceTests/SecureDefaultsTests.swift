import Foundation
import Glibc
import HeapProfiler
import Testing

@testable import ImageService

/// The service's defaults when it is reachable from elsewhere: who may read profiles, where
/// the token comes from, which limits are accepted, and how profiles are written to disk.
@Suite("Secure service defaults")
struct SecureDefaultsTests {
    static func configuration(_ args: [String], environment: [String: String] = [:]) throws -> ServiceConfiguration {
        let command = try ImageServiceCommand.parse(args)
        return try command.serviceConfiguration(environment: environment)
    }

    @Test("a non-loopback address needs a profile token, unless the profiles are opened on purpose")
    func tokenOnPublicAddress() throws {
        #expect(throws: (any Error).self) { try Self.configuration(["--host", "0.0.0.0"]) }
        #expect(throws: (any Error).self) { try Self.configuration(["--host", "::"]) }
        #expect(try Self.configuration(["--host", "0.0.0.0", "--open-profiles"]).profileToken == nil)
        #expect(try Self.configuration(["--host", "0.0.0.0", "--profile-token", "t0k"]).profileToken == "t0k")
        for loopback in ["127.0.0.1", "::1", "localhost"] {
            #expect(try Self.configuration(["--host", loopback]).profileToken == nil)
        }
    }

    @Test("the token comes from one of flag, file or environment, and is never empty")
    func tokenSources() throws {
        let path = "/tmp/image-service-token-\(getpid())"
        defer { unlink(path) }
        try "from-file\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Self.configuration(["--profile-token-file", path]).profileToken == "from-file")
        // The environment is read when the flags are validated too, so these go to the policy itself.
        let environment = [ProfileTokenPolicy.environmentVariable: "from-env"]
        func resolve(flag: String? = nil, file: String? = nil, _ environment: [String: String]) throws -> String? {
            try ProfileTokenPolicy.resolve(flag: flag, file: file, environment: environment, host: "0.0.0.0", open: false)
        }
        #expect(try resolve(environment) == "from-env")
        #expect(throws: ServiceError.self) { try resolve(flag: "x", environment) }
        #expect(throws: ServiceError.self) { try resolve(file: path, environment) }
        #expect(throws: ServiceError.self) { try resolve([ProfileTokenPolicy.environmentVariable: ""]) }
        for bad in [["--profile-token", ""], ["--profile-token", "a b"], ["--profile-token", "x", "--open-profiles"],
                    ["--profile-token-file", "/nonexistent/token"]] {
            #expect(throws: (any Error).self, "\(bad)") { try Self.configuration(bad) }
        }
        try "\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try Self.configuration(["--profile-token-file", path]) }
    }

    @Test("an empty configured token lets nobody in")
    func emptyTokenRefused() async throws {
        var configuration = ServiceConfiguration()
        configuration.profileToken = ""
        try await withService(configuration) { client, _ in
            for uri in ["/debug/pprof/heap", "/debug/pprof/heap?token="] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .unauthorized, "\(uri)") }
            }
            try await client.execute(uri: "/debug/pprof/heap", method: .get, headers: [.authorization: "Bearer "]) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test("durations too large to convert are refused with a reason instead of trapping")
    func hugeDurations() throws {
        for args in [
            ["--download-timeout", "1e10"], ["--memprofile", "/tmp/x", "--memprofile-interval", "1e11"],
            ["--download-timeout", "nan"], ["--shutdown-timeout", "-1"], ["--max-downloads", "0"],
        ] {
            #expect(throws: (any Error).self, "\(args)") { try ImageServiceCommand.parse(args) }
        }
        #expect(try Self.configuration(["--max-downloads", "5"]).maxConcurrentDownloads == 5)
    }

    @Test("the profile is written through a fresh temporary file, never through a planted link")
    func memprofileDoesNotFollowLinks() throws {
        let dir = "/tmp/image-service-links-\(getpid())"
        mkdir(dir, 0o700)
        defer {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] { unlink(dir + "/" + name) }
            rmdir(dir)
        }
        let victim = dir + "/victim"
        try "keep me".write(toFile: victim, atomically: true, encoding: .utf8)
        let path = dir + "/heap.pb.gz"
        // The name the writer used to pick, planted as a link to the victim.
        symlink(victim, path + ".tmp.\(getpid())")
        let writer = MemProfileWriter(path: path, interval: nil, logger: .init(label: "test"))
        writer.write()
        writer.write(final: true)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
        #expect(access(path, R_OK) == 0)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("heap.pb.gz.tmp.") }
        #expect(left == ["heap.pb.gz.tmp.\(getpid())"], "only the planted link remains")
    }
}
