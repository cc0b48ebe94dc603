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
        try instructions(of: [(function, file)], in: report, warn: warn)[0].filter { lines.contains($0.line) }
    }

    /// The instructions of several `(function, file)` pairs at once, in their order (all lines):
    /// the report's graph is made once, each binary read once and each symbol disassembled once,
    /// however many of the functions it holds (a weblist page asks for all it shows).
    public func instructions(
        of functions: [(name: String, file: String)], in report: Report, warn: (String) -> Void = { _ in }
    ) throws(ReportError) -> [[Instruction]] {
        let nodes = report.newGraph().nodes.filter { !$0.info.objfile.isEmpty }
        var binaries: [String: (elf: ELFFile, symbols: [ELFFile.Symbol])?] = [:]
        var listings: [String: [Range<UInt64>: [Instruction]]] = [:]
        var out: [[Instruction]] = []
        for (function, file) in functions {
            let objfiles = Set(nodes.filter { $0.info.name == function }.map(\.info.objfile))
            var found: [Instruction] = []
            var seen = Set<String>()
            for m in report.profile.mappings where objfiles.contains(m.file) && seen.insert(m.file).inserted {
                if binaries[m.file] == nil { binaries[m.file] = .some(DisasmReport.readable(m, warn: warn)) }
                guard let binary = binaries[m.file] ?? nil else { continue }
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
                    let listing: [Instruction]
                    if let known = listings[m.file]?[r] {
                        listing = known
                    } else {
                        listing = try disassemble(m.file, start: r.lowerBound, end: r.upperBound)
                        listings[m.file, default: [:]][r] = listing
                    }
                    let inside = own.filter { r.contains($0.info.address &- base) }
                    for a in Disassembler.annotate(listing, inside, objAddress: { $0 &- base })
                    where Self.sameFile(a.instruction.file, file) {
                        var i = a.instruction
                        i.flat = a.flatValue
                        i.cum = a.cumValue
                        found.append(i)
                    }
                }
            }
            out.append(found)
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
