import Foundation
import ProfileFormat

extension Report {
    /// `list`: the source of every function matching the symbol regexp, each line with its flat
    /// and cum values, as pprof's printSource prints it.
    public func printSource(_ w: inout String) throws(ReportError) {
        guard let rx = options.symbol else { throw ReportError("list needs a regular expression") }
        let g = newGraph()
        var functions: [Node] = []
        var functionNodes: [String: [Node]] = [:]
        for n in g.nodes where rx.matches(n.info.name) {
            if functionNodes[n.info.name] == nil { functions.append(n) }
            functionNodes[n.info.name, default: []].append(n)
        }
        if functionNodes.isEmpty { throw ReportError("no matches found for regexp: \(rx.pattern)") }
        functions = sortedNodes(functions, .name)

        var sourcePath = options.sourcePath
        if sourcePath.isEmpty { sourcePath = FileManager.default.currentDirectoryPath }
        var reader = SourceReader(searchPath: sourcePath, trimPath: options.trimPath)

        w += "Total: \(formatValue(total))\n"
        for fn in functions {
            let name = fn.info.name
            var sourceFiles: [Node] = []
            var fileNodes: [String: [Node]] = [:]
            for n in functionNodes[name]! where !n.info.file.isEmpty {
                if fileNodes[n.info.file] == nil { sourceFiles.append(n) }
                fileNodes[n.info.file, default: []].append(n)
            }
            if sourceFiles.isEmpty {
                w += "No source information for \(name)\n"
                continue
            }
            for fl in sortedNodes(sourceFiles, .file) {
                let file = fl.info.file
                let nodes = fileNodes[file]!
                var flatSum: Int64 = 0, cumSum: Int64 = 0
                for n in nodes {
                    flatSum &+= n.flat
                    cumSum &+= n.cum
                }
                let listing = sourceLines(file, &reader, nodes)
                w += "ROUTINE ======================== \(name) in \(file)\n"
                w += GoFormat.pad(formatValue(flatSum), 10) + " " + GoFormat.pad(formatValue(cumSum), 10)
                w += " (flat, cum) " + Measurement.percentage(cumSum, total) + " of Total\n"
                switch listing {
                case .failure(let error):
                    w += " Error: \(error.message)\n"
                case .success(let lines):
                    for l in lines {
                        w += GoFormat.pad(valueOrDot(l.flat), 10) + " " + GoFormat.pad(valueOrDot(l.cum), 10) + " "
                        w += GoFormat.pad(String(l.number), 6) + ":" + l.text + "\n"
                    }
                }
            }
        }
    }

    func valueOrDot(_ v: Int64) -> String { v == 0 ? "." : formatValue(v) }

    struct SourceLine {
        var number: Int
        var text: String
        var flat: Int64
        var cum: Int64
    }

    /// The lines of `file` around the samples of `nodes` (from the function's first line, or
    /// five before the first sample, to five after the last), with their values.
    private func sourceLines(_ file: String, _ reader: inout SourceReader, _ nodes: [Node])
        -> Result<[SourceLine], ReportError>
    {
        let margin = 5
        var byLine: [Int: (Int64, Int64)] = [:]
        var start = nodes[0].info.startLine != 0 ? nodes[0].info.startLine : nodes[0].info.lineno - margin
        var end = nodes[0].info.lineno + margin
        for n in nodes {
            let lineno = n.info.lineno
            let nodeStart = n.info.startLine != 0 ? n.info.startLine : lineno - margin
            let nodeEnd = lineno + margin
            // pprof widens the range at one end per node, never both.
            if nodeStart < start {
                start = nodeStart
            } else if nodeEnd > end {
                end = nodeEnd
            }
            let v = byLine[lineno] ?? (0, 0)
            byLine[lineno] = (v.0 &+ n.flat, v.1 &+ n.cum)
        }
        start = max(start, 1)
        var out: [SourceLine] = []
        if start <= end {
            for lineno in start...end {
                guard let text = reader.line(file, lineno) else { break }
                let v = byLine[lineno] ?? (0, 0)
                out.append(SourceLine(number: lineno, text: text, flat: v.0, cum: v.1))
            }
        }
        if let error = reader.errors[file] { return .failure(error) }
        return .success(out)
    }
}

/// Sorts a list of nodes in one of the graph orders.
func sortedNodes(_ nodes: [Node], _ order: NodeOrder) -> [Node] {
    let g = Graph(nodes: nodes, storage: [])
    g.sort(order)
    return g.nodes
}
