import Foundation
import ProfileFormat
import ProfileReport

/// A comparison chosen in the page: `base=B&new=N` number two of the profiles named on the
/// command line (from 1), and the pages then show NEW against BASE as `-diff_base=BASE NEW`
/// would: the differential flame graph, the diff table and every other view. Only numbers come
/// from the request, never a path.
enum WebCompare {
    /// Loads `new` against `base` (sources of the command line) into a session of its own;
    /// warnings go to the function given.
    typealias Loader = (_ base: String, _ new: String, _ warn: (String) -> Void) throws(ReportError) -> Session

    /// The loading of `-diff_base=BASE NEW` with the session's loader and options, for a UI
    /// made without the command line's (which adds `-exec_name`, `-buildid` and `-add_comment`).
    static func defaultLoader(_ session: Session) -> Loader {
        let loader = session.loader, config = session.config
        return { (base, new, warn) throws(ReportError) in
            do throws(ProfileError) {
                let profile = try Session.loadProfile(
                    sources: [new], bases: [base], diffBase: true, normalize: config.normalize, loader: loader, warn: warn)
                return Session(profile: profile, config: config, sources: [new], bases: [base], diffBase: true, loader: loader)
            } catch {
                throw ReportError(error.message)
            }
        }
    }

    /// Whether the query asks for a comparison.
    static func asked(_ query: [String: String]) -> Bool {
        !(query["base"] ?? "").isEmpty || !(query["new"] ?? "").isEmpty
    }

    /// The source numbers of `base=` and `new=`, checked against the sources.
    static func pair(_ query: [String: String], sources: [String]) throws(ReportError) -> (base: Int, new: Int) {
        guard sources.count >= 2 else {
            throw ReportError(
                "comparing needs two or more profiles on the command line (pprof -http=:0 old.pb.gz new.pb.gz); "
                    + "there is \(sources.count)")
        }
        func number(_ name: String) throws(ReportError) -> Int {
            let text = query[name] ?? ""
            if text.isEmpty {
                throw ReportError("compare: \(name)= is missing; choose both base= and new= in the Compare menu")
            }
            guard let n = Int(text), (1...sources.count).contains(n) else {
                throw ReportError(
                    "compare: \(name)=\(text) is not a source: give a number from 1 to \(sources.count) (the profiles in command-line order)")
            }
            return n
        }
        let base = try number("base"), new = try number("new")
        if base == new { throw ReportError("compare: base= and new= are both source \(base); choose two different profiles") }
        return (base, new)
    }
}
