import Foundation

/// The machine instructions a source line compiled to, shown when a line of the source view
/// (or a `-weblist` page) is expanded, as go's weblist shows a line's assembly. The web UI asks
/// its `instructions` provider: `DisassembledLines` (objdump on the profile's binaries) unless a
/// test sets another; `NoInstructions` has none.
public protocol SourceLineInstructions: Sendable {
    /// The instructions of `line` of `file` in `function`, in address order (empty: none known).
    func instructions(function: String, file: String, line: Int) -> [SourceLineInstruction]
}

/// One instruction of a source line: its address, its text, and its values as the report
/// prints them ("" when it has none).
public struct SourceLineInstruction: Sendable, Equatable {
    public var address: UInt64
    public var text: String
    public var flat: String
    public var cum: String

    public init(address: UInt64, text: String, flat: String = "", cum: String = "") {
        self.address = address
        self.text = text
        self.flat = flat
        self.cum = cum
    }
}

/// No disassembler: every line has no instructions.
public struct NoInstructions: SourceLineInstructions {
    public init() {}
    public func instructions(function: String, file: String, line: Int) -> [SourceLineInstruction] { [] }
}

extension WebPage {
    /// One function's listing from the `list` report.
    struct Routine: Equatable {
        var name: String
        var file: String
        /// `flat cum (flat, cum) share of Total`, as the report prints it.
        var summary = ""
        var lines: [SourceRow] = []
        var error: String?
    }

    struct SourceRow: Equatable {
        var flat: String
        var cum: String
        var number: Int
        var text: String
        var hasSamples: Bool { flat != "." || cum != "." }
    }

    /// A call made at a source line, from the `peek` report at line granularity.
    struct LineCall: Equatable {
        var value: String
        var share: String
        var callee: String
    }

    /// What the peek report says of one source line: its cum% and the calls made there.
    struct LineDetail: Equatable {
        var cumShare: Double = 0
        var calls: [LineCall] = []
    }

