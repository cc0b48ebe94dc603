import Foundation
import Testing

@testable import ProfileFormat

/// The one ELF reader (pprof's symbolizer and disassembler, the heap profiler, the driver's
/// "is this a binary?" test), on the committed disasm fixture and on damaged files.
@Suite struct ELFFileTests {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ProfileDriverTests/Fixtures/disasm/disdemo").path

    @Test func readsTheFixtureBinary() throws {
        #expect(ELFFile.isELF(path: Self.binary))
        let elf = try #require(ELFFile(path: Self.binary))
        #expect(elf.isExecutableType)
        #expect(elf.buildID.count == 40 && elf.buildID.allSatisfy(\.isHexDigit))
        let code = try #require(elf.segments.first { $0.executable })
        #expect(code.vaddr == 0x1000_1000 && code.offset == 0x1000)
        // A fixed-address binary mapped where it was linked: no bias.
        #expect(elf.base(start: 0x1000_1000, limit: 0x1000_2000, offset: 0x1000) == 0)
        #expect(elf.fileAddress(of: 0x1000_1156, mappingStart: 0x1000_1000, mappingOffset: 0x1000) == 0x1000_1156)
        let spin = try #require(elf.symbols().first { $0.name == "spin" })
        #expect(spin.isFunction && spin.size > 0 && spin.address >= code.vaddr)
        #expect(elf.hasSection(".text") && !elf.hasSection(".gopclntab"))
    }

    @Test func symbolEntriesWithoutStrings() throws {
        // forEachSymbol (the heap profiler's scan for async functions) sees what symbols() sees,
        // with the name's bytes, the symbol type and the section.
        let elf = try #require(ELFFile(path: Self.binary))
        var entries: [(name: String, address: UInt64, type: UInt8, section: Int)] = []
        elf.forEachSymbol { entries.append((String(decoding: $0.name, as: UTF8.self), $0.address, $0.type, $0.sectionIndex)) }
        let symbols = elf.symbols()
        #expect(entries.count == symbols.count && entries.count > 0)
        #expect(Set(entries.map(\.name)) == Set(symbols.map(\.name)))
        let spin = try #require(entries.first { $0.name == "spin" })
        #expect(spin.type == 2 && spin.section != 0)  // STT_FUNC, defined
        #expect(spin.address == symbols.first { $0.name == "spin" }?.address)
    }

    @Test func positionIndependentCodeIsBiasedByItsMapping() throws {
        // This test program is position independent: its bias is where its code was mapped.
        let elf = try #require(ELFFile(path: "/proc/self/exe"))
        try #require(!elf.isExecutableType)
        let code = try #require(elf.segments.first { $0.executable })
        let bias: UInt64 = 0x5555_0000_0000
        #expect(elf.base(start: bias + code.vaddr, limit: bias + code.vaddr + 0x1000, offset: code.offset) == bias)
        #expect(elf.fileAddress(of: bias + code.vaddr + 8, mappingStart: bias + code.vaddr, mappingOffset: code.offset) == code.vaddr + 8)
    }

    @Test func damagedFilesGiveNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("elf-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.binary))
        for (name, bytes) in [("head", whole.prefix(40)), ("magic", Data([0x7f, 0x45, 0x4c, 0x46])), ("text", Data("hello".utf8))] {
            let path = dir.appendingPathComponent(name).path
            try bytes.write(to: URL(fileURLWithPath: path))
            #expect(ELFFile(path: path) == nil, "\(name)")
        }
        #expect(ELFFile.isELF(path: dir.appendingPathComponent("magic").path))
        #expect(!ELFFile.isELF(path: dir.path))  // a directory
        // Headers intact, section table cut off: no symbols, no crash.
        let cut = dir.appendingPathComponent("cut").path
        try whole.prefix(0x2000).write(to: URL(fileURLWithPath: cut))
        #expect(ELFFile(path: cut)?.symbols().isEmpty == true)
    }

    @Test func buildIDNotes() {
        let note: [UInt8] = [4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0] + Array("GNU\0".utf8) + [0xde, 0xad, 0x0b, 0xef]
        #expect(ELFFile.gnuBuildID(notes: note) == "dead0bef")
        #expect(ELFFile.gnuBuildID(notes: Array(note.prefix(18))) == nil)
    }
}
