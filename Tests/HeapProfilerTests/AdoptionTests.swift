import Glibc
import ProfileFormat
import Testing

/// Another package adds this one by version and profiles itself: SwiftPM treats a `file://` git URL
/// with a version requirement as a remote dependency, so the build fails if any target of the
/// HeapProfiler product uses unsafeFlags ("contains unsafe build flags"). The repository is copied
/// (Package.swift, Sources, Tests) into a scratch git repository under .build/adoption, tagged, and
/// a small app that depends on it `from: "1.0.0"` is built (only its own product), run, and its
/// profile read. The scratch folder is kept between runs, so a second run rebuilds only what changed.
@Suite("Adoption by another package")
struct AdoptionTests {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/HeapProfilerTests/AdoptionTests.swift
        return parts.joined(separator: "/")
    }()

    /// The adopter's whole use of the profiler: import, start, write (three lines), around a leak.
    static let appSource = """
        import HeapProfiler

        @inline(never) func leak() -> [UnsafeMutableRawPointer] {
            (0..<64).map { _ in UnsafeMutableRawPointer.allocate(byteCount: 100_000, alignment: 16) }
        }

        HeapProfiler.start(rate: 1)
        let kept = leak()
        try HeapProfiler.writeProfile(to: CommandLine.arguments[1])
        print(kept.count)

        """

    static let appManifest = """
        // swift-tools-version: 6.1
        import PackageDescription

        let package = Package(
            name: "adopter",
            dependencies: [.package(url: "file://SCRATCH/repo", from: "1.0.0")],
            targets: [
                .executableTarget(name: "adopter", dependencies: [.product(name: "HeapProfiler", package: "repo")])
            ]
        )

        """

    static let script = """
        set -euo pipefail
        ROOT="$1" MANIFEST="$2" SOURCE="$3" PROFILE="$4"
        scratch="$ROOT/.build/adoption"
        mkdir -p "$scratch/repo" "$scratch/app/Sources/adopter"
        cd "$scratch/repo"
        [ -d .git ] || git init -q
        find . -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
        cp -R "$ROOT/Package.swift" "$ROOT/Sources" "$ROOT/Tests" .
        git add -A
        if ! git diff --cached --quiet || [ -z "$(git tag)" ]; then
          git -c user.name=adoption -c user.email=adoption@localhost commit -q --allow-empty -m snapshot
          git tag "1.0.$(git tag | wc -l)"
        fi
        cd "$scratch/app"
        sed "s|SCRATCH|$scratch|" "$MANIFEST" > Package.swift
        cp "$SOURCE" Sources/adopter/main.swift
        rm -f Package.resolved
        swift build --product adopter 2>&1 | grep -E 'error|warning: .*unsafe|Compiling|Build' || true
        test -x .build/debug/adopter
        grep -q '"kind" : "remoteSourceControl"' Package.resolved
        grep -o '"version" : "[0-9.]*"' Package.resolved
        rm -f "$PROFILE"
        .build/debug/adopter "$PROFILE"
        """

    @Test("a package that depends on this one by version builds, runs and writes a readable profile")
    func buildsAsVersionedDependency() throws {
        let temp = "/tmp/heapprofiler-adopter-\(getpid())"
        let (manifest, source, profilePath) = (temp + "-Package.swift", temp + "-main.swift", temp + ".pb.gz")
        defer { for path in [manifest, source, profilePath] { unlink(path) } }
        try #require(Shell.writeText(manifest, Self.appManifest) && Shell.writeText(source, Self.appSource))
        let (status, output) = Shell.run(Self.script, arguments: [Self.root, manifest, source, profilePath])
        #expect(!output.contains("unsafe build flags"), "\(output)")
        try #require(status == 0, "the adopter did not build or run: \(output)")
        #expect(output.contains("\"version\" : \"1.0."), "\(output)")
        #expect(output.hasSuffix("64\n"), "\(output)")

        let profile = try Profile.parse(try readFile(profilePath))
        let leaks = profile.samples(through: "adopter.leak", bytes: 100_000)
        #expect(profile.total("inuse_objects", leaks) == 64)
        #expect(profile.total("inuse_space", leaks) == 6_400_000)
        // The stack reaches from the allocation into the adopter's top-level code.
        for s in leaks {
            let names = s.locations.flatMap { profile.locations[Int($0)].lines.map { profile.functions[Int($0.function)].name } }
            #expect(names.first?.contains("leak") == true, "\(names)")
            #expect(names.contains("adopter_main"), "\(names)")  // SwiftPM renames an executable's main
        }
    }
}

/// Runs a bash script; returns its exit status and its output.
enum Shell {
    static func run(_ script: String, arguments: [String]) -> (Int32, String) {
        let scriptPath = "/tmp/heapprofiler-script-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sh"
        let outPath = scriptPath + ".out"
        defer {
            unlink(scriptPath)
            unlink(outPath)
        }
        guard writeText(scriptPath, script) else { return (-1, "cannot write \(scriptPath)") }
        let quoted = arguments.map { "'" + $0.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'" }
        let status = system("bash '\(scriptPath)' \(quoted.joined(separator: " ")) > '\(outPath)' 2>&1")
        let output = (try? readFile(outPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ((status >> 8) & 0xff, output)
    }

    static func writeText(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
    }
}

struct ReadError: Error, CustomStringConvertible {
    var description: String
}

/// The whole file at `path`.
func readFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ReadError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return bytes
}
