import Foundation
import ProfileReport

/// `pprof -weblist=REGEX profile`: go's weblist, the web UI's source view for the functions
/// matching REGEX as one HTML file, opened in a browser (`-output=FILE`: written there instead).
public enum WebList {
    public static func run(_ session: Session, regexp: String, sink: OutputSink) -> Int32 {
        let ui = WebUI(session: session)
        do throws(ReportError) {
            let html = try Array(ui.weblistDocument(regexp).utf8)
            let output = session.config.output
            if !output.isEmpty {
                try writeFileInPlace(html, to: output)
                sink.err("Generating report in \(output)")
                return 0
            }
            try Viewers.show(html, suffix: "html", programs: Viewers.browsers(), wait: true, note: sink.err)
            Viewers.removeTemporaryFiles()
            return 0
        } catch {
            sink.err("pprof: \(error.message)")
            return 1
        }
    }
}
