import ImageService
import Testing

@Suite("image-service flags")
struct CommandTests {
    @Test("flags become the service configuration")
    func flags() throws {
        let command = try ImageServiceCommand.parse([
            "--allow-origin", "img.example.com:8443", "--allow-origin", "[::1]", "--profile-token", "t",
            "--reproduce-seed-leak", "--max-pixels", "1000",
        ])
        let c = try command.serviceConfiguration()
        #expect(c.allowedOrigins == [AllowedOrigin(host: "img.example.com", port: 8443), AllowedOrigin(host: "::1")])
        #expect(c.profileToken == "t" && c.reproduceSeedLeak && c.maxPixels == 1000)
    }

    @Test("bad flags are refused with a reason")
    func badFlags() {
        for args in [
            ["--heap-profile-rate", "-1"], ["--memprofile-interval", "5"], ["--allow-origin", "host:port"],
            ["--port", "70000"], ["--memprofile", "x", "--memprofile-interval", "0"],
            ["--memprofile", "x", "--memprofile-interval", "5", "--memprofile-keep", "0"],
        ] {
            #expect(throws: (any Error).self, "\(args)") { try ImageServiceCommand.parse(args) }
        }
    }

    @Test("origins parse as HOST, HOST:PORT and [V6]:PORT")
    func origins() throws {
        #expect(try AllowedOrigin(parsing: "Example.com") == AllowedOrigin(host: "example.com"))
        #expect(try AllowedOrigin(parsing: "10.0.0.5:81") == AllowedOrigin(host: "10.0.0.5", port: 81))
        #expect(try AllowedOrigin(parsing: "[::1]:8080") == AllowedOrigin(host: "::1", port: 8080))
        #expect(throws: ServiceError.self) { try AllowedOrigin(parsing: "") }
        #expect(throws: ServiceError.self) { try AllowedOrigin(parsing: "a b") }
    }
}
