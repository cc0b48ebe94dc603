import Glibc

/// What the profiler and the analyzer need from a 64-bit little-endian ELF file: its type, its
/// loadable segments, its GNU build ID and (read on demand) its sections and symbol table.
/// Every read is bounded, so a hostile or truncated file gives nil or an empty answer.
public struct ELFFile: Sendable {
    public struct Segment: Sendable, Equatable {
        public var offset: UInt64
        public var vaddr: UInt64
        public var fileSize: UInt64
        public var executable: Bool
    }

    public struct Section: Sendable {
        public var name: String
        public var type: UInt32
        public var flags: UInt64
        public var address: UInt64
        public var offset: UInt64
        public var size: UInt64
        public var link: UInt32
        public var entrySize: UInt64
    }

    /// A `.symtab` entry (go's objfile.Sym): its address, size and whether it is code.
    public struct Symbol: Sendable, Equatable {
        public var name: String
        public var address: UInt64
        public var size: UInt64
        public var isFunction: Bool
    }

    public let path: String
    /// ET_EXEC (fixed addresses) rather than ET_DYN (position independent).
    public let isExecutableType: Bool
    public let segments: [Segment]
    /// The NT_GNU_BUILD_ID note as lowercase hex, "" when there is none.
    public let buildID: String
    private let sectionHeaderOffset: UInt64
    private let sectionHeaderSize: Int
    private let sectionCount: Int
    private let sectionNamesIndex: Int

    /// The most bytes read from one file for a table (symbols, names, notes).
    static let tableLimit = 256 << 20

