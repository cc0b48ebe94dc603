import Foundation
import ProfileFormat
import ProfileReport

/// `disasm REGEX`: the instructions of every function of the profile's binaries whose symbol
/// matches and holds samples, each with its flat and cum values, laid out as go tool pprof's
/// PrintAssembly lays them out.
enum DisasmReport {
    /// A symbol of a binary that holds samples.
    struct Routine {
        var name: String
        var binary: String
        var start: UInt64
        /// One past the last address go looks at: go's symbol end is address+size-1, exclusive.
        var end: UInt64
        var base: UInt64
        var nodes: [Node]
    }

    /// Whether `path` is a Go binary: it holds Go's line table (`.gopclntab`, in
    /// `.data.rel.ro.gopclntab` when position-independent).
    static func isGoBinary(_ path: String) -> Bool {
        guard let elf = ELFFile(path: path) else { return false }
        return elf.sections().contains { $0.name == ".gopclntab" || $0.name == ".data.rel.ro.gopclntab" }
    }

    static func generate(
        _ profile: Profile, argument: String, config: ReportConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
        warn: (String) -> Void
    ) throws(ReportError) -> [UInt8] {
        let rpt = try ReportPipeline.makeReport(profile, command: "disasm", format: .list, argument: argument, config: config, warn: warn)
        guard let rx = rpt.options.symbol else { throw ReportError("disasm needs a regular expression") }
        let g = rpt.newGraph()
        var problems: [String] = []
        let routines = self.routines(rpt.profile, g.nodes, rx, address: GoInteger.parseUnsigned(argument)) { problems.append($0) }
        if routines.isEmpty {
            // One line: why the binary could not be read, when that is why nothing matched
            // (a binary that is not here also left the samples without names to match).
            if problems.isEmpty {
                var seen = Set<String>()
                for m in rpt.profile.mappings where !m.file.isEmpty && seen.insert(m.file).inserted {
                    if g.nodes.contains(where: { $0.info.objfile == m.file }) { _ = readable(m) { problems.append($0) } }
                }
                let reason = problems.first.map { "; " + $0 } ?? ""
                throw ReportError("no matches found for regexp: \(argument)\(reason)")
            }
            let first = problems[0]
            throw ReportError(problems.count == 1 ? first : first + " (and \(problems.count - 1) more binaries)")
        }
        problems.forEach(warn)
        let disassembler = Disassembler(intelSyntax: config.intelSyntax, environment: environment)
        func value(_ v: Int64) -> String { v == 0 ? "." : rpt.formatValue(v) }
        var w = "Total: \(rpt.formatValue(rpt.total))\n"
        var goBinaries: [String: Bool] = [:]
        for r in routines {
            var flat: Int64 = 0, cum: Int64 = 0
            for n in r.nodes {
                flat &+= n.flat
                cum &+= n.cum
            }
            let instructions = try disassembler.disassemble(r.binary, start: r.start, end: r.end)
            // go tool pprof's disassembler reads a Go binary's line table and gives each
            // instruction its file and line (not its function); for other binaries it gives none,
            // and the places printed are the samples' own.
            let lineTable = goBinaries[r.binary, default: Self.isGoBinary(r.binary)]
            goBinaries[r.binary] = lineTable
            let bare = instructions.map {
                Instruction(address: $0.address, text: $0.text, file: lineTable ? $0.file : "", line: lineTable ? $0.line : 0)
            }
            let annotated = Disassembler.annotate(bare, r.nodes) { $0 &- r.base }
            w += "ROUTINE ======================== \(r.name)\n"
            w += GoFormat.pad(rpt.formatValue(flat), 10) + " " + GoFormat.pad(rpt.formatValue(cum), 10)
            w += " (flat, cum) " + Measurement.percentage(cum, rpt.total) + " of Total\n"
            var last = ("", "", 0)
            for a in annotated {
                var place = ""
                if a.function != last.0 || a.file != last.1 || a.line != last.2 {
                    last = (a.function, a.file, a.line)
                    if !a.function.isEmpty { place = a.function + " " }
                    if !a.file.isEmpty {
                        place += a.file
                        if a.line != 0 { place += ":\(a.line)" }
                    }
                }
                let values = GoFormat.pad(value(a.flatValue), 10) + " " + GoFormat.pad(value(a.cumValue), 10) + " "
                let address = GoFormat.pad(String(a.instruction.address, radix: 16), 10) + ": "
                let text = a.instruction.text
                if place.isEmpty {
                    w += values + address + text + "\n"
                } else if text.utf8.count < 40 {
                    w += values + address + GoFormat.padRight(text, 40) + ";" + place + "\n"
                } else {
                    w += String(repeating: " ", count: 74) + ";" + place + "\n"
                    w += values + address + text + "\n"
                }
            }
        }
        return Array(w.utf8)
    }

