import Foundation

/// The programs pprof runs on binaries (llvm-symbolizer, addr2line, objdump): found in the
/// PPROF_TOOLS directories, then on PATH, and run with a bound on what they may print.
enum ExternalTool {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The most bytes read from one run (an objdump of a huge symbol stops there).
    static let outputLimit = 64 << 20

    /// The first of `names` found, in the PPROF_TOOLS directories first, then on PATH.
    static func find(_ names: [String], environment: [String: String]) -> (path: String, name: String)? {
        let dirs =
            (environment["PPROF_TOOLS"] ?? "").split(separator: ":").map(String.init)
            + (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in names {
            for d in dirs {
                let p = (d as NSString).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: p) { return (p, name) }
            }
        }
        return nil
    }

    /// Runs `path` with `input` on standard input and returns its standard output (at most
    /// `outputLimit` bytes: beyond that the program is stopped and the run fails).
    static func run(_ path: String, _ args: [String], input: Data = Data()) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot run \(path): \(error.localizedDescription)")
        }
        // Feed standard input from another thread so that a full output pipe cannot block us both.
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        var data = Data()
        let reader = stdout.fileHandleForReading
        while let chunk = try? reader.read(upToCount: 1 << 16), !chunk.isEmpty {
            data.append(chunk)
            if data.count > outputLimit {
                process.terminate()
                process.waitUntilExit()
                throw Failure(description: "\((path as NSString).lastPathComponent) printed more than \(outputLimit >> 20) MB")
            }
        }
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw Failure(description: "\((path as NSString).lastPathComponent) exited with status \(process.terminationStatus)")
        }
        return data
    }
}
