import CZlib

/// gzip compression and decompression over zlib.
public enum Gzip {
    /// The default cap on the decompressed size of one profile: 512 MiB, far above real
    /// profiles (a 200,000-sample heap profile inflates to about 20 MB) and far below memory.
    public static let defaultMaxInflatedSize = 512 << 20

    /// Whether `data` starts with the gzip magic bytes 1f 8b.
    public static func isGzip(_ data: [UInt8]) -> Bool {
        data.count >= 2 && data[0] == 0x1f && data[1] == 0x8b
    }

    /// Decompresses a gzip stream (several concatenated members too), refusing to produce more
    /// than `limit` bytes so that a small hostile file cannot exhaust memory.
    public static func decompress(_ input: [UInt8], limit: Int = defaultMaxInflatedSize) throws(ProfileError) -> [UInt8] {
        guard !input.isEmpty else { throw ProfileError("decompressing profile: empty gzip data") }
        var stream = z_stream()
        guard czlib_inflateInit2(&stream, 15 + 16) == Z_OK else {
            throw ProfileError("decompressing profile: zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        // The trailer's ISIZE (size mod 2^32 of the last member) sizes the buffer once, so that
        // growing it never doubles memory; the limit is still enforced while inflating.
        var hint = max(input.count * 4, 1 << 16)
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            if isize >= input.count { hint = isize }
        }
        output.reserveCapacity(min(limit, hint) + 1)
        let chunk = 1 << 18
        var buffer = [UInt8](repeating: 0, count: chunk)
        var consumed = 0
        var status: Int32 = Z_OK
        while true {
            let result: Int32 = input.withUnsafeBufferPointer { inBuf in
                buffer.withUnsafeMutableBufferPointer { outBuf in
                    // zlib counts input in 32 bits: offer at most 4 GiB - 1 at a time.
                    let offered = min(inBuf.count - consumed, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress! + consumed)
                    stream.avail_in = UInt32(offered)
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(chunk)
                    let r = inflate(&stream, Z_NO_FLUSH)
                    consumed += offered - Int(stream.avail_in)
                    return r
                }
            }
            let produced = chunk - Int(stream.avail_out)
            if output.count + produced > limit {
                throw ProfileError(
                    "decompressing profile: the data inflates to more than \(formatLimit(limit)) "
                        + "(a gzip bomb?); set PPROF_MAX_INFLATED_BYTES to raise the limit")
            }
            output.append(contentsOf: buffer[0..<produced])
            status = result
            if result == Z_STREAM_END {
                // Another gzip member may follow (as `cat a.gz b.gz` makes); skip trailing zero padding.
                while consumed < input.count && input[consumed] == 0 { consumed += 1 }
                if consumed >= input.count { break }
                guard inflateReset(&stream) == Z_OK else { break }
                continue
            }
            if result == Z_OK { continue }
            if result == Z_BUF_ERROR && produced > 0 { continue }
            break
        }
        if status != Z_STREAM_END {
            if status == Z_BUF_ERROR || status == Z_OK {
                throw ProfileError("decompressing profile: unexpected end of gzip data (truncated file?)")
            }
            let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw ProfileError("decompressing profile: \(detail)")
        }
        return output
    }

    /// Compresses `input` as one gzip member.
    public static func compress(_ input: [UInt8], level: Int32 = Z_DEFAULT_COMPRESSION) -> [UInt8] {
        var stream = z_stream()
        precondition(czlib_deflateInit2(&stream, level, 15 + 16) == Z_OK, "zlib deflateInit2 failed")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        let written: Int = input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                let r = deflate(&stream, Z_FINISH)
                precondition(r == Z_STREAM_END, "zlib deflate did not finish")
                return outBuf.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }

    static func formatLimit(_ n: Int) -> String {
        if n >= 1 << 30 && n % (1 << 30) == 0 { return "\(n >> 30) GiB" }
        if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        return "\(n) bytes"
    }
}