    /// Splits the `list` report's text into its total, its routines and other lines ("No
    /// source information for ..."): the rows are the report's own, value for value.
    static func parseList(_ text: String) -> (total: String, routines: [Routine], notes: [String]) {
        var total = ""
        var routines: [Routine] = []
        var notes: [String] = []
        let marker = "ROUTINE ======================== "
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = String(raw)
            if line.hasPrefix("Total: ") {
                total = String(line.dropFirst(7))
            } else if line.hasPrefix(marker) {
                let rest = line.dropFirst(marker.count)
                let parts = rest.components(separatedBy: " in ")
                let name = parts.count > 1 ? parts.dropLast().joined(separator: " in ") : String(rest)
                routines.append(Routine(name: name, file: parts.count > 1 ? parts.last! : ""))
            } else if routines.isEmpty {
                notes.append(line)
            } else if line.hasPrefix(" Error: ") {
                routines[routines.count - 1].error = String(line.dropFirst(8))
            } else if line.contains("(flat, cum)") && routines[routines.count - 1].summary.isEmpty {
                routines[routines.count - 1].summary = line.trimmingCharacters(in: .whitespaces)
            } else if let row = sourceRow(line) {
                routines[routines.count - 1].lines.append(row)
            } else {
                notes.append(line)
            }
        }
        return (total, routines, notes)
    }

    /// `%10s %10s %6d:text`, the values possibly wider than their columns.
    static func sourceRow(_ line: String) -> SourceRow? {
        var rest = Substring(line)
        var words: [Substring] = []
        while words.count < 2 {
            rest = rest.drop(while: { $0 == " " })
            guard let end = rest.firstIndex(of: " ") else { return nil }
            words.append(rest[..<end])
            rest = rest[end...]
        }
        rest = rest.drop(while: { $0 == " " })
        guard let colon = rest.firstIndex(of: ":"), let number = Int(rest[..<colon]) else { return nil }
        return SourceRow(
            flat: String(words[0]), cum: String(words[1]), number: number, text: String(rest[rest.index(after: colon)...]))
    }

    /// The `peek` report at line granularity, by function and line: each line node's cum% and
    /// the callees listed under it. Node names there are `function file:line`.
    /// Only the nodes of `functions` are kept (nil: all).
    static func parseLinePeek(_ text: String, functions: Set<String>? = nil) -> [String: [Int: LineDetail]] {
        var out: [String: [Int: LineDetail]] = [:]
        var current: (String, Int)?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if raw.hasPrefix("-----") {
                current = nil
                continue
            }
            guard let bar = raw.lastIndex(of: "|") else { continue }
            let left = raw[..<bar].split(separator: " ")
            var right = raw[raw.index(after: bar)...]
            guard right.hasPrefix(" ") else { continue }
            right = right.dropFirst()
            if left.count == 5 {
                // The node itself: flat flat% sum% cum cum% | name file:line
                guard let space = right.lastIndex(of: " "), let colon = right.lastIndex(of: ":"), colon > space,
                    let line = Int(right[right.index(after: colon)...])
                else {
                    current = nil
                    continue
                }
                let function = String(right[..<space])
                if let functions, !functions.contains(function) {
                    current = nil
                    continue
                }
                let share = Double(left[4].dropLast()) ?? 0
                out[function, default: [:]][line, default: LineDetail()].cumShare = share
                current = (function, line)
            } else if left.count == 2, let (function, line) = current, right.hasPrefix("  ") {
                // A callee, below its node: value share |   name file:line
                out[function]![line]!.calls.append(
                    LineCall(value: String(left[0]), share: String(left[1]), callee: String(right.dropFirst(2))))
            }
        }
        return out
    }

    /// go's weblist page body: per function, its source lines with flat and cum, hot lines
    /// shaded by their cum share, lines without samples dimmed; a line with calls or
    /// instructions expands on click to show them.
    static func weblist(
        list: String, peek: [String: [Int: LineDetail]], instructions: any SourceLineInstructions
    ) -> String {
        let (total, routines, notes) = parseList(list)
        var h = "<div class=\"summary\">Total: " + escape(total) + "</div>\n"
        for n in notes { h += "<div class=\"note\">" + escape(n) + "</div>\n" }
        for (k, r) in routines.enumerated() {
            h += "<section class=\"routine\" id=\"routine-\(k)\"><h2>" + escape(r.name)
                + " <span class=\"file\">" + escape(r.file) + "</span></h2>\n"
            h += "<div class=\"routine-summary\">" + escape(r.summary) + "</div>\n"
            if let e = r.error {
                h += "<div class=\"error\">" + escape(e) + "</div>\n</section>\n"
                continue
            }
            h += "<table class=\"listing\"><thead><tr><th class=\"num\">Flat</th><th class=\"num\">Cum</th>"
                + "<th class=\"num\">Line</th><th class=\"code\">Source</th></tr></thead><tbody>\n"
            let details = peek[r.name] ?? [:]
            for row in r.lines {
                let detail = details[row.number]
                let asm = instructions.instructions(function: r.name, file: r.file, line: row.number)
                let expandable = !(detail?.calls.isEmpty ?? true) || !asm.isEmpty
                var classes = ["line", row.hasSamples ? "heat\(heat(detail?.cumShare ?? 0))" : "cold"]
                if expandable { classes.append("expandable") }
                h += "<tr class=\"\(classes.joined(separator: " "))\" data-line=\"\(row.number)\">"
                h += "<td class=\"num\">" + escape(row.flat) + "</td><td class=\"num\">" + escape(row.cum)
                    + "</td><td class=\"num lineno\">\(row.number)</td><td class=\"code\">" + escape(row.text) + "</td></tr>\n"
                guard expandable else { continue }
                h += "<tr class=\"expansion\" hidden><td colspan=\"4\">"
                for c in detail?.calls ?? [] {
                    h += "<div class=\"call\"><span class=\"num\">" + escape(c.value) + "</span> <span class=\"num\">"
                        + escape(c.share) + "</span> " + escape(c.callee) + "</div>"
                }
                for i in asm {
                    h += "<div class=\"asm\"><span class=\"num\">" + escape(i.flat) + "</span> <span class=\"num\">"
                        + escape(i.cum) + "</span> " + String(i.address, radix: 16) + ": " + escape(i.text) + "</div>"
                }
                h += "</td></tr>\n"
            }
            h += "</tbody></table></section>\n"
        }
        return h
    }

    /// 0 (cool) to 5 (hottest) by a line's share of the total.
    static func heat(_ share: Double) -> Int {
        switch share {
        case 50...: return 5
        case 20..<50: return 4
        case 5..<20: return 3
        case 1..<5: return 2
        case 0.1..<1: return 1
        default: return 0
        }
    }

    /// A page that stands alone (`pprof -weblist`): its styles and script are inside it.
    static func standalone(title: String, legend: [String], body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>\(escape(title))</title>
        <style>
        \(WebAssets.css)</style>
        </head><body>
        <div id="legend">\(legend.map { "<div>" + escape($0) + "</div>" }.joined())</div>
        <main id="content">
        \(body)</main>
        <script>
        \(WebAssets.sourceScript)</script>
        </body></html>

        """
    }
}