    /// Whether `path` starts with the ELF magic number.
    public static func isELF(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var magic = [UInt8](repeating: 0, count: 4)
        // A directory fails the read (EISDIR) and so is not ELF.
        let n = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4, 0) }
        return n == 4 && magic == [0x7f, 0x45, 0x4c, 0x46]
    }

    /// Reads the header, program headers and notes of `path`; nil when it is not a 64-bit
    /// little-endian ELF executable or shared object.
    public init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let h = Self.read(fd, at: 0, count: 64), h[0] == 0x7f, h[1] == 0x45, h[2] == 0x4c, h[3] == 0x46,
            h[4] == 2, h[5] == 1
        else { return nil }
        let type = h.le16(16)
        guard type == 2 || type == 3 else { return nil }
        self.path = path
        isExecutableType = type == 2
        let phoff = h.le64(32)
        let phentsize = Int(h.le16(54))
        let phnum = Int(h.le16(56))
        sectionHeaderOffset = h.le64(40)
        sectionHeaderSize = Int(h.le16(58))
        sectionCount = Int(h.le16(60))
        sectionNamesIndex = Int(h.le16(62))
        guard phentsize >= 56, phnum > 0, phnum < 4096, let table = Self.read(fd, at: phoff, count: phentsize * phnum)
        else { return nil }
        var segments: [Segment] = []
        var buildID = ""
        for i in 0..<phnum {
            let p = i * phentsize
            let kind = table.le32(p)
            let flags = table.le32(p + 4)
            if kind == 1 {  // PT_LOAD
                segments.append(
                    Segment(offset: table.le64(p + 8), vaddr: table.le64(p + 16), fileSize: table.le64(p + 32), executable: flags & 1 != 0))
            } else if kind == 4, buildID.isEmpty, table.le64(p + 32) < 1 << 16,  // PT_NOTE
                let notes = Self.read(fd, at: table.le64(p + 8), count: Int(table.le64(p + 32)))
            {
                buildID = Self.gnuBuildID(notes: notes) ?? ""
            }
        }
        self.segments = segments
        self.buildID = buildID
    }

    /// The NT_GNU_BUILD_ID note among `notes`, as lowercase hex.
    public static func gnuBuildID(notes: [UInt8]) -> String? {
        var at = 0
        while at + 12 <= notes.count {
            let nameSize = Int(notes.le32(at))
            let descSize = Int(notes.le32(at + 4))
            let nameStart = at + 12
            guard nameSize < 1 << 16, descSize < 1 << 16 else { return nil }
            let descStart = nameStart + ((nameSize + 3) & ~3)
            guard descStart + descSize <= notes.count else { return nil }
            if notes.le32(at + 8) == 3, nameSize == 4, notes[nameStart..<nameStart + 3].elementsEqual("GNU".utf8) {
                return notes[descStart..<descStart + descSize].map { byte in
                    byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
                }.joined()
            }
            at = descStart + ((descSize + 3) & ~3)
        }
        return nil
    }

    /// The number to subtract from a run-time address in a mapping to get the file's own
    /// address (go's elfexec.GetBase for user-space programs).
    public func base(start: UInt64, limit: UInt64, offset: UInt64) -> UInt64 {
        if start == 0 && offset == 0 && (limit == UInt64.max || limit == 0) { return 0 }
        let load =
            segments.first { $0.executable && $0.offset <= offset && offset < $0.offset + max($0.fileSize, 1) }
            ?? segments.first { $0.executable }
        guard let load else { return isExecutableType ? 0 : start &- offset }
        if isExecutableType && !(start > 0 && start < 0x8000_0000_0000_0000) { return 0 }
        return start &- offset &+ load.offset &- load.vaddr
    }

    /// The address the file's symbol and line tables use for `address` in a mapping that starts
    /// at `mappingStart` with file offset `mappingOffset` (the segment holding that file offset
    /// says where it was meant to be loaded).
    public func fileAddress(of address: UInt64, mappingStart: UInt64, mappingOffset: UInt64) -> UInt64 {
        let fileOffset = address &- mappingStart &+ mappingOffset
        for s in segments where s.offset <= fileOffset && fileOffset < s.offset &+ s.fileSize {
            return fileOffset - s.offset &+ s.vaddr
        }
        return fileOffset
    }

    /// The section headers, with their names; empty when the file has none or they are damaged.
    public func sections() -> [Section] {
        guard sectionCount > 0, sectionCount < 1 << 16, sectionHeaderSize >= 64 else { return [] }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        guard let table = Self.read(fd, at: sectionHeaderOffset, count: sectionCount * sectionHeaderSize) else { return [] }
        let names = Self.read(fd, at: sectionNamesIndex < sectionCount ? table.le64(sectionNamesIndex * sectionHeaderSize + 24) : 0,
            count: sectionNamesIndex < sectionCount ? Int(clamping: table.le64(sectionNamesIndex * sectionHeaderSize + 32)) : 0) ?? []
        var out: [Section] = []
        for i in 0..<sectionCount {
            let s = i * sectionHeaderSize
            out.append(
                Section(
                    name: Self.string(names, at: Int(table.le32(s))), type: table.le32(s + 4), flags: table.le64(s + 8),
                    address: table.le64(s + 16), offset: table.le64(s + 24), size: table.le64(s + 32), link: table.le32(s + 40),
                    entrySize: table.le64(s + 56)))
        }
        return out
    }

    /// The symbols of `.symtab` (none for a stripped file), without the null entry, sorted by address.
    public func symbols() -> [Symbol] {
        let all = sections()
        var out: [Symbol] = []
        if let table = all.first(where: { $0.type == 2 }), table.entrySize >= 24 {
            out.reserveCapacity(Int(clamping: table.size / table.entrySize))
        }
        forEachSymbol(sections: all) { s in
            var isFunction = s.type == 2
            if s.sectionIndex > 0 && s.sectionIndex < all.count { isFunction = isFunction || all[s.sectionIndex].flags & 0x4 != 0 }
            out.append(
                Symbol(
                    name: String(decoding: s.name, as: UTF8.self), address: s.address, size: s.size,
                    isFunction: isFunction && s.sectionIndex != 0))
        }
        out.sort { $0.address < $1.address }
        return out
    }

    /// A `.symtab` entry as the file has it, for a caller that looks at many symbols and keeps few.
    public struct SymbolEntry {
        /// The name's bytes, without the terminating zero; valid only during the call that gets it.
        public var name: UnsafeBufferPointer<UInt8>
        public var address: UInt64
        public var size: UInt64
        /// STT_*: 2 is a function (STT_FUNC).
        public var type: UInt8
        /// The index of the section it is defined in; 0 when it is undefined (SHN_UNDEF).
        public var sectionIndex: Int
    }

    /// Calls `body` with every `.symtab` entry but the null one, in file order, without making a
    /// String of any name (`symbols()` does, for all of them).
    public func forEachSymbol(_ body: (SymbolEntry) -> Void) {
        forEachSymbol(sections: sections(), body)
    }

    private func forEachSymbol(sections all: [Section], _ body: (SymbolEntry) -> Void) {
        guard let table = all.first(where: { $0.type == 2 }), Int(table.link) < all.count else { return }
        let strings = all[Int(table.link)]
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        guard table.entrySize >= 24, let entries = Self.read(fd, at: table.offset, count: Int(clamping: table.size)),
            let names = Self.read(fd, at: strings.offset, count: Int(clamping: strings.size))
        else { return }
        let size = Int(table.entrySize)
        names.withUnsafeBufferPointer { names in
            for e in stride(from: size, to: entries.count - size + 1, by: size) {
                var start = Int(entries.le32(e))
                if start >= names.count { start = names.count }  // out of range: an empty name
                var end = start
                while end < names.count && names[end] != 0 { end += 1 }
                body(
                    SymbolEntry(
                        name: UnsafeBufferPointer(rebasing: names[start..<end]), address: entries.le64(e + 8),
                        size: entries.le64(e + 16), type: entries[e + 4] & 0xF, sectionIndex: Int(entries.le16(e + 6))))
            }
        }
    }

    /// Whether the file has a section called `name`.
    public func hasSection(_ name: String) -> Bool { sections().contains { $0.name == name } }

    private static func string(_ table: [UInt8], at: Int) -> String {
        guard at >= 0, at < table.count else { return "" }
        let end = table[at...].firstIndex(of: 0) ?? table.count
        return String(decoding: table[at..<end], as: UTF8.self)
    }

    private static func read(_ fd: Int32, at offset: UInt64, count: Int) -> [UInt8]? {
        guard count > 0, count <= tableLimit, offset < UInt64(Int64.max) else { return count == 0 ? [] : nil }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        return buffer
    }
}

extension Array where Element == UInt8 {
    fileprivate func le16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    fileprivate func le32(_ at: Int) -> UInt32 { UInt32(le16(at)) | UInt32(le16(at + 2)) << 16 }
    fileprivate func le64(_ at: Int) -> UInt64 { UInt64(le32(at)) | UInt64(le32(at + 4)) << 32 }
}
