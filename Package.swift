// swift-tools-version: 6.1
import PackageDescription

/// The analyzer's hot loops index arrays held in local variables; Swift's run-time exclusivity
/// checks on them cost about 5% of a large report, and the code has no overlapping accesses.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "pprof-swift",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pprof", targets: ["pprof"]),
        .library(name: "ProfileFormat", targets: ["ProfileFormat"]),
        .library(name: "ProfileReport", targets: ["ProfileReport"]),
    ],
    dependencies: [],
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
        .target(
            name: "ProfileFormat", dependencies: ["CZlib", "CProfileProto"], swiftSettings: hotPathSettings),
        .target(name: "ProfileReport", dependencies: ["ProfileFormat"], swiftSettings: hotPathSettings),
        .target(name: "ProfileShell", dependencies: ["ProfileFormat", "ProfileReport", "CEditLine"]),
        .executableTarget(name: "pprof", dependencies: ["ProfileShell"]),
        .testTarget(
            name: "ProfileFormatTests", dependencies: ["ProfileFormat"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "ProfileShellTests", dependencies: ["ProfileShell", "ProfileReport", "ProfileFormat"],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
