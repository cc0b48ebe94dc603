import Foundation
import ProfileFormat
import ProfileReport

/// The profiles behind the shell: the sources as loaded, the base (for `base=` and
/// `diff_base=`) as loaded, and their combination, which is what reports see. Changing the
/// base combines again without reading the sources.
struct ShellProfiles {
    /// Options that name a base profile rather than a report setting.
    static let optionNames: Set<String> = ["base", "diff_base"]

    let session: Session
    private(set) var sources: [String]
    private(set) var bases: [String]
    private(set) var diffBase: Bool
    /// The merged sources without any base; nil until a base is first set or cleared
    /// (at start the session's profile is exactly this when it has no base).
    private var sourceProfile: Profile?
    private var baseProfile: Profile?

    init(session: Session) {
        self.session = session
        sources = session.sources
        bases = session.bases
        diffBase = session.diffBase
        if session.bases.isEmpty { sourceProfile = session.profile }
    }

    /// Uses `list` as the base (or diff base), or none when empty, and combines again.
    mutating func setBases(_ list: [String], diffBase diff: Bool, normalize: Bool, warn: (String) -> Void)
        throws(ReportError)
    {
        if list == bases && (diff == diffBase || list.isEmpty) { return }
        let source = try source(warn: warn)
        var base: Profile?
        if !list.isEmpty {
            base = try Self.read(list, kind: "base", loader: session.loader, warn: warn)
        }
        session.profile = try Self.combine(source, base, diffBase: diff, normalize: normalize, loader: session.loader)
        sourceProfile = source
        baseProfile = base
        bases = list
        diffBase = diff
        session.bases = list
        session.diffBase = diff
    }

    /// Combines the loaded source and base again (after `normalize` changes).
    mutating func recombine(normalize: Bool) throws(ReportError) {
        let source = try source(warn: { _ in })
        session.profile = try Self.combine(source, baseProfile, diffBase: diffBase, normalize: normalize, loader: session.loader)
    }

    /// Replaces the sources with `list`, keeping the base; reads the base again only if
    /// it was never read.
    mutating func load(_ list: [String], normalize: Bool, warn: (String) -> Void) throws(ReportError) {
        let source = try Self.read(list, kind: "source", loader: session.loader, warn: warn)
        if !bases.isEmpty && baseProfile == nil {
            baseProfile = try Self.read(bases, kind: "base", loader: session.loader, warn: warn)
        }
        session.profile = try Self.combine(source, baseProfile, diffBase: diffBase, normalize: normalize, loader: session.loader)
        sourceProfile = source
        sources = list
        session.sources = list
    }

    /// Reads sources and base again from their files or URLs.
    mutating func reload(normalize: Bool, warn: (String) -> Void) throws(ReportError) {
        baseProfile = nil
        try load(sources, normalize: normalize, warn: warn)
    }

    /// The sources without a base, read again only when the shell started with a base.
    mutating func source(warn: (String) -> Void) throws(ReportError) -> Profile {
        if let sourceProfile { return sourceProfile }
        let p = try Self.read(sources, kind: "source", loader: session.loader, warn: warn)
        sourceProfile = p
        return p
    }

    /// Reads and merges `list`, symbolized as the command line's profiles are.
    static func read(_ list: [String], kind: String, loader: ProfileLoader, warn: (String) -> Void) throws(ReportError)
        -> Profile
    {
        var p: Profile
        do {
            p = try loader.loadAll(list, kind: kind, warn: warn).profile
        } catch {
            throw ReportError(error.message)
        }
        loader.symbolize(&p, sources: list, warn: warn)
        return p
    }

    /// What the command line does with -base and -diff_base: mark or negate the base, merge,
    /// then drop uninteresting frames and check the result.
    static func combine(_ source: Profile, _ base: Profile?, diffBase: Bool, normalize: Bool, loader: ProfileLoader)
        throws(ReportError) -> Profile
    {
        var p = source
        do {
            if var base {
                if diffBase { base.setLabel(Profile.diffBaseLabel, "true") }
                if normalize { try p.normalize(to: base) }
                base.scale(by: -1)
                p = try loader.combine([p, base])
            }
            try p.removeUninteresting()
        } catch {
            throw ReportError(error.message)
        }
        return p
    }
}

extension Shell {
    /// `load PROFILE...`: new sources, same options and base; prints the new header.
    func load(_ list: [String]) throws(ReportError) {
        try profiles.load(list, normalize: session.config.normalize, warn: warn)
        afterLoad()
    }

    /// `reload`: the same sources (and base), read again.
    func reload() throws(ReportError) {
        diffBases = [:]
        diffIndexes = [:]
        try profiles.reload(normalize: session.config.normalize, warn: warn)
        afterLoad()
    }

    private func afterLoad() {
        profileChanged()
        let p = session.profile
        if !session.config.sampleIndex.isEmpty, (try? ReportPipeline.sampleIndex(p, session.config.sampleIndex)) == nil {
            warn("sample_index \(session.config.sampleIndex) is not in the new profile; back to the default")
            session.config.sampleIndex = ""
        }
        if let labels = profileHeader() { ui.print(labels.joined(separator: "\n")) }
        prepareIndex()
    }
}
