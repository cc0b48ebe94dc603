/// The text of `pprof -help`.
enum Usage {
    static let text = """
        usage:

        Produce output in the specified format.

           pprof <format> [options] [binary] <source> ...

        Omit the format to get an interactive shell whose commands can be used
        to generate various views of a profile

           pprof [options] [binary] <source> ...

        Details:
          Output formats (select at most one):
            -callgrind       Outputs a graph in callgrind format
            -comments        Output all profile comments
            -dot             Outputs a graph in DOT format
            -flame           Outputs an interactive flame graph in SVG format
            -folded          Outputs stacks as folded lines (frame;frame value) for flame graph tools
            -list=<regexp>   Output annotated source for functions matching regexp
            -pdf             Outputs a graph in PDF format
            -peek=<regexp>   Output callers/callees of functions matching regexp
            -png             Outputs a graph image in PNG format
            -proto           Outputs the profile in compressed protobuf format
            -raw             Outputs a text representation of the raw profile
            -svg             Outputs a graph in SVG format
            -tags            Outputs all tags in the profile
            -text, -top      Outputs top entries in text form
            -topproto        Outputs top entries in compressed protobuf format
            -traces          Outputs all profile samples in text form
            -tree            Outputs a text rendering of call graph

          Options:
            -sample_index=<n|name>  Sample value to report (0-based index or name)
            -inuse_space -inuse_objects -alloc_space -alloc_objects
            -total_delay -contentions -mean_delay   Legacy sample selections
            -mean                   Average sample value over first value (count)
            -divide_by=<f>          Ratio to divide all samples before visualization
            -unit=<unit>            Measurement units to display (minimum, auto, B, kB, MB, ms, s, ...)
            -nodecount=<n>          Max number of nodes to show
            -nodefraction=<f>       Hide nodes below <f>*total (default 0.005)
            -edgefraction=<f>       Hide edges below <f>*total (default 0.001)
            -cum, -flat             Sort by cumulative or flat value
            -functions -filefunctions -files -lines -addresses   Granularity
            -noinlines              Ignore inlines
            -focus/-ignore/-hide/-show/-show_from/-prune_from=<regexp>
            -tagfocus/-tagignore=<[key=]regexp|range>   e.g. 32kb, :64kb, 4mb:, 12kb:64mb
            -tagshow/-taghide=<regexp>   -tagroot/-tagleaf=<keys>
            -relative_percentages   Percentages relative to the focused subgraph
            -drop_negative          Hide entries with negative values
            -call_tree              Context-sensitive call tree (graphs)
            -compact_labels         Minimal headers
            -source_path=<dirs>     Search path for source files
            -trim_path=<prefix>     Path prefix to trim from source paths
            -output=<file>          Write the report to a file
            -json                   Write -top, -traces, -tags, -peek or -tree as JSON (docs/json.md)
            -growth S1 ... SN       Rank what grows across profiles taken over time (docs/growth.md);
                                    with -json or -svg; -count=N -interval=D URL takes the series
            -check=<rule>           Fail (exit 3) unless the rule holds, e.g. 'flat(fetch) < 10MB'
                                    (repeatable; see docs/checks.md)

          Source options:
            -seconds=<n>            Duration for time-based profile collection
            -timeout=<n>            Timeout in seconds for profile collection
            -buildid=<id>           Override build id for main binary
            -add_comment=<text>     Free-form annotation to add to the profile
            -diff_base=<source>     Source of base profile for comparison
            -base=<source>          Source of base profile for profile subtraction
            -normalize              Scale the source to the base's totals
            profile.pb.gz           Profile in compressed protobuf format
            -                       A profile read from standard input
            http://host/profile     URL for profile handler to retrieve

          Environment:
            PPROF_MAX_INFLATED_BYTES  Cap on a profile's decompressed size (default 1 GiB)
            NO_COLOR                  Turns off colour in the shell

        """
}
