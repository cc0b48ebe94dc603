// swift-tools-version: 6.1
import PackageDescription

/// Swift code that the heap profiler should see through: keep frame pointers.
let keepFramePointers: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-omit-frame-pointer"])]

let package = Package(
    name: "pprof-swift",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pprof", targets: ["pprof"]),
        .library(name: "ProfileFormat", targets: ["ProfileFormat"]),
        .library(name: "ProfileReport", targets: ["ProfileReport"]),
        .library(name: "HeapProfiler", targets: ["HeapProfiler"]),
        .executable(name: "image-service", targets: ["image-service"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        .target(name: "ProfileFormat", dependencies: ["CZlib", "CProfileProto"]),
        // Library products carry no unsafeFlags (SwiftPM refuses them in a versioned dependency):
        // -enforce-exclusivity=unchecked, measured on the benchmark profile, saved no more than the noise.
        .target(name: "ProfileReport", dependencies: ["ProfileFormat"]),
        // pprof's driver: the command line and its flags, fetching, sessions, the interactive shell.
        .target(name: "ProfileDriver", dependencies: ["ProfileFormat", "ProfileReport", "CEditLine"]),
        .executableTarget(name: "pprof", dependencies: ["ProfileDriver"]),
        .testTarget(
            name: "ProfileFormatTests", dependencies: ["ProfileFormat"],
            exclude: ["Fixtures"]),
        .testTarget(name: "ProfileReportTests", dependencies: ["ProfileReport", "ProfileFormat"]),
        .testTarget(
            name: "ProfileDriverTests", dependencies: ["ProfileDriver", "ProfileReport", "ProfileFormat"],
            exclude: ["Fixtures"]),
        // The heap profiler and the image service. Their own code keeps frame pointers so that the
        // sampler's stack walk sees every frame (swiftc omits them on Linux by default).
        .systemLibrary(
            name: "CTurboJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]),
        .target(
            name: "CHeapSampler",
            cSettings: [.unsafeFlags(["-fno-omit-frame-pointer", "-O2"])],
            linkerSettings: [.linkedLibrary("m")]),
        .target(
            name: "HeapProfiler", dependencies: ["CHeapSampler", "ProfileFormat"],
            swiftSettings: keepFramePointers),
        .target(
            name: "ImageService",
            dependencies: [
                "CTurboJPEG", "HeapProfiler", "ProfileFormat",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: keepFramePointers),
        .executableTarget(
            name: "image-service", dependencies: ["ImageService"], swiftSettings: keepFramePointers),
        .testTarget(
            name: "HeapProfilerTests", dependencies: ["HeapProfiler", "ProfileFormat"],
            swiftSettings: keepFramePointers),
        .testTarget(
            name: "ImageServiceTests",
            dependencies: [
                "ImageService", "HeapProfiler", "ProfileFormat",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: keepFramePointers),
    ],
    swiftLanguageModes: [.v6]
)
