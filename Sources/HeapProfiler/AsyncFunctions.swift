import CHeapSampler
import Glibc
import Synchronization

/// Finds the Swift async functions of the main executable (from its ELF symbol table) and hands
/// their address ranges to the sampler, so a stack walk that meets one continues through the
/// task's async contexts to the logical callers instead of ending in the executor.
enum AsyncFunctions {
    private static let registered = Mutex(false)

    /// Registers the ranges once per process; later calls do nothing.
    static func registerOnce() {
        let first = registered.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let executable = currentExecutablePath()
        let regions = MappedRegion.current()
        guard let info = ELFInfo.read(path: executable),
            let text = regions.first(where: { $0.executable && $0.path == executable })
        else { return }
        // Run-time address = file address + bias, from the mapping of the code segment.
        let fileStart = info.fileAddress(of: text.start, mappingStart: text.start, mappingOffset: text.offset)
        let bias = text.start &- fileStart
        var bounds: [UInt] = []
        for symbol in ELFSymbols.functions(path: executable, where: isAsyncSymbol) {
            bounds.append(UInt(symbol.value &+ bias))
            bounds.append(UInt(symbol.value &+ symbol.size &+ bias))
        }
        guard !bounds.isEmpty else { return }
        // Sort by start; symbols may overlap (aliases): merge them.
        var pairs = stride(from: 0, to: bounds.count, by: 2).map { (bounds[$0], bounds[$0 + 1]) }
        pairs.sort { $0.0 < $1.0 }
        var merged: [(UInt, UInt)] = []
        for p in pairs {
            if let last = merged.last, p.0 <= last.1 {
                merged[merged.count - 1].1 = max(last.1, p.1)
            } else {
                merged.append(p)
            }
        }
        let flat = merged.flatMap { [$0.0, $0.1] }
        flat.withUnsafeBufferPointer { _ = hs_set_async_ranges($0.baseAddress, merged.count) }
    }

    /// Whether a mangled name is a Swift async function or one of its partial functions:
    /// `…YaF`, `…YaKF`, async closures (`…Yac…`, `…YaKc…`), and `…TY3_` / `…TQ0_` resume points.
    static func isAsyncSymbol(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count > 4, name[0] == 0x24, name[1] == 0x73 else { return false }  // "$s"
        // A resume partial function: T, Y or Q, digits, _ at the end.
        var i = name.count - 1
        if name[i] == 0x5F {
            i -= 1
            while i > 2 && name[i] >= 0x30 && name[i] <= 0x39 { i -= 1 }
            if i > 2 && i < name.count - 2 && (name[i] == 0x59 || name[i] == 0x51) && name[i - 1] == 0x54 { return true }
        }
        // The async effect in the function's type: "Ya" then F, KF, c, Kc.
        for j in 0..<(name.count - 2) where name[j] == 0x59 && name[j + 1] == 0x61 {
            let a = name[j + 2]
            if a == 0x46 || a == 0x63 { return true }  // F, c
            if a == 0x4B && j + 3 < name.count && (name[j + 3] == 0x46 || name[j + 3] == 0x63) { return true }  // KF, Kc
        }
        return false
    }
}

/// Function symbols of an ELF file's .symtab.
enum ELFSymbols {
    struct Symbol {
        var value: UInt64
        var size: UInt64
    }

    /// The defined function symbols whose names pass `filter` (names are not turned into Strings).
    static func functions(path: String, where filter: (UnsafeBufferPointer<UInt8>) -> Bool) -> [Symbol] {
        guard let file = readWholeFile(path), file.count > 64, file[4] == 2, file[5] == 1 else { return [] }
        return file.withUnsafeBufferPointer { b -> [Symbol] in
            func u16(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
            func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) } }
            func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * $1) } }
            let shoff = Int(u64(40)), shentsize = u16(58), shnum = u16(60)
            guard shoff > 0, shentsize >= 64, shoff + shnum * shentsize <= b.count else { return [] }
            var result: [Symbol] = []
            for s in 0..<shnum {
                let sh = shoff + s * shentsize
                guard u32(sh + 4) == 2 else { continue }  // SHT_SYMTAB
                let offset = Int(u64(sh + 24)), size = Int(u64(sh + 32)), link = u32(sh + 40)
                let entsize = Int(u64(sh + 56))
                let strSh = shoff + link * shentsize
                let strOffset = Int(u64(strSh + 24)), strSize = Int(u64(strSh + 32))
                guard entsize >= 24, offset + size <= b.count, strOffset + strSize <= b.count else { continue }
                for e in stride(from: offset, to: offset + size, by: entsize) {
                    let info = b[e + 4]
                    let value = u64(e + 8), symSize = u64(e + 16)
                    guard info & 0xF == 2, value != 0, symSize != 0, u16(e + 6) != 0 else { continue }  // STT_FUNC, defined
                    let nameStart = strOffset + u32(e)
                    guard nameStart < strOffset + strSize else { continue }
                    var nameEnd = nameStart
                    while nameEnd < strOffset + strSize && b[nameEnd] != 0 { nameEnd += 1 }
                    let name = UnsafeBufferPointer(rebasing: b[nameStart..<nameEnd])
                    if filter(name) { result.append(Symbol(value: value, size: symSize)) }
                }
            }
            return result
        }
    }
}
