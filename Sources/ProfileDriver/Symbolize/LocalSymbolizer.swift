import Foundation
import ProfileFormat

/// Symbolizes address-only locations from the binaries on this machine, as go tool pprof's
/// local symbolizer does: binaries found by mapping file name, build ID and PPROF_BINARY_PATH,
/// then one llvm-symbolizer (or binutils addr2line) run per binary for all of its addresses,
/// inlined frames included.
struct LocalSymbolizer {
    var searchPath: [String]
    var tool: SymbolizerTool?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["PPROF_BINARY_PATH"] ?? ""
        searchPath =
            path.isEmpty
            ? [(environment["HOME"] ?? "") + "/pprof/binaries"]
            : path.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        tool = SymbolizerTool.find(environment: environment)
    }

    /// go's locateBinaries: a mapping whose binary is found on the search path (by build ID,
    /// base name or full path) and does not contradict its build ID is pointed at that copy.
    func locateBinaries(_ p: inout Profile, warn: (String) -> Void) {
        mappings: for i in p.mappings.indices {
            let m = p.mappings[i]
            let base = m.file.isEmpty ? "" : (m.file as NSString).lastPathComponent
            for dir in searchPath {
                var names: [String] = []
                if !m.buildID.isEmpty {
                    let byID = (dir as NSString).appendingPathComponent(m.buildID)
                    names.append((byID as NSString).appendingPathComponent(base))
                    if let entries = try? FileManager.default.contentsOfDirectory(atPath: byID) {
                        names += entries.sorted().map { (byID as NSString).appendingPathComponent($0) }
                    }
                    names.append(((dir as NSString).appendingPathComponent(m.file) as NSString).appendingPathComponent(m.buildID))
                }
                if !m.file.isEmpty {
                    if !base.isEmpty { names.append((dir as NSString).appendingPathComponent(base)) }
                    names.append((dir as NSString).appendingPathComponent(m.file))
                }
                for name in names {
                    guard let elf = ELFFile(path: name) else { continue }
                    if !m.buildID.isEmpty && m.buildID != elf.buildID {
                        warn("Ignoring local file \(name): build-id mismatch (\(m.buildID) != \(elf.buildID))")
                    } else {
                        p.mappings[i].file = name
                        continue mappings
                    }
                }
            }
        }
    }

    /// go's doLocalSymbolize: every used mapping not symbolized yet (all with `force`) whose
    /// binary opens and matches gets its locations' lines from the symbolizer tool.
    func symbolize(_ p: inout Profile, force: Bool, warn: (String) -> Void) {
        var used = [Bool](repeating: false, count: p.mappings.count)
        for l in p.locations where l.mapping >= 0 { used[Int(l.mapping)] = true }
        var missing = false
        var binaries: [Int: (path: String, base: UInt64)] = [:]
        for (i, m) in p.mappings.enumerated() where used[i] {
            if !force && (m.hasFunctions || m.hasFilenames || m.hasLineNumbers) { continue }
            if m.file.isEmpty {
                if i == 0 {
                    warn("Main binary filename not available.")
                } else {
                    missing = true
                }
                continue
            }
            let base = (m.file as NSString).lastPathComponent
            if base.hasPrefix("[") || base.hasPrefix("linux-vdso") || m.file.hasPrefix("/dev/dri/") { continue }
            if m.buildID.isEmpty, let u = URL(string: m.file), u.scheme?.lowercased().contains("http") == true { continue }
            let name = base + (m.buildID.isEmpty ? "" : " (build ID \(m.buildID))")
            guard FileManager.default.fileExists(atPath: m.file) else {
                warn("Local symbolization failed for \(name): open \(m.file): no such file or directory")
                missing = true
                continue
            }
            guard let elf = ELFFile(path: m.file) else {
                warn("Local symbolization failed for \(name): \(m.file) is not a 64-bit ELF binary")
                missing = true
                continue
            }
            if !m.buildID.isEmpty && !elf.buildID.isEmpty && elf.buildID != m.buildID {
                warn("Local symbolization failed for \(name): build ID mismatch")
                continue
            }
            binaries[i] = (m.file, elf.base(start: m.start, limit: m.limit, offset: m.offset))
        }
        if missing {
            warn("Some binary filenames not available. Symbolization may be incomplete.\n"
                + "Try setting PPROF_BINARY_PATH to the search path for local binaries.")
        }
        guard !binaries.isEmpty else { return }
        guard let tool else {
            warn("local symbolization: neither llvm-symbolizer nor addr2line was found on PATH")
            return
        }
        var functionIndex: [FunctionKey: Int32] = [:]
        for (mi, binary) in binaries.sorted(by: { $0.key < $1.key }) {
            let locs = p.locations.indices.filter { p.locations[$0].mapping == Int32(mi) }
            let addresses = locs.map { p.locations[$0].address &- binary.base }
            let stacks: [[SymbolFrame]]
            do {
                stacks = try tool.frames(binary.path, addresses)
            } catch {
                warn("local symbolization: \(error)")
                continue
            }
            for (k, li) in locs.enumerated() where k < stacks.count && !stacks[k].isEmpty {
                var lines: [Line] = []
                for f in stacks[k] {
                    if !f.function.isEmpty { p.mappings[mi].hasFunctions = true }
                    if !f.file.isEmpty { p.mappings[mi].hasFilenames = true }
                    if f.line != 0 { p.mappings[mi].hasLineNumbers = true }
                    let key = FunctionKey(name: f.function, file: f.file)
                    let fi: Int32
                    if let known = functionIndex[key] {
                        fi = known
                    } else {
                        fi = Int32(p.functions.count)
                        p.functions.append(
                            Function(id: UInt64(p.functions.count + 1), name: f.function, systemName: f.function, filename: f.file))
                        functionIndex[key] = fi
                    }
                    lines.append(Line(function: fi, line: f.line))
                }
                p.locations[li].lines = lines
                p.locations[li].isFolded = false
                p.mappings[mi].hasInlineFrames = true
            }
        }
    }

    struct FunctionKey: Hashable {
        var name: String
        var file: String
    }
}
