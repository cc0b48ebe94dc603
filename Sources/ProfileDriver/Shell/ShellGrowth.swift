import Foundation
import ProfileFormat
import ProfileReport

extension Shell {
    /// `growth S1 S2 ... [n] [-cum] [-json] [>f]`: the series of the named profiles with the
    /// shell's current options (sample type, filters, granularity).
    func growth(_ tokens: [String]) throws(ReportError) {
        var cfg = session.config
        var sources: [String] = []
        var rows = 20
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            i += 1
            if let n = Int32(t) {
                rows = Int(n)
            } else if t == "-cum" {
                cfg.sort = .cum
            } else if t == "-json" {
                cfg.json = true
            } else if t.hasPrefix(">") {
                var file = String(t.dropFirst())
                if file.isEmpty {
                    guard i < tokens.count else { throw ReportError("unexpected end of line after >") }
                    file = tokens[i]
                    i += 1
                }
                cfg.output = file
            } else {
                sources.append(t)
            }
        }
        var loader = session.loader
        loader.note = { [ui] in ui.print($0) }
        let report = try Growth.report(sources: sources, loader: loader, config: cfg, warn: { [self] in warn($0) })
        let bytes = cfg.json ? try report.json(rowCount: rows) : Array(report.render(rowCount: rows).utf8)
        if cfg.output.isEmpty {
            sink.out(bytes)
        } else {
            ui.print("Generating report in \(cfg.output)")
            try write(bytes, to: cfg.output)
        }
    }
}
