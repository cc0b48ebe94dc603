import Foundation
import ProfileFormat
import Testing

@testable import ProfileDriver

/// The web UI's disasm view and the source view's instructions, on the committed C program and
/// its gperftools CPU profile (Fixtures/disasm), the binary found through PPROF_BINARY_PATH.
@Suite("Web UI: disasm and a source line's instructions", .serialized)
struct WebDisasmTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/disasm")

    /// A web UI over the symbolized profile, as `pprof -http` makes it; PPROF_BINARY_PATH is set
    /// for the process while `body` runs (the suite runs its tests one at a time).
    func withWebUI(_ extra: [String], _ body: (WebUI) throws -> Void) throws {
        setenv("PPROF_BINARY_PATH", Self.dir.path, 1)
        defer { unsetenv("PPROF_BINARY_PATH") }
        let profilePath = Self.dir.appendingPathComponent("cpu.prof").path
        let inv = try PprofCommand.parse(extra + [profilePath])
        var profile = try Profile.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: profilePath))))
        ProfileSymbolizer.run(inv.symbolize, &profile, environment: ProcessInfo.processInfo.environment, warn: { _ in })
        let session = Session(
            profile: profile, config: inv.config, sources: inv.sources, bases: inv.bases, diffBase: inv.diffBase,
            loader: ProfileLoader())
        let settings = NSTemporaryDirectory() + "pprof-web-test-\(UUID().uuidString)/pprof/settings.json"
        try body(WebUI(session: session, settingsFile: settings))
    }

    @Test("/ui/disasm?f=RE is the disasm report of the command line")
    func disasmView() throws {
        let golden = try String(contentsOf: Self.dir.appendingPathComponent("disasm-mix.golden"), encoding: .utf8)
        let routine = golden.split(separator: "\n")[1]
        try withWebUI([]) { ui in
            let page = ui.answer(path: "/ui/disasm", query: ["f": "mix"])
            #expect(page.status == 200)
            let text = htmlUnescape(page.text)
            #expect(text.contains(String(routine)))
            #expect(text.contains("(flat, cum)  3.39% of Total"))
        }
    }

    @Test("a source line with samples expands to its instructions, each with its values")
    func sourceInstructions() throws {
        try withWebUI(["-source_path=" + Self.dir.path]) { ui in
            let page = ui.answer(path: "/ui/source", query: ["f": "spin"])
            #expect(page.status == 200)
            #expect(page.text.contains("<div class=\"asm\">"), "\(page.text.prefix(4000))")
        }
    }
}
