import Glibc

// Functions that allocate known sizes from known lines. The tests look them up by name, line and
// size in the profiles. They are kept out of line so that each one is a frame of its own.

enum Sites {
    /// Allocates `count` blocks of `size` bytes with malloc and returns them.
    @inline(never)
    static func allocateExactly(count: Int, size: Int) -> [UnsafeMutableRawPointer] {
        var kept: [UnsafeMutableRawPointer] = []
        kept.reserveCapacity(count)
        for _ in 0..<count { kept.append(malloc(size)!) }
        return kept
    }
    static let allocateExactlyLine: Int64 = #line - 3

    /// Allocates and frees `count` blocks of `size` bytes, one at a time.
    @inline(never)
    static func churn(count: Int, size: Int) {
        for _ in 0..<count {
            let p = malloc(size)!
            p.storeBytes(of: 1, as: UInt8.self)
            free(p)
        }
    }
    static let churnLine: Int64 = #line - 5

    /// Grows one block with realloc from `start` to at least `end` bytes, doubling, and returns it.
    @inline(never)
    static func growWithRealloc(start: Int, end: Int) -> (UnsafeMutableRawPointer, Int) {
        var size = start
        var p = malloc(size)!
        while size < end {
            size *= 2
            p = realloc(p, size)!
        }
        return (p, size)
    }

    /// Allocates through the Swift runtime (UnsafeMutableRawPointer.allocate → swift_slowAlloc).
    @inline(never)
    static func allocateThroughSwift(count: Int, size: Int) -> [UnsafeMutableRawPointer] {
        var kept: [UnsafeMutableRawPointer] = []
        kept.reserveCapacity(count)
        for _ in 0..<count { kept.append(UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)) }
        return kept
    }

    /// Allocates with posix_memalign, aligned_alloc, memalign, valloc and calloc.
    @inline(never)
    static func allocateAligned(count: Int) -> [UnsafeMutableRawPointer] {
        var kept: [UnsafeMutableRawPointer] = []
        for _ in 0..<count {
            var p: UnsafeMutableRawPointer?
            _ = posix_memalign(&p, 64, 1000)
            kept.append(p!)
            kept.append(aligned_alloc(128, 1024)!)
            kept.append(c_memalign(256, 1100)!)
            kept.append(valloc(1200)!)
            kept.append(calloc(13, 100)!)
        }
        return kept
    }
}

/// memalign is declared in <malloc.h>, which the Glibc module does not export.
@_silgen_name("memalign")
func c_memalign(_ alignment: Int, _ size: Int) -> UnsafeMutableRawPointer?

/// An async caller two awaits away from the allocation: its frame is not on the thread's stack
/// when the allocation happens, only in the task's async contexts.
enum AsyncSites {
    @inline(never)
    static func outer(count: Int) async -> [UnsafeMutableRawPointer] {
        let blocks = await inner(count: count)
        return blocks
    }

    @inline(never)
    static func inner(count: Int) async -> [UnsafeMutableRawPointer] {
        await Task.yield()
        return Sites.allocateExactly(count: count, size: 2222)
    }
}
