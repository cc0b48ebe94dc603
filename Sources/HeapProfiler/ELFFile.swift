import Glibc

/// What the heap profiler needs from an ELF file: its loadable segments (to turn a run-time address
/// into the address the file's symbols and line tables use) and its GNU build id.
struct ELFInfo: Sendable {
    struct Segment: Sendable {
        var offset: UInt64
        var vaddr: UInt64
        var fileSize: UInt64
    }

    var loads: [Segment]
    var buildID: String

    /// Reads the ELF header, the program headers and the PT_NOTE segments of `path`.
    /// Returns nil when the file is not a 64-bit little-endian ELF file.
    static func read(path: String) -> ELFInfo? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        func bytes(at offset: UInt64, count: Int) -> [UInt8]? {
            guard count > 0, count < 1 << 24 else { return nil }
            var buffer = [UInt8](repeating: 0, count: count)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            return n == count ? buffer : nil
        }
        guard let header = bytes(at: 0, count: 64), header[0] == 0x7f, header[1] == 0x45, header[2] == 0x4c,
            header[3] == 0x46, header[4] == 2, header[5] == 1
        else { return nil }
        let phoff = header.le64(32)
        let phentsize = Int(header.le16(54))
        let phnum = Int(header.le16(56))
        guard phentsize >= 56, phnum > 0, let table = bytes(at: phoff, count: phentsize * phnum) else { return nil }
        var info = ELFInfo(loads: [], buildID: "")
        for i in 0..<phnum {
            let base = i * phentsize
            let type = table.le32(base)
            let offset = table.le64(base + 8)
            let vaddr = table.le64(base + 16)
            let fileSize = table.le64(base + 32)
            if type == 1 {  // PT_LOAD
                info.loads.append(Segment(offset: offset, vaddr: vaddr, fileSize: fileSize))
            } else if type == 4, info.buildID.isEmpty, let notes = bytes(at: offset, count: Int(fileSize)) {
                info.buildID = gnuBuildID(notes: notes) ?? ""
            }
        }
        return info
    }

    /// The NT_GNU_BUILD_ID note among `notes`, as lowercase hex.
    static func gnuBuildID(notes: [UInt8]) -> String? {
        var at = 0
        while at + 12 <= notes.count {
            let nameSize = Int(notes.le32(at))
            let descSize = Int(notes.le32(at + 4))
            let type = notes.le32(at + 8)
            let nameStart = at + 12
            let descStart = nameStart + ((nameSize + 3) & ~3)
            let next = descStart + ((descSize + 3) & ~3)
            guard descStart + descSize <= notes.count else { return nil }
            if type == 3, nameSize == 4, notes[nameStart..<nameStart + 3].elementsEqual("GNU".utf8) {
                return notes[descStart..<descStart + descSize].map { byte in
                    let hex = String(byte, radix: 16)
                    return byte < 16 ? "0" + hex : hex
                }.joined()
            }
            at = next
        }
        return nil
    }

    /// The address that the file's symbol and line tables use for a run-time address in a mapping
    /// that starts at `mappingStart` with file offset `mappingOffset`.
    func fileAddress(of address: UInt64, mappingStart: UInt64, mappingOffset: UInt64) -> UInt64 {
        let fileOffset = address - mappingStart + mappingOffset
        for segment in loads where segment.offset <= fileOffset && fileOffset < segment.offset + segment.fileSize {
            return fileOffset - segment.offset + segment.vaddr
        }
        return fileOffset
    }
}

extension Array where Element == UInt8 {
    fileprivate func le16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    fileprivate func le32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(self[at + $1]) << (8 * $1) } }
    fileprivate func le64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(self[at + $1]) << (8 * $1) } }
}
