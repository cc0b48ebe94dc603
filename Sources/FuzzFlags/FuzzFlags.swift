import FuzzSupport
import ProfileDriver

/// pprof's command-line parser on any arguments (the input split at NUL or line ends).
@main
enum FuzzFlags {
    static func main() { fuzzMain(testOneInput) }

    static let testOneInput: FuzzInput = { data, size in
        guard let text = fuzzText(data, size) else { return 0 }
        let args = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\0" || $0 == "\n" }).map(String.init)
        _ = try? PprofCommand.parse(args)
        return 0
    }
}
