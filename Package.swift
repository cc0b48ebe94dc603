// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "pprof-swift",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pprof", targets: ["pprof"]),
        .library(name: "ProfileFormat", targets: ["ProfileFormat"]),
        .library(name: "ProfileReport", targets: ["ProfileReport"]),
        .library(name: "HeapProfiler", targets: ["HeapProfiler"]),
        .library(name: "HeapProfilerHummingbird", targets: ["HeapProfilerHummingbird"]),
        .executable(name: "image-service", targets: ["image-service"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Already in the graph through Hummingbird; named so the service can bound its shutdown.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CProtobufC", pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]),
        .systemLibrary(
            name: "CEditLine", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        .target(
            name: "CProfileProto", dependencies: ["CProtobufC"],
            exclude: ["proto", "regenerate.sh"]),
        // Name demangling through the C++ and Swift runtimes.
        .target(name: "CDemangle", linkerSettings: [.linkedLibrary("stdc++")]),
        .target(name: "ProfileFormat", dependencies: ["CZlib", "CProfileProto", "CDemangle"]),
        // Library products carry no unsafeFlags (SwiftPM refuses them in a versioned dependency):
        // -enforce-exclusivity=unchecked, measured on the benchmark profile, saved no more than the noise.
        .target(name: "ProfileReport", dependencies: ["ProfileFormat"]),
        // pprof's driver: the command line and its flags, fetching, sessions, the interactive shell, the web UI.
        .target(
            name: "ProfileDriver",
            dependencies: [
                "ProfileFormat", "ProfileReport", "CEditLine", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "pprof", dependencies: ["ProfileDriver"]),
        .testTarget(
            name: "ProfileFormatTests", dependencies: ["ProfileFormat"],
            exclude: ["Fixtures"]),
        .testTarget(name: "ProfileReportTests", dependencies: ["ProfileReport", "ProfileFormat"]),
        .testTarget(
            name: "ProfileDriverTests",
            dependencies: [
                "ProfileDriver", "ProfileReport", "ProfileFormat", "LoopbackOrigin",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            exclude: ["Fixtures"]),
        // The heap profiler and the image service.
        .systemLibrary(
            name: "CTurboJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(
            name: "CLibunwind", pkgConfig: "libunwind",
            providers: [.apt(["libunwind-dev"])]),
        // The sampler walks stacks with libunwind (the binaries' unwind tables), so nothing needs
        // frame pointers, and no target of a library product uses unsafeFlags: another package can
        // depend on this one by version (Tests/HeapProfilerTests/AdoptionTests.swift proves it).
        .target(
            name: "CHeapSampler", dependencies: ["CLibunwind"],
            linkerSettings: [.linkedLibrary("m")]),
        .target(name: "HeapProfiler", dependencies: ["CHeapSampler", "CDemangle", "ProfileFormat"]),
        // The ready /debug/pprof route for Hummingbird services.
        .target(
            name: "HeapProfilerHummingbird",
            dependencies: ["HeapProfiler", .product(name: "Hummingbird", package: "hummingbird")]),
        .target(
            name: "ImageService",
            dependencies: [
                "CTurboJPEG", "HeapProfiler", "HeapProfilerHummingbird", "ProfileFormat",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "image-service", dependencies: ["ImageService"]),
        .testTarget(
            name: "HeapProfilerTests", dependencies: ["HeapProfiler", "ProfileFormat"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ImageServiceTests",
            dependencies: [
                "ImageService", "HeapProfiler", "ProfileFormat", "LoopbackOrigin",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        // A scripted loopback HTTP server for the tests: origins and profile servers that misbehave.
        .target(name: "LoopbackOrigin", path: "Tests/LoopbackOrigin"),
        // libFuzzer targets (see .ci/run): built with -D FUZZING and -sanitize=fuzzer they fuzz;
        // built plainly they replay a corpus or a crash file given on the command line.
        .target(name: "FuzzSupport"),
        .executableTarget(name: "fuzz-profile", dependencies: ["FuzzSupport", "ProfileFormat"], path: "Sources/FuzzProfile"),
        .executableTarget(name: "fuzz-flags", dependencies: ["FuzzSupport", "ProfileDriver"], path: "Sources/FuzzFlags"),
        .executableTarget(
            name: "fuzz-shell", dependencies: ["FuzzSupport", "ProfileDriver", "ProfileReport", "ProfileFormat"],
            path: "Sources/FuzzShell"),
        .executableTarget(
            name: "fuzz-service",
            dependencies: ["FuzzSupport", "ImageService", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Sources/FuzzService"),
    ],
    swiftLanguageModes: [.v6]
)
