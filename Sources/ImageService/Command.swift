import ArgumentParser
import HeapProfiler
import Hummingbird
import Logging

/// `image-service`: thumbnails over HTTP, with Go's heap profiling endpoints.
public struct ImageServiceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "image-service",
        abstract: "Fetch JPEGs from allowed origins, resize and recompress them, with a built-in heap profiler.",
        discussion: """
            Routes: GET /thumbnail?url=URL&width=W&quality=Q, POST /batch, GET /debug/pprof/heap and \
            /debug/pprof/allocs (gzip pprof profiles for `pprof` and `go tool pprof`). See image-service(1).
            """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(
        name: .customLong("allow-origin"),
        help: ArgumentHelp("An origin images may be fetched from (repeatable); loopback only when none is given.", valueName: "host[:port]"))
    var allowOrigin: [String] = []

    @Option(help: "Require this token for /debug/pprof (Authorization: Bearer TOKEN or ?token=TOKEN).")
    var profileToken: String?

    @Option(help: ArgumentHelp("Mean bytes between heap samples, as Go's MemProfileRate; 1 records every allocation, 0 turns the profiler off.", valueName: "bytes"))
    var heapProfileRate = HeapProfiler.defaultRate

    @Option(help: ArgumentHelp("Write a heap profile to this file at shutdown (SIGINT, SIGTERM).", valueName: "file"))
    var memprofile: String?

    @Option(help: ArgumentHelp("Also write --memprofile every this many seconds.", valueName: "seconds"))
    var memprofileInterval: Double?

    @Flag(help: "Reproduce the seed's leak: doubling read buffers kept in an unbounded cache of originals.")
    var reproduceSeedLeak = false

    @Option(help: ArgumentHelp("The largest image body downloaded.", valueName: "bytes"))
    var maxBodyBytes = 16 << 20

    @Option(help: ArgumentHelp("The largest image decoded.", valueName: "pixels"))
    var maxPixels = 40_000_000

    @Option(help: ArgumentHelp("How long one download may take.", valueName: "seconds"))
    var downloadTimeout = 10.0

    @Option(help: ArgumentHelp("Bytes of originals cached (ignored with --reproduce-seed-leak).", valueName: "bytes"))
    var cacheBytes = 16 << 20

    public init() {}

    public func validate() throws {
        guard heapProfileRate >= 0 else { throw ValidationError("--heap-profile-rate must be 0 or more") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let memprofileInterval, memprofileInterval <= 0 {
            throw ValidationError("--memprofile-interval must be more than 0 seconds")
        }
        if memprofileInterval != nil && memprofile == nil {
            throw ValidationError("--memprofile-interval needs --memprofile FILE")
        }
        guard maxBodyBytes > 0, maxPixels > 0, downloadTimeout > 0, cacheBytes >= 0 else {
            throw ValidationError("limits must be positive")
        }
        _ = try serviceConfiguration()
    }

    /// The service configuration the flags describe.
    public func serviceConfiguration() throws -> ServiceConfiguration {
        var c = ServiceConfiguration()
        do {
            c.allowedOrigins = try allowOrigin.map { text throws(ServiceError) in try AllowedOrigin(parsing: text) }
        } catch {
            throw ValidationError("--allow-origin: \(error.message)")
        }
        c.profileToken = profileToken
        c.reproduceSeedLeak = reproduceSeedLeak
        c.maxBodyBytes = maxBodyBytes
        c.maxPixels = maxPixels
        c.downloadTimeout = downloadTimeout
        c.cacheBytes = cacheBytes
        return c
    }

    public func run() async throws {
        HeapProfiler.start(rate: heapProfileRate)
        var logger = Logger(label: "image-service")
        logger.logLevel = .info
        let configuration = try serviceConfiguration()
        let client = makeHTTPClient(configuration)
        let thumbnailer = Thumbnailer(configuration: configuration, client: client)
        let origins = configuration.allowedOrigins.isEmpty ? "loopback" : configuration.allowedOrigins.map(\.description).joined(separator: ", ")
        logger.info(
            "image-service starting",
            metadata: [
                "mode": "\(configuration.reproduceSeedLeak ? "seed-leak" : "fixed")", "origins": "\(origins)",
                "heap-profile-rate": "\(heapProfileRate)",
            ])
        let app = buildApplication(thumbnailer, host: host, port: port, logger: logger)
        let writer = memprofile.map { MemProfileWriter(path: $0, interval: memprofileInterval, logger: logger) }
        let periodic = Task { await writer?.runPeriodically() }
        var failure: (any Error)?
        do {
            try await app.runService()
        } catch {
            failure = error
        }
        periodic.cancel()
        writer?.write()
        try await client.shutdown()
        if let failure { throw failure }
    }
}