    /// go's symbolsFromBinaries and nodesPerSymbol: the symbols of the binaries with matching
    /// samples (or holding `address`) whose names match, each with the nodes inside it, sorted
    /// by name and address. A binary that cannot be read is named in one warning line.
    static func routines(_ p: Profile, _ nodes: [Node], _ rx: GoRegex, address: UInt64?, warn: (String) -> Void) -> [Routine] {
        var hasSamples = Set<String>()
        for n in nodes where !n.info.objfile.isEmpty && rx.matches(n.info.printableName) { hasSamples.insert(n.info.objfile) }
        var out: [Routine] = []
        var seen = Set<String>()
        for m in p.mappings {
            let holdsAddress = address.map { m.start <= $0 && $0 <= m.limit } ?? false
            guard hasSamples.contains(m.file) || holdsAddress, !m.file.isEmpty, seen.insert(m.file).inserted else { continue }
            guard let binary = readable(m, warn: warn) else { continue }
            let (elf, symbols) = binary
            let base = elf.base(start: m.start, limit: m.limit, offset: m.offset)
            let own = nodes.filter { $0.info.objfile == m.file }
            for s in symbols where !(s.address == 0 && s.size == 0) {
                let end = s.address &+ s.size &- 1
                if let a = address, !(s.address <= a &- base && a &- base < s.address &+ s.size) { continue }
                guard let shown = matchingName(s.name, rx) else { continue }
                let inside = own.filter {
                    let a = $0.info.address &- base
                    return a >= s.address && a < end
                }
                if inside.isEmpty { continue }
                out.append(Routine(name: shown, binary: m.file, start: s.address, end: end, base: base, nodes: inside))
            }
        }
        out.sort { $0.name != $1.name ? $0.name < $1.name : $0.start < $1.start }
        return out
    }

    /// The binary of mapping `m` and its symbols, or nil with one warning line saying why not:
    /// missing, not ELF, another build, or stripped.
    static func readable(_ m: Mapping, warn: (String) -> Void) -> (ELFFile, [ELFFile.Symbol])? {
        let name = (m.file as NSString).lastPathComponent
        guard FileManager.default.fileExists(atPath: m.file) else {
            warn("disasm: cannot open \(m.file): no such file (set PPROF_BINARY_PATH to the directory holding \(name))")
            return nil
        }
        guard let elf = ELFFile(path: m.file) else {
            warn("disasm: \(m.file) is not a 64-bit ELF binary")
            return nil
        }
        if !m.buildID.isEmpty && !elf.buildID.isEmpty && m.buildID != elf.buildID {
            warn("disasm: \(m.file) does not match the profile: build ID \(elf.buildID), profile has \(m.buildID)")
            return nil
        }
        let symbols = elf.symbols()
        if symbols.isEmpty {
            warn("disasm: \(m.file) has no symbol table (stripped): point PPROF_BINARY_PATH at an unstripped copy")
            return nil
        }
        return (elf, symbols)
    }

    /// The symbol's name when it matches, as go tool pprof matches it; failing that, the first
    /// demangled form that matches, as google/pprof's objdump-based tools match C++ names.
    static func matchingName(_ raw: String, _ rx: GoRegex) -> String? {
        if rx.matches(raw) { return raw }
        guard raw.hasPrefix("_Z") || raw.hasPrefix("_R") else { return nil }
        for mode in [DemangleMode.full, .templates, .simplified] {
            let name = SymbolNames.readable(raw, mode)
            if name != raw && rx.matches(name) { return name }
        }
        return nil
    }
}
