import ProfileFormat

extension Report {
    /// Renders the report in its format. Graph formats come from their own files.
    public func generate() throws(ReportError) -> [UInt8] {
        var w = ""
        switch options.format {
        case .text: printText(&w)
        case .traces: return printTraces()
        case .tags: printTags(&w)
        case .raw: printRaw(&w)
        case .comments: printComments(&w)
        case .proto: return protoBytes()
        case .tree: return try printTree()
        case .dot: printDot(&w)
        case .callgrind: printCallgrind(&w)
        case .list: try printSource(&w)
        case .topProto: return topProtoBytes()
        case .flame: return try printFlameGraph()
        case .folded: return printFolded()
        }
        return Array(w.utf8)
    }
}

/// `bytes.withUnsafeBytes(body)`, keeping the type of error `body` throws.
public func withBytes<E: Error>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
    let failure: E? = bytes.withUnsafeBytes { b in
        do throws(E) {
            try body(b)
            return nil
        } catch {
            return error
        }
    }
    if let failure { throw failure }
}
