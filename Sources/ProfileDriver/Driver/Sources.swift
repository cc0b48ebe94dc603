import Foundation
import ProfileFormat
import ProfileReport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where profiles come from: files, standard input (`-`) or URLs, and how they are combined.
public struct ProfileLoader {
    /// The most bytes one gzip stream may inflate to (PPROF_MAX_INFLATED_BYTES overrides it).
    public var maxInflatedSize: Int
    /// `-seconds`: how long a URL source should profile; negative for its default.
    public var seconds = -1
    /// `-timeout`: how long to wait for a URL source, in seconds; negative for the default.
    public var timeout = -1
    /// Reads standard input (tests replace it), up to the same cap as a profile's inflated size.
    public var readStandardInput: () throws(ProfileError) -> [UInt8] = { () throws(ProfileError) in
        try readAll(fd: 0, name: "standard input", limit: ProfileLoader.configuredMaxBytes())
    }
    /// Fetches a URL (tests and the shell may replace it).
    public var fetchURL: (URL, _ timeoutSeconds: Double) throws(ProfileError) -> [UInt8] = { url, timeout throws(ProfileError) in
        try Fetch.get(url, timeout: timeout, progress: Fetch.progressWanted)
    }
    /// Where fetched remote profiles are saved, and a message about it goes.
    public var saveRemote: ((Profile, String) -> Void)?
    /// Progress and notes ("Fetching profile over HTTP from …") go here.
    public var note: (String) -> Void = { _ in }
    /// `-symbolize`: how `symbolize(_:sources:warn:)` treats every profile read through this loader.
    public var symbolizeOptions = SymbolizeOptions()

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        maxInflatedSize = Self.configuredMaxBytes(environment: environment)
    }

    /// The cap on a profile's bytes: PPROF_MAX_INFLATED_BYTES, else 512 MiB. It bounds a gzip
    /// stream's inflated size, and also what is read from a file, standard input or a URL.
    public static func configuredMaxBytes(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let v = environment["PPROF_MAX_INFLATED_BYTES"], let n = Int(v), n > 0 { return n }
        return Gzip.defaultMaxInflatedSize
    }

    /// The URL that `source` names, if it names one (with `seconds=` added for timed profiles).
    public func url(for source: String) -> URL? {
        Fetch.plan(source, seconds: seconds, timeout: timeout)?.url
    }

    /// Reads and parses one source. A profile with no mappings gets an empty one, as pprof does.
    public func load(_ source: String) throws(ProfileError) -> (profile: Profile, remote: Bool) {
        let (bytes, remote) = try read(source)
        var p = try Profile.parse(bytes, maxInflatedSize: maxInflatedSize)
        Self.addMissingMapping(&p)
        return (p, remote)
    }

    /// The bytes of one source, and whether it was fetched over the network.
    func read(_ source: String) throws(ProfileError) -> (bytes: [UInt8], remote: Bool) {
        if source == "-" {
            return (try readStandardInput(), false)
        } else if let (url, _, wait) = Fetch.plan(source, seconds: seconds, timeout: timeout) {
            note("Fetching profile over HTTP from \(Fetch.redact(url.absoluteString))")
            if seconds > 0 { note("Please wait... (\(Fetch.durationText(seconds)))") }
            return (try fetchURL(url, wait + 5), true)
        } else if source.contains("://") && !FileManager.default.fileExists(atPath: source) {
            throw ProfileError("not a URL pprof can fetch: it needs http:// or https:// and a host")
        } else {
            return (try readFile(source, limit: maxInflatedSize), false)
        }
    }

    /// pprof gives a profile with no mappings an empty one, which every location then uses.
    static func addMissingMapping(_ p: inout Profile) {
        if p.mappings.isEmpty {
            p.mappings = [Mapping(id: 1)]
            for i in p.locations.indices { p.locations[i].mapping = 0 }
        }
    }

    /// Loads several sources and merges them. A source that fails is reported through `warn`
    /// and skipped, as go tool pprof does; none loading at all is an error.
    public func loadAll(_ sources: [String], kind: String, warn: (String) -> Void) throws(ProfileError)
        -> (profile: Profile, remote: Bool)
    {
        var profiles: [Profile] = []
        var remote = false
        if sources.count == 1 {
            // One source: its own error is the whole story. `combine` of one profile is only its
            // merge, which is done while its samples are decoded.
            do {
                let (bytes, r) = try read(sources[0])
                let merged = try Profile.parseMerged(
                    consume bytes, maxInflatedSize: maxInflatedSize, prepare: Self.addMissingMapping)
                if r { keepFetchedCopy(merged) }
                return (merged, r)
            } catch {
                throw error.context(Fetch.redact(sources[0]))
            }
        }
        for s in sources {
            do {
                let (p, r) = try load(s)
                profiles.append(p)
                remote = remote || r
            } catch {
                warn("\(Fetch.redact(s)): \(error)")
            }
        }
        if profiles.isEmpty { throw ProfileError("failed to fetch any \(kind) profiles") }
        if profiles.count != sources.count {
            warn("Fetched \(profiles.count) \(kind) profiles out of \(sources.count)")
        }
        let merged = try combine(consume profiles)
        if remote { keepFetchedCopy(merged) }
        return (merged, remote)
    }

    /// Makes profiles mergeable (common sample types, finest units) and merges them.
    public func combine(_ input: consuming [Profile]) throws(ProfileError) -> Profile {
        try compatibilizeSampleTypes(&input)
        try scaleProfiles(&input)
        return try Profile.merge(consume input)
    }
}

