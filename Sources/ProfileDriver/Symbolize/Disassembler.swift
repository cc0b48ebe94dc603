import Foundation
import ProfileFormat
import ProfileReport

/// One machine instruction of a binary, with where objdump says it comes from and the profile's
/// values at it (the samples from its address up to the next instruction's).
public struct Instruction: Sendable, Equatable {
    public var address: UInt64
    /// objdump's text: AT&T syntax, or Intel with `intel_syntax`.
    public var text: String
    /// The function, file and line objdump's line table gives (empty and 0 when it has none).
    public var function: String
    public var file: String
    public var line: Int
    public var flat: Int64 = 0
    public var cum: Int64 = 0

    public init(address: UInt64, text: String, function: String = "", file: String = "", line: Int = 0) {
        self.address = address
        self.text = text
        self.function = function
        self.file = file
        self.line = line
    }
}

/// Disassembles address ranges of a binary with binutils' objdump (as google/pprof does; go
/// tool pprof's own copy uses Go's disassembler instead, in Go's assembler syntax).
public struct Disassembler {
    var objdump: String?
    public var intelSyntax: Bool

    public init(intelSyntax: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment) {
        objdump = ExternalTool.find(["objdump"], environment: environment)?.path
        self.intelSyntax = intelSyntax
    }

    /// The instructions that start in [start, end) of `binary`'s file addresses.
    public func disassemble(_ binary: String, start: UInt64, end: UInt64) throws(ReportError) -> [Instruction] {
        guard let objdump else {
            throw ReportError("disasm needs objdump, which was not found on PATH: install binutils (apt-get install binutils)")
        }
        guard end > start else { return [] }
        var args = [
            "--disassemble", "--demangle", "--no-show-raw-insn", "--line-numbers",
            "--start-address=0x" + String(start, radix: 16), "--stop-address=0x" + String(end, radix: 16),
        ]
        if intelSyntax { args += ["-M", "intel"] }
        let output: Data
        do {
            output = try ExternalTool.run(objdump, args + [binary])
        } catch {
            throw ReportError("disassembling \(binary): \(error)")
        }
        return Self.parse(String(decoding: output, as: UTF8.self))
    }

    /// Reads objdump's `--line-numbers` listing: `function():` and `file:line` lines say where
    /// the instructions after them come from; an instruction line is `ADDRESS:<tab>TEXT`.
    static func parse(_ text: String) -> [Instruction] {
        var out: [Instruction] = []
        var function = "", file = "", line = 0
        for raw in text.split(separator: "\n") {
            let l = raw.trimmingCharacters(in: .whitespaces)
            if let colon = l.firstIndex(of: ":"), l[l.index(after: colon)...].hasPrefix("\t"),
                let address = UInt64(l[..<colon], radix: 16)
            {
                let body = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                out.append(Instruction(address: address, text: body, function: function, file: file, line: line))
                continue
            }
            if l.hasSuffix("():") {
                function = String(l.dropLast(3))
                continue
            }
            // `file:line`, perhaps followed by ` (discriminator N)`.
            let head = l.split(separator: " (", maxSplits: 1).first.map(String.init) ?? l
            if let colon = head.lastIndex(of: ":"), let n = Int(head[head.index(after: colon)...]) {
                file = String(head[..<colon])
                line = n
                continue
            }
            if l.hasSuffix(">:") { continue }  // `0000000000401156 <spin>:`, a symbol's first line
            (function, file, line) = ("", "", 0)
        }
        return out
    }
}

/// An instruction as the disasm report prints it: go's annotateAssembly.
struct AnnotatedInstruction {
    var instruction: Instruction
    var function = ""
    var file = ""
    var line = 0
    var flatDiv: Int64 = 0
    var cumDiv: Int64 = 0

    /// The values as printed: divided by the summed counts with -mean.
    var flatValue: Int64 { flatDiv == 0 ? instruction.flat : instruction.flat / flatDiv }
    var cumValue: Int64 { cumDiv == 0 ? instruction.cum : instruction.cum / cumDiv }
}

extension Disassembler {
    /// Gives each instruction the values of the nodes from its address up to the next
    /// instruction's (`objAddress` turns a node's run-time address into a file address), and
    /// its own function, file (base name) and line, or the first such node's where it has none.
    static func annotate(_ instructions: [Instruction], _ nodes: [Node], objAddress: (UInt64) -> UInt64) -> [AnnotatedInstruction] {
        let sorted = nodes.sorted { $0.info.address < $1.info.address }
        var s = 0
        var out: [AnnotatedInstruction] = []
        out.reserveCapacity(instructions.count)
        for (i, inst) in instructions.enumerated() {
            var a = AnnotatedInstruction(
                instruction: inst, function: inst.function, file: inst.file.isEmpty ? "" : (inst.file as NSString).lastPathComponent,
                line: inst.line)
            a.instruction.flat = 0
            a.instruction.cum = 0
            let next = i + 1 < instructions.count ? instructions[i + 1].address : UInt64.max
            while s < sorted.count, objAddress(sorted[s].info.address) < next {
                let n = sorted[s]
                a.instruction.flat &+= n.flat
                a.instruction.cum &+= n.cum
                a.flatDiv &+= n.flatDiv
                a.cumDiv &+= n.cumDiv
                if a.file.isEmpty && !n.info.file.isEmpty { a.file = (n.info.file as NSString).lastPathComponent }
                if a.line == 0 && n.info.lineno != 0 { a.line = n.info.lineno }
                if a.function.isEmpty && !n.info.name.isEmpty { a.function = n.info.name }
                s += 1
            }
            out.append(a)
        }
        return out
    }
}
