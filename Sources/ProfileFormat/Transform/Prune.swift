extension Profile {
    /// Applies the profile's own drop_frames/keep_frames (anchored as `^(re)$`), as pprof does on load.
    public mutating func removeUninteresting() throws(ProfileError) {
        guard !dropFrames.isEmpty else { return }
        let drop: GoRegex
        var keep: GoRegex?
        do {
            drop = try GoRegex("^(" + dropFrames + ")$")
            if !keepFrames.isEmpty { keep = try GoRegex("^(" + keepFrames + ")$") }
        } catch {
            throw ProfileError("the profile's drop_frames/keep_frames is not a valid regular expression: \(error)")
        }
        prune(drop: drop, keep: keep)
    }

    /// Removes frames matching `drop` (and not `keep`) and everything below them toward the leaf,
    /// starting only once a frame from the root side did not match.
    public mutating func prune(drop: GoRegex, keep: GoRegex?) {
        var prune = [Bool](repeating: false, count: locations.count)
        var pruneBeneath = prune
        for li in locations.indices {
            let lines = locations[li].lines
            var i = lines.count - 1
            while i >= 0 {
                let fn = lines[i].function
                if fn >= 0 {
                    let name = functions[Int(fn)].name
                    if !name.isEmpty {
                        let simple = simplifiedFunctionName(name)
                        if drop.matches(simple) && (keep == nil || !keep!.matches(simple)) { break }
                    }
                }
                i -= 1
            }
            if i >= 0 {
                pruneBeneath[li] = true
                if i == lines.count - 1 {
                    prune[li] = true
                } else {
                    locations[li].lines = Array(lines[(i + 1)...])
                }
            }
        }
        for si in samples.indices {
            let locs = samples[si].locations
            var foundUser = false
            var i = locs.count - 1
            while i >= 0 {
                let id = Int(locs[i])
                if !prune[id] && !pruneBeneath[id] {
                    foundUser = true
                    i -= 1
                    continue
                }
                if !foundUser {
                    i -= 1
                    continue
                }
                if prune[id] {
                    samples[si].locations = Array(locs[(i + 1)...])
                    break
                }
                if pruneBeneath[id] {
                    samples[si].locations = Array(locs[i...])
                    break
                }
                i -= 1
            }
        }
    }
}

/// A function name without its argument list or a leading dot, keeping the reserved
/// `(anonymous namespace)` and `operator()` intact, as pprof matches drop_frames.
public func simplifiedFunctionName(_ f: String) -> String {
    var name = Substring(f)
    if name.hasPrefix(".") { name = name.dropFirst() }
    let reserved = ["(anonymous namespace)", "operator()"]
    var search = name.startIndex
    while let paren = name[search...].firstIndex(where: { $0 == "(" || $0 == "o" }) {
        let rest = name[paren...]
        if let r = reserved.first(where: { rest.hasPrefix($0) }) {
            search = name.index(paren, offsetBy: r.count)
            continue
        }
        if name[paren] == "(" { return String(name[..<paren]) }
        search = name.index(after: paren)
    }
    return String(name)
}
