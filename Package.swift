// swift-tools-version: 6.1
import PackageDescription

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
        .target(name: "ProfileFormat", dependencies: ["CZlib", "CProfileProto"]),
        .target(name: "ProfileReport", dependencies: ["ProfileFormat"]),
        .target(name: "ProfileShell", dependencies: ["ProfileFormat", "ProfileReport", "CEditLine"]),
        .executableTarget(name: "pprof", dependencies: ["ProfileShell"]),
        .testTarget(
            name: "ProfileFormatTests", dependencies: ["ProfileFormat"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "ProfileShellTests", dependencies: ["ProfileShell"],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
