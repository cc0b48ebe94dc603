import ArgumentParser
import Foundation
import HeapProfiler
import Hummingbird
import Logging
import ServiceLifecycle

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

    @Option(help: "Require this token for /debug/pprof (Authorization: Bearer TOKEN or ?token=TOKEN); visible in ps, prefer the file or IMAGE_SERVICE_PROFILE_TOKEN.")
    var profileToken: String?

    @Option(help: ArgumentHelp("Read the /debug/pprof token from the first line of this file.", valueName: "file"))
    var profileTokenFile: String?

    @Flag(help: "Serve /debug/pprof without a token on a non-loopback --host, on purpose.")
    var openProfiles = false

    @Option(help: ArgumentHelp("Mean bytes between heap samples, as Go's MemProfileRate; 1 records every allocation, 0 turns the profiler off.", valueName: "bytes"))
    var heapProfileRate = HeapProfiler.defaultRate

    @Option(help: ArgumentHelp("Write a heap profile to this file at shutdown (SIGINT, SIGTERM), the peak profile and the in-use series beside it.", valueName: "file"))
    var memprofile: String?

    @Option(help: ArgumentHelp("Also write numbered snapshots every this many seconds (heap.pb.gz: heap.0001.pb.gz, heap.0002.pb.gz, …).", valueName: "seconds"))
    var memprofileInterval: Double?

    @Option(help: ArgumentHelp("How many numbered snapshots --memprofile-interval keeps; older ones are deleted.", valueName: "n"))
    var memprofileKeep = 100

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

    @Option(help: ArgumentHelp("The most downloads in flight at once, across all requests.", valueName: "n"))
    var maxDownloads = 64

    @Option(help: ArgumentHelp("How long shutdown waits for requests in flight before cancelling them.", valueName: "seconds"))
    var shutdownTimeout = 10.0

    /// The longest --download-timeout, --shutdown-timeout and --memprofile-interval accepted.
    static let maxSeconds = 86_400.0

    public init() {}

    public func validate() throws {
        guard heapProfileRate >= 0 else { throw ValidationError("--heap-profile-rate must be 0 or more") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let memprofileInterval, !(memprofileInterval > 0 && memprofileInterval <= Self.maxSeconds) {
            throw ValidationError("--memprofile-interval must be more than 0 and at most \(Int(Self.maxSeconds)) seconds")
        }
        guard downloadTimeout > 0 && downloadTimeout <= Self.maxSeconds else {
            throw ValidationError("--download-timeout must be more than 0 and at most \(Int(Self.maxSeconds)) seconds")
        }
        guard shutdownTimeout >= 0 && shutdownTimeout <= Self.maxSeconds else {
            throw ValidationError("--shutdown-timeout must be between 0 and \(Int(Self.maxSeconds)) seconds")
        }
        guard maxDownloads >= 1 else { throw ValidationError("--max-downloads must be 1 or more") }
        guard memprofileKeep >= 1 else { throw ValidationError("--memprofile-keep must be 1 or more") }
        if memprofileInterval != nil && memprofile == nil {
            throw ValidationError("--memprofile-interval needs --memprofile FILE")
        }
        guard maxBodyBytes > 0, maxPixels > 0, downloadTimeout > 0, cacheBytes >= 0 else {
            throw ValidationError("limits must be positive")
        }
        _ = try serviceConfiguration()
    }

    /// The service configuration the flags (and `environment`, for the token) describe.
    public func serviceConfiguration(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServiceConfiguration {
        var c = ServiceConfiguration()
        do {
            c.allowedOrigins = try allowOrigin.map { text throws(ServiceError) in try AllowedOrigin(parsing: text) }
        } catch {
            throw ValidationError("--allow-origin: \(error.message)")
        }
        do {
            c.profileToken = try ProfileTokenPolicy.resolve(
                flag: profileToken, file: profileTokenFile, environment: environment, host: host, open: openProfiles)
        } catch {
            throw ValidationError(error.message)
        }
        c.maxConcurrentDownloads = maxDownloads
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
        let writer = memprofile.map { MemProfileWriter(path: $0, interval: memprofileInterval, keep: memprofileKeep, logger: logger) }
        let periodic = Task { await writer?.runPeriodically() }
        // SIGINT or SIGTERM: stop accepting, let requests in flight finish for at most
        // --shutdown-timeout seconds, cancel what is left, then write the profile.
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(Int64(shutdownTimeout * 1000))
        groupConfiguration.maximumCancellationDuration = .seconds(2)
        var failure: (any Error)?
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            failure = error
        }
        periodic.cancel()
        writer?.write(final: true)
        try await client.shutdown()
        logger.info("image-service stopped")
        if let failure { throw failure }
    }
}
