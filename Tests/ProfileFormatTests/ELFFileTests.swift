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
        // forEachSymbol (the heap profiler's scan for async functions) against `readelf -s` of the
        // fixture: its defined STT_FUNC entries with their addresses, sizes and sections.
        let elf = try #require(ELFFile(path: Self.binary))
        var functions: [String: (address: UInt64, size: UInt64, section: Int)] = [:]
        var count = 0
        elf.forEachSymbol { entry in
            count += 1
            guard entry.type == 2, entry.sectionIndex != 0 else { return }
            functions[String(decoding: entry.name, as: UTF8.self)] = (entry.address, entry.size, entry.sectionIndex)
        }
        let readelf: [String: (UInt64, UInt64, Int)] = [
            "deregister_tm_clones": (0x1000_10b0, 0, 14), "register_tm_clones": (0x1000_10e0, 0, 14),
            "__do_global_dtors_aux": (0x1000_1120, 0, 14), "frame_dummy": (0x1000_1150, 0, 14),
            "main": (0x1000_11ca, 192, 14), "_fini": (0x1000_128c, 0, 15), "_dl_relocate_static_pie": (0x1000_10a0, 1, 14),
            "_start": (0x1000_1070, 34, 14), "_init": (0x1000_1000, 0, 12), "spin": (0x1000_1156, 69, 14),
            "mix": (0x1000_119b, 47, 14),
        ]
        #expect(Set(functions.keys) == Set(readelf.keys))
        for (name, (address, size, section)) in readelf {
            #expect(functions[name]?.address == address && functions[name]?.size == size && functions[name]?.section == section, "\(name)")
        }
        // Every entry but the null one, as symbols() has them.
        #expect(count == elf.symbols().count)
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
