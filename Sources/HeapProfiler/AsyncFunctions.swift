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
        // This runs in `start`, outside the allocator's hooks, so it may allocate. Only the symbol
        // and string tables are read (not the whole executable), and names stay bytes, not
        // Strings: an executable has hundreds of thousands of them.
        var bounds: [UInt] = []
        info.forEachSymbol { symbol in
            // Defined functions with an address and a size (STT_FUNC, not SHN_UNDEF).
            guard symbol.type == 2, symbol.address != 0, symbol.size != 0, symbol.sectionIndex != 0,
                isAsyncSymbol(symbol.name)
            else { return }
            bounds.append(UInt(symbol.address &+ bias))
            bounds.append(UInt(symbol.address &+ symbol.size &+ bias))
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
