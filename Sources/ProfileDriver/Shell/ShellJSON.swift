import ProfileFormat
import ProfileReport

extension Shell {
    /// `top -json` and the others: the report pipeline's JSON, to the terminal or `>file`.
    func reportJSON(_ c: ReportCommand, argument: String?, config: ReportConfig) throws(ReportError) {
        guard JSONReport.commands.contains(c.name) else {
            throw ReportError("-json works with top, text, traces, tags, peek, tree, diff and growth, not \(c.name)")
        }
        var warnings: [String] = []
        let bytes = try session.generate(c, argument: argument, config: config, warn: { warnings.append($0) })
        for w in warnings { warn(w) }
        if config.output.isEmpty {
            sink.out(bytes)
            return
        }
        ui.print("Generating report in \(config.output)")
        try write(bytes, to: config.output)
    }
}
