import Testing

@testable import HeapProfiler

@Suite("Symbol names")
struct SymbolNameTests {
    @Test("demangled Swift names are shortened to Swift's function-reference form")
    func simplify() {
        #expect(
            SymbolNames.simplify(
                "ImageService.Downloader.(readGrowing in _A26640EFF5FD13C639ADA25AF3E5C2E6)(_: AsyncHTTPClient.HTTPClientResponse.Body, limit: Swift.Int) async throws -> ImageService.ImageBody"
            ) == "ImageService.Downloader.readGrowing(_:limit:)")
        #expect(
            SymbolNames.simplify("static HeapProfilerTests.Sites.churn(count: Swift.Int, size: Swift.Int) -> ()")
                == "static HeapProfilerTests.Sites.churn(count:size:)")
        #expect(
            SymbolNames.simplify("closure #1 (Swift.Int) -> () in M.f(x: Swift.Array<(Swift.Int, Swift.String)>) -> Swift.Int")
                == "closure #1 (Swift.Int) -> () in M.f(x:)")
        #expect(
            SymbolNames.simplify("closure #2 @Sendable (M.Request, M.Context) async throws(M.ServiceError) -> M.Response in M.routes(to:)")
                == "closure #2 @Sendable (M.Request, M.Context) async throws(M.ServiceError) -> M.Response in M.routes(to:)")
        #expect(SymbolNames.simplify("malloc") == "malloc")
        #expect(
            SymbolNames.simplify("(3) suspend resume partial function for M.Downloader.read(_: M.Body, limit: Swift.Int) async throws -> M.Buffer")
                == "M.Downloader.read(_:limit:)")
        #expect(SymbolNames.simplify("(12) await resume partial function for M.f() async -> ()") == "M.f()")
        #expect(
            SymbolNames.simplify(
                "function signature specialization <Arg[2] = Dead> of M.D.readGrowing(_: M.Body, limit: Swift.Int) async throws -> M.B")
                == "M.D.readGrowing(_:limit:)")
        #expect(
            SymbolNames.simplify("merged generic specialization <N.Socket, (Swift.Int) -> ()> of N.C.readable0() -> ()")
                == "N.C.readable0()")
    }

    @Test("the runtime's demangler is found and used")
    func demangle() {
        #expect(SymbolNames.demangle("$sSi") == "Swift.Int")
        #expect(SymbolNames.demangle("malloc") == nil)
        #expect(SymbolNames.displayName("$s4main3fooyyF") == "main.foo()")
    }

    @Test("addr2line blocks parse into frames, innermost first")
    func addr2lineOutput() {
        let text = """
            0x0000000000001234
            $s4main3fooyyF
            /src/main.swift:12
            $s4main3baryyF
            /src/main.swift:30 (discriminator 2)
            0x0000000000005678
            ??
            ??:0

            """
        let blocks = Symbolizer.parseAddr2line(text, count: 2)
        #expect(blocks.count == 2)
        #expect(blocks[0].map(\.name) == ["main.foo()", "main.bar()"])
        #expect(blocks[0].map(\.line) == [12, 30])
        #expect(blocks[0][1].file == "/src/main.swift")
        #expect(blocks[1].isEmpty)
    }

    @Test("GNU build id notes and /proc/self/maps lines parse")
    func elfAndMaps() {
        let note: [UInt8] = [4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0] + Array("GNU\0".utf8) + [0xde, 0xad, 0x0b, 0xef]
        #expect(ELFInfo.gnuBuildID(notes: note) == "dead0bef")
        let maps = MappedRegion.parse(
            "55d0c0000000-55d0c0001000 r-xp 00002000 08:01 123   /usr/bin/thing\n7ffc0000-7ffd0000 rw-p 00000000 00:00 0 [stack]\n")
        #expect(maps.count == 2)
        #expect(maps[0] == MappedRegion(start: 0x55d0_c000_0000, limit: 0x55d0_c000_1000, offset: 0x2000, executable: true, path: "/usr/bin/thing"))
        #expect(maps[1].path == "[stack]" && !maps[1].executable)
    }
}

extension SymbolNameTests {
    @Test("extension contexts and generic parameter clauses are dropped from Swift names")
    func extensionNoise() {
        #expect(
            SymbolNames.simplify(
                "(extension in Swift):Swift.Collection.map<A, B where B1: Swift.Error>(_: (A.Element) throws(B1) -> A1) throws(B1) -> Swift.Array<A1>")
                == "Swift.Collection.map(_:)")
        #expect(
            SymbolNames.simplify("(extension in NIOCore):NIOCore.ByteBuffer.writeBytes<A where A: Swift.Sequence>(_: A) -> Swift.Int")
                == "NIOCore.ByteBuffer.writeBytes(_:)")
    }
}
