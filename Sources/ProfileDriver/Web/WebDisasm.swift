import Foundation
import ProfileFormat
import ProfileReport

/// The source view's instructions, from the profile's binaries through objdump: each function
/// the page shows is disassembled once, and its instructions are grouped by source line. A
/// profile whose binaries are not here (most heap profiles, read away from the machine that
/// wrote them) gives none, and the page shows source lines alone, as go's weblist does then.
struct DisassembledLines: SourceLineInstructions {
    private struct Key: Hashable {
        var function: String
        var file: String
    }

    private var byLine: [Key: [Int: [SourceLineInstruction]]] = [:]

    init(profile: Profile, config: ReportConfig, regexp: String, functions: [(name: String, file: String)]) {
        // Without a binary here there is nothing to disassemble: say so before making the
        // page's whole-profile graph, which costs most of a first answer on a large profile.
        guard profile.mappings.contains(where: { !$0.file.isEmpty && FileManager.default.fileExists(atPath: $0.file) }),
            let report = try? ReportPipeline.makeReport(
                profile, command: "weblist", format: .list, argument: regexp, config: config, warn: { _ in })
        else { return }
        let disassembler = Disassembler(intelSyntax: config.intelSyntax)
        func value(_ v: Int64) -> String { v == 0 ? "" : report.formatValue(v) }
        var unique: [(name: String, file: String)] = []
        for f in functions where !unique.contains(where: { $0 == f }) { unique.append(f) }
        guard let listings = try? disassembler.instructions(of: unique, in: report) else { return }
        for (f, listing) in zip(unique, listings) {
            var lines: [Int: [SourceLineInstruction]] = [:]
            for i in listing {
                lines[i.line, default: []].append(
                    SourceLineInstruction(address: i.address, text: i.text, flat: value(i.flat), cum: value(i.cum)))
            }
            byLine[Key(function: f.name, file: f.file)] = lines
        }
    }

    func instructions(function: String, file: String, line: Int) -> [SourceLineInstruction] {
        byLine[Key(function: function, file: file)]?[line] ?? []
    }
}
