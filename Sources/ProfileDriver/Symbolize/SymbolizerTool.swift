import Foundation

/// One frame of an address: innermost (inlined) first, as symbolizers print them.
struct SymbolFrame: Equatable {
    var function: String
    var file: String
    var line: Int64
}

/// The program that turns addresses into frames: LLVM's llvm-symbolizer, else binutils' addr2line.
struct SymbolizerTool {
    enum Kind { case llvm, addr2line }
    var path: String
    var kind: Kind

    /// The first of llvm-symbolizer and addr2line on PATH (PPROF_TOOLS directories first).
    static func find(environment: [String: String]) -> SymbolizerTool? {
        guard let found = ExternalTool.find(["llvm-symbolizer", "addr2line"], environment: environment) else { return nil }
        return SymbolizerTool(path: found.path, kind: found.name == "llvm-symbolizer" ? .llvm : .addr2line)
    }

    /// The frames of every address in `binary`, from one run of the tool.
    func frames(_ binary: String, _ addresses: [UInt64]) throws -> [[SymbolFrame]] {
        let args: [String]
        switch kind {
        case .llvm: args = ["--inlining", "-demangle=false", "--obj=" + binary]
        case .addr2line: args = ["-a", "-f", "-i", "-e", binary]
        }
        let input = addresses.map { "0x" + String($0, radix: 16) }.joined(separator: "\n") + "\n"
        let output = try ExternalTool.run(path, args, input: Data(input.utf8))
        // Split by byte: thousands of lines, where splitting the text by Character costs more than
        // the rest of reading them.
        let lines = [UInt8](output).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        return kind == .llvm ? Self.parseLLVM(lines, count: addresses.count) : Self.parseAddr2line(lines, count: addresses.count)
    }

    /// llvm-symbolizer: `function` and `file:line:column` pairs per frame, a blank line after each address.
    static func parseLLVM(_ lines: [String], count: Int) -> [[SymbolFrame]] {
        var out: [[SymbolFrame]] = []
        var current: [SymbolFrame] = []
        var i = 0
        while i < lines.count && out.count < count {
            if lines[i].isEmpty {
                out.append(current)
                current = []
                i += 1
                continue
            }
            let function = lines[i] == "??" ? "" : lines[i]
            let where_ = i + 1 < lines.count ? lines[i + 1] : ""
            current.append(frame(function, where_))
            i += 2
        }
        return out
    }

    /// addr2line -a: the address, then `function` and `file:line` pairs per frame.
    static func parseAddr2line(_ lines: [String], count: Int) -> [[SymbolFrame]] {
        var out: [[SymbolFrame]] = []
        var current: [SymbolFrame]? = nil
        var i = 0
        while i < lines.count {
            let l = lines[i]
            if l.hasPrefix("0x") && !l.contains(":") {
                if let c = current { out.append(c) }
                current = []
                i += 1
                continue
            }
            if l.isEmpty {
                i += 1
                continue
            }
            let function = l == "??" ? "" : l
            current?.append(frame(function, i + 1 < lines.count ? lines[i + 1] : ""))
            i += 2
        }
        if let c = current { out.append(c) }
        return out
    }

    /// A frame from a function name and `file:line[:column]` (`??:0` for unknown); the line may
    /// be followed by ` (discriminator N)`, and a name with more colons is no file.
    static func frame(_ function: String, _ fileLine: String) -> SymbolFrame {
        if fileLine == "??:0" || fileLine == "??:0:0" || fileLine == "??:?" { return SymbolFrame(function: function, file: "", line: 0) }
        let u = fileLine.utf8
        let colon = UInt8(ascii: ":")
        guard let first = u.firstIndex(of: colon) else { return SymbolFrame(function: function, file: fileLine, line: 0) }
        let lineStart = u.index(after: first)
        let lineEnd = u[lineStart...].firstIndex(of: colon) ?? u.endIndex
        if lineEnd != u.endIndex && u[u.index(after: lineEnd)...].contains(colon) {
            return SymbolFrame(function: function, file: "", line: 0)
        }
        // The first word of the field: `12` of `12 (discriminator 2)`.
        let field = u[lineStart..<lineEnd]
        let digits = field.drop(while: { $0 == UInt8(ascii: " ") }).prefix(while: { $0 != UInt8(ascii: " ") })
        let line = Int64(Substring(digits)) ?? 0
        return SymbolFrame(function: function, file: String(Substring(u[..<first])), line: line)
    }
}
