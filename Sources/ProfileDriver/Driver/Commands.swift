import ProfileReport

/// One report command: its report format, whether it takes a regexp, and its help line.
public struct ReportCommand: Sendable {
    public let name: String
    public let format: ReportFormat
    public let hasParam: Bool
    public let description: String
    /// Binary output (proto, images) that should not be printed to a terminal.
    public let binary: Bool
    /// For pictures: the Graphviz output type (`-Tsvg`).
    public let graphviz: String?

    init(
        _ name: String, _ format: ReportFormat, hasParam: Bool = false, binary: Bool = false, graphviz: String? = nil,
        _ description: String
    ) {
        self.name = name
        self.format = format
        self.hasParam = hasParam
        self.binary = binary
        self.graphviz = graphviz
        self.description = description
    }
}

/// The report commands, shared by the command line (`-top`) and the shell (`top`).
public enum ReportCommands {
    public static let all: [ReportCommand] = [
        ReportCommand("callgrind", .callgrind, "Outputs a graph in callgrind format"),
        ReportCommand("comments", .comments, "Output all profile comments"),
        ReportCommand("disasm", .list, hasParam: true, "Output assembly listings annotated with samples"),
        ReportCommand("dot", .dot, "Outputs a graph in DOT format"),
        ReportCommand("flame", .flame, "Outputs an interactive flame graph in SVG format"),
        ReportCommand("folded", .folded, "Outputs stacks as folded lines (frame;frame value) for flame graph tools"),
        ReportCommand("gif", .dot, binary: true, graphviz: "gif", "Outputs a graph image in GIF format"),
        ReportCommand("list", .list, hasParam: true, "Output annotated source for functions matching regexp"),
        ReportCommand("pdf", .dot, binary: true, graphviz: "pdf", "Outputs a graph in PDF format"),
        ReportCommand("peek", .tree, hasParam: true, "Output callers/callees of functions matching regexp"),
        ReportCommand("png", .dot, binary: true, graphviz: "png", "Outputs a graph image in PNG format"),
        ReportCommand("proto", .proto, binary: true, "Outputs the profile in compressed protobuf format"),
        ReportCommand("ps", .dot, binary: true, graphviz: "ps", "Outputs a graph in PS format"),
        ReportCommand("raw", .raw, "Outputs a text representation of the raw profile"),
        ReportCommand("svg", .dot, graphviz: "svg", "Outputs a graph in SVG format"),
        ReportCommand("tags", .tags, "Outputs all tags in the profile"),
        ReportCommand("text", .text, "Outputs top entries in text form"),
        ReportCommand("top", .text, "Outputs top entries in text form"),
        ReportCommand("topproto", .topProto, binary: true, "Outputs top entries in compressed protobuf format"),
        ReportCommand("traces", .traces, "Outputs all profile samples in text form"),
        ReportCommand("tree", .tree, "Outputs a text rendering of call graph"),
    ]

    /// The command called `name`, if any.
    public static func named(_ name: String) -> ReportCommand? {
        all.first { $0.name == name }
    }
}
