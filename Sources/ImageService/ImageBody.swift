import NIOCore

/// Downloaded bytes in memory the service owns: `capacity` bytes allocated, the first `count` used.
/// Immutable once read, so it can be shared between tasks and kept in the cache.
public final class ImageBody: @unchecked Sendable {
    let storage: UnsafeMutableRawPointer
    /// Bytes allocated for this body (what it costs in memory).
    public let capacity: Int
    /// Bytes of image data.
    public let count: Int

    init(taking storage: UnsafeMutableRawPointer, capacity: Int, count: Int) {
        self.storage = storage
        self.capacity = capacity
        self.count = count
    }

    deinit { storage.deallocate() }

    /// The image bytes.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }
}

/// The seed's read path, kept on purpose for `--reproduce-seed-leak`: the buffer starts small and
/// doubles whenever a chunk does not fit, copying everything read so far each time, and is kept at
/// its final size, so a body ends up in a buffer up to twice its size.
struct GrowingBodyReader {
    static let initialCapacity = 4096

    private var storage = UnsafeMutableRawPointer.allocate(byteCount: initialCapacity, alignment: 16)
    private var capacity = initialCapacity
    private var count = 0
    private var finished = false

    /// Appends a chunk, doubling the buffer as often as needed.
    @inline(never)
    mutating func readBodyGrowing(_ chunk: ByteBuffer) {
        let n = chunk.readableBytes
        while count + n > capacity {
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            bigger.copyMemory(from: storage, byteCount: count)
            storage.deallocate()
            storage = bigger
            capacity *= 2
        }
        chunk.withUnsafeReadableBytes { storage.advanced(by: count).copyMemory(from: $0.baseAddress!, byteCount: n) }
        count += n
    }

    /// Hands the buffer over, at its grown size.
    mutating func finish() -> ImageBody {
        finished = true
        return ImageBody(taking: storage, capacity: capacity, count: count)
    }

    /// Frees the buffer of a read that failed.
    mutating func discard() {
        if !finished { storage.deallocate() }
        finished = true
    }
}

/// The fixed read path: one buffer of exactly the body's size when the origin sends Content-Length;
/// otherwise the chunks are held until the end and copied once into an exact buffer.
struct ExactBodyReader {
    private var storage: UnsafeMutableRawPointer?
    private var expected: Int?
    private var count = 0
    private var pending: [ByteBuffer] = []

    init(contentLength: Int?) {
        expected = contentLength
    }

    /// Appends a chunk; the first one allocates the exact-size buffer when the length is known.
    @inline(never)
    mutating func readBodyExact(_ chunk: ByteBuffer) throws(ServiceError) {
        let n = chunk.readableBytes
        guard let expected else {
            pending.append(chunk)
            count += n
            return
        }
        guard count + n <= expected else {
            throw ServiceError(.badGateway, "origin_bad_length", "the origin sent more bytes than its Content-Length")
        }
        if storage == nil { storage = UnsafeMutableRawPointer.allocate(byteCount: max(expected, 1), alignment: 16) }
        chunk.withUnsafeReadableBytes { storage!.advanced(by: count).copyMemory(from: $0.baseAddress!, byteCount: n) }
        count += n
    }

    /// The body in an exact-size buffer.
    @inline(never)
    mutating func finish() throws(ServiceError) -> ImageBody {
        if let expected {
            guard count == expected else {
                discard()
                throw ServiceError(
                    .badGateway, "origin_bad_length", "the origin closed after \(count) of \(expected) bytes")
            }
            let body = ImageBody(
                taking: storage ?? .allocate(byteCount: 1, alignment: 16), capacity: max(expected, 1), count: count)
            storage = nil
            return body
        }
        let exact = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        var at = 0
        for chunk in pending {
            chunk.withUnsafeReadableBytes { exact.advanced(by: at).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            at += chunk.readableBytes
        }
        pending = []
        return ImageBody(taking: exact, capacity: max(count, 1), count: count)
    }

    /// Frees the buffer of a read that failed.
    mutating func discard() {
        storage?.deallocate()
        storage = nil
        pending = []
    }
}
