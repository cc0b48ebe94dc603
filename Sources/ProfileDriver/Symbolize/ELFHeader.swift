import Foundation

/// What symbolizing needs from an ELF file: its type, load segments and GNU build ID.
struct ELFHeader {
    struct Segment {
        var offset: UInt64
        var vaddr: UInt64
        var filesz: UInt64
        var executable: Bool
    }
    var isExecutableType: Bool  // ET_EXEC (fixed addresses) rather than ET_DYN
    var segments: [Segment]
    var buildID: String

    /// Reads the header of a 64-bit little-endian ELF file; nil for anything else.
    init?(path: String) {
        guard let fh = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? fh.close() }
        guard let head = try? fh.read(upToCount: 64), head.count == 64 else { return nil }
        let h = [UInt8](head)
        guard h[0] == 0x7f, h[1] == 0x45, h[2] == 0x4c, h[3] == 0x46, h[4] == 2, h[5] == 1 else { return nil }
        func u16(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(b[i]) | UInt64(b[i + 1]) << 8 }
        func u32(_ b: [UInt8], _ i: Int) -> UInt64 { u16(b, i) | u16(b, i + 2) << 16 }
        func u64(_ b: [UInt8], _ i: Int) -> UInt64 { u32(b, i) | u32(b, i + 4) << 32 }
        let type = u16(h, 16)
        guard type == 2 || type == 3 else { return nil }
        isExecutableType = type == 2
        let phoff = u64(h, 32)
        let phentsize = Int(u16(h, 54))
        let phnum = Int(u16(h, 56))
        guard phentsize >= 56, phnum > 0, phnum < 4096 else { return nil }
        guard (try? fh.seek(toOffset: phoff)) != nil,
            let table = try? fh.read(upToCount: phentsize * phnum), table.count == phentsize * phnum
        else { return nil }
        let t = [UInt8](table)
        segments = []
        buildID = ""
        var notes: [(UInt64, UInt64)] = []
        for i in 0..<phnum {
            let p = i * phentsize
            let kind = u32(t, p)
            let flags = u32(t, p + 4)
            if kind == 1 {
                segments.append(Segment(offset: u64(t, p + 8), vaddr: u64(t, p + 16), filesz: u64(t, p + 32), executable: flags & 1 != 0))
            } else if kind == 4 {
                notes.append((u64(t, p + 8), u64(t, p + 32)))
            }
        }
        for (offset, size) in notes where size < 1 << 16 {
            guard (try? fh.seek(toOffset: offset)) != nil, let data = try? fh.read(upToCount: Int(size)) else { continue }
            let n = [UInt8](data)
            var i = 0
            while i + 12 <= n.count {
                let namesz = Int(u32(n, i)), descsz = Int(u32(n, i + 4)), kind = u32(n, i + 8)
                let desc = i + 12 + (namesz + 3) & ~3
                guard desc + descsz <= n.count else { break }
                if kind == 3 && namesz == 4 && n[i + 12..<i + 15].elementsEqual([0x47, 0x4e, 0x55]) {
                    buildID = n[desc..<desc + descsz].map { String(format: "%02x", $0) }.joined()
                }
                i = desc + (descsz + 3) & ~3
            }
        }
    }

    /// The number to subtract from a runtime address in a mapping to get the file's own
    /// address (go's elfexec.GetBase for user-space programs).
    func base(start: UInt64, limit: UInt64, offset: UInt64) -> UInt64 {
        if start == 0 && offset == 0 && (limit == UInt64.max || limit == 0) { return 0 }
        let load =
            segments.first { $0.executable && $0.offset <= offset && offset < $0.offset + max($0.filesz, 1) }
            ?? segments.first { $0.executable }
        guard let load else { return isExecutableType ? 0 : start &- offset }
        if isExecutableType && !(start > 0 && start < 0x8000_0000_0000_0000) { return 0 }
        return start &- offset &+ load.offset &- load.vaddr
    }
}
