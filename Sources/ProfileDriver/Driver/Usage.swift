import ProfileFormat
import ProfileReport

/// The text of `pprof -help` and of the shell's `help`, laid out as go tool pprof lays out its
/// own (its sections and its `    %-16s %s` lines), listing what this pprof has. A line for a
/// flag both tools have is the same in both.
enum Usage {
    /// What `pprof -version` prints.
    static let version = "pprof (pprof-swift) 0.1.0\n"

    /// Flags pprof accepts so that command lines written for go tool pprof still parse, but
    /// which change nothing here (`-http` is refused with a message of its own).
    static let ignoredFlags: Set<String> = ["tools"]

    static let header = """
        usage:

        Produce output in the specified format.

           pprof <format> [options] [binary] <source> ...

        Omit the format to get an interactive shell whose commands can be used
        to generate various views of a profile

           pprof [options] [binary] <source> ...

        Details:

        """

    static var sourceOptions: String {
        """


          Source options:
            -seconds              Duration for time-based profile collection
            -timeout              Timeout in seconds for profile collection
            -buildid              Override build id for main binary
            -add_comment          Free-form annotation to add to the profile
                                  Displayed on some reports or with pprof -comments
            -diff_base source     Source of base profile for comparison
            -base source          Source of base profile for profile subtraction
            profile.pb.gz         Profile in compressed protobuf format
            legacy_profile        Profile in legacy pprof format
            -                     Profile read from standard input
            http://host/profile   URL for profile handler to retrieve
            -symbolize=           Controls source of symbol information
              none                  Do not attempt symbolization
              local                 Examine only local binaries
              fastlocal             Only get function names from local binaries
              remote                Do not examine local binaries
              force                 Force re-symbolization
            binary                Path or build id of the program: it names the main mapping;
                                  nothing is read from it

          Misc options:
           -http              Provide web interface at host:port.
                              Host is optional and 'localhost' by default.
                              Port is optional and a randomly available port by default.
           -no_browser        Skip opening a browser for the interactive web UI.
           -version           Print pprof's version and exit.

          Reports for scripts:
           -json              Write -top, -traces, -tags, -peek or -tree as JSON (docs/json.md)
           -growth            Rank what grows across profiles S1 ... SN taken over time (docs/growth.md)
           -count             With -growth and one URL: how many snapshots to take
           -interval          With -growth -count: the time between snapshots (30s, 5m)
           -check             Exit 3 unless the rule holds, e.g. 'flat(fetch) < 10MB' (repeatable;
                              docs/checks.md)

          Legacy convenience options:
           -inuse_space           Same as -sample_index=inuse_space
           -inuse_objects         Same as -sample_index=inuse_objects
           -alloc_space           Same as -sample_index=alloc_space
           -alloc_objects         Same as -sample_index=alloc_objects
           -total_delay           Same as -sample_index=delay
           -contentions           Same as -sample_index=contentions
           -mean_delay            Same as -mean -sample_index=delay

          Environment Variables:
           PPROF_TMPDIR       Location for saved profiles (default $HOME/pprof)
           PPROF_BINARY_PATH  Search path for local binary files
                              default: $HOME/pprof/binaries
                              searches $name, $path, $buildid/$name, $path/$buildid
           PPROF_MAX_INFLATED_BYTES  Most bytes a profile may decompress to (default \(Gzip.defaultMaxInflatedSize >> 20) MiB)
           PPROF_HISTORY      The shell's history file (default $HOME/.pprof_history)
           BROWSER            The program -web and the shell's web open first
           NO_COLOR           Turns off colour in the shell

          Accepted so that go tool pprof's command lines parse, without effect here:
           Ignored: \(ignoredFlags.sorted().map { "-" + $0 }.joined(separator: " "))

        """
    }

    /// The whole text of `pprof -help`.
    static var text: String {
        let formats = ReportCommands.all.map { ($0.name, $0.description) } + Viewers.all.map { ($0.name, $0.description) }
            + [Viewers.weblist]
        return header + summary(prefix: "-", commands: formats, hidden: ignoredFlags) + sourceOptions
    }

    /// `    name             description` (the description's first line), as go's fmtHelp.
    static func line(_ name: String, _ text: String) -> String {
        "    " + GoFormat.padRight(name, 16) + " " + (text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? "")
    }

    /// The commands, options and option groups, as go tool pprof's usage function writes them for
    /// the command line (`prefix` "-") and for the shell (no prefix, with its own two lines).
    /// `extraOptions` are the shell's options that are not report settings; `hidden` options
    /// are left out.
    static func summary(
        prefix: String, commands: [(String, String)], extraOptions: [(String, String)] = [], hidden: Set<String> = []
    ) -> String {
        var lines = commands.map { line(prefix + $0.0, $0.1) }.sorted()
        var text: String
        if prefix.isEmpty {
            text = "  Commands:\n"
            lines.append(line("o/options", "List options and their current values"))
            lines.append(line("q/quit/exit/^D", "Exit pprof"))
        } else {
            text = "  Output formats (select at most one):\n"
        }
        text += lines.joined(separator: "\n") + "\n\n" + "  Options:\n"
        var options: [String] = extraOptions.map { line(prefix + $0.0, $0.1) }
        var groups: [String] = []
        for f in ReportConfig.fields where !hidden.contains(f.name) {
            if f.choices.isEmpty {
                options.append(line(prefix + f.name, f.help))
                continue
            }
            var group = [line(f.name, "")]
            for c in f.choices { group.append("  " + line(prefix + c, ShellHelp.summaries[c]?.first ?? "")) }
            groups.append(group.joined(separator: "\n"))
        }
        options.sort()
        groups.sort()
        return text + options.joined(separator: "\n") + "\n\n" + "  Option groups (only set one per group):\n"
            + groups.joined(separator: "\n")
    }
}