/// Keeps only the sample types (by name) that every profile has, in the first profile's order.
func compatibilizeSampleTypes(_ ps: inout [Profile]) throws(ProfileError) {
    guard ps.count > 1 else { return }
    var common = ps[0].sampleTypes.map(\.type)
    for p in ps.dropFirst() {
        let names = Set(p.sampleTypes.map(\.type))
        common.removeAll { !names.contains($0) }
    }
    if common.isEmpty {
        let lists = ps.map { "[" + $0.sampleTypes.map(\.type).joined(separator: " ") + "]" }
        throw ProfileError("profiles have empty common sample type list: \(lists.joined(separator: ", "))")
    }
    for i in ps.indices {
        let types = ps[i].sampleTypes.map(\.type)
        if types == common { continue }
        let keep = common.map { name in types.firstIndex(of: name)! }
        ps[i].sampleTypes = keep.map { ps[i].sampleTypes[$0] }
        ps[i].samples = ps[i].samples.compactMap { s in
            var s = s
            s.values = keep.map { s.values[$0] }
            return s.isZero ? nil : s
        }
        if !ps[i].defaultSampleType.isEmpty && !common.contains(ps[i].defaultSampleType) {
            ps[i].defaultSampleType = ""
        }
    }
}

/// Converts every profile's units to the finest unit any of them uses (pprof's ScaleProfiles).
func scaleProfiles(_ ps: inout [Profile]) throws(ProfileError) {
    guard ps.count > 1 else { return }
    func common(_ ts: [ValueType]) throws(ProfileError) -> ValueType {
        var minType = ts[0]
        for t in ts.dropFirst() {
            if !Measurement.compatible(minType.type, minType.unit, t.type, t.unit) {
                throw ProfileError("incompatible types: \(minType) and \(t)")
            }
            if Measurement.scale(1, from: t.unit, to: minType.unit).0 < 1 { minType = t }
        }
        return minType
    }
    let periodType: ValueType
    do {
        periodType = try common(ps.map(\.periodType))
    } catch {
        throw ProfileError("period type: \(error.message)")
    }
    let n = ps[0].sampleTypes.count
    for p in ps.dropFirst() where p.sampleTypes.count != n {
        throw ProfileError("inconsistent samples type count: \(n) != \(p.sampleTypes.count)")
    }
    var sampleTypes: [ValueType] = []
    for i in 0..<n {
        do {
            sampleTypes.append(try common(ps.map { $0.sampleTypes[i] }))
        } catch {
            throw ProfileError("sample types: \(error.message)")
        }
    }
    for pi in ps.indices {
        let (period, _) = Measurement.scale(ps[pi].period, from: ps[pi].periodType.unit, to: periodType.unit)
        ps[pi].period = Int64(period)
        ps[pi].periodType.unit = periodType.unit
        var ratios: [Double] = []
        for (i, st) in ps[pi].sampleTypes.enumerated() {
            ratios.append(Measurement.scale(1, from: st.unit, to: sampleTypes[i].unit).0)
            ps[pi].sampleTypes[i].unit = sampleTypes[i].unit
        }
        ps[pi].scale(by: ratios)
    }
}

/// Reads a whole file (at most `limit` bytes), with errors that name the file and the reason.
func readFile(_ path: String, limit: Int) throws(ProfileError) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    if fd < 0 { throw ProfileError("cannot open: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var st = stat()
    if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
        throw ProfileError("is a directory, not a profile")
    }
    return try readAll(fd: fd, name: path, limit: limit)
}

/// Reads a file descriptor to its end, refusing more than `limit` bytes (a profile larger than
/// the cap, or /dev/zero named as one).
func readAll(fd: Int32, name: String, limit: Int) throws(ProfileError) -> [UInt8] {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw ProfileError("reading \(name): \(String(cString: strerror(errno)))")
        }
        if n == 0 { break }
        guard out.count + n <= limit else {
            throw ProfileError(
                "reading \(name): more than \(limit) bytes, the limit on a profile; set PPROF_MAX_INFLATED_BYTES to raise it")
        }
        out.append(contentsOf: buf[0..<n])
    }
    return out
}

