import Foundation
import ProfileFormat
import ProfileReport

extension Disassembler {
    /// For weblist: the instructions of `function` that objdump's line table places in `file`
    /// at a line in `lines`, each with the flat and cum values of the report's samples from its
    /// address to the next instruction's. `report` is made for `weblist` (address granularity,
    /// inlined frames kept: `ReportPipeline.makeReport(profile, command: "weblist", …)`).
    /// A binary that cannot be used is named through `warn` and gives no instructions.
    public func instructions(
        function: String, file: String, lines: ClosedRange<Int>, in report: Report, warn: (String) -> Void = { _ in }
    ) throws(ReportError) -> [Instruction] {
        let nodes = report.newGraph().nodes.filter { !$0.info.objfile.isEmpty }
        let objfiles = Set(nodes.filter { $0.info.name == function }.map(\.info.objfile))
        var out: [Instruction] = []
        var seen = Set<String>()
        for m in report.profile.mappings where objfiles.contains(m.file) && seen.insert(m.file).inserted {
            guard let binary = DisasmReport.readable(m, warn: warn) else { continue }
            let (elf, symbols) = binary
            let base = elf.base(start: m.start, limit: m.limit, offset: m.offset)
            let own = nodes.filter { $0.info.objfile == m.file }
            // The functions holding the samples of `function` (an inlined copy may sit in another).
            var ranges = Set<Range<UInt64>>()
            for n in own where n.info.name == function {
                let a = n.info.address &- base
                if let s = symbols.last(where: { $0.isFunction && $0.address <= a && a < $0.address &+ $0.size }) {
                    ranges.insert(s.address..<(s.address &+ s.size))
                }
            }
            for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                let listing = try disassemble(m.file, start: r.lowerBound, end: r.upperBound)
                let inside = own.filter { r.contains($0.info.address &- base) }
                for a in Disassembler.annotate(listing, inside, objAddress: { $0 &- base })
                where lines.contains(a.instruction.line) && Self.sameFile(a.instruction.file, file) {
                    var i = a.instruction
                    i.flat = a.flatValue
                    i.cum = a.cumValue
                    out.append(i)
                }
            }
        }
        return out
    }

    /// Whether two spellings of a source file name the same file: equal, or one ends with the
    /// other after a `/` (a line table's `./x.c` or `/build/src/x.c` against a profile's `src/x.c`).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        func clean(_ s: String) -> String { s.hasPrefix("./") ? String(s.dropFirst(2)) : s }
        let (x, y) = (clean(a), clean(b))
        if x == y { return true }
        return x.hasSuffix("/" + y) || y.hasSuffix("/" + x)
    }
}
