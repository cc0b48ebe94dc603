extension Profile {
    func locationMatches(_ li: Int, _ re: GoRegex, _ cache: inout [Int32: Bool]) -> Bool {
        let loc = locations[li]
        for ln in loc.lines where ln.function >= 0 {
            if functionMatches(ln.function, re, &cache) { return true }
        }
        if let m = mapping(of: loc), re.matches(m.file) { return true }
        return false
    }

    func functionMatches(_ fi: Int32, _ re: GoRegex, _ cache: inout [Int32: Bool]) -> Bool {
        if let c = cache[fi] { return c }
        let f = functions[Int(fi)]
        let r = re.matches(f.name) || re.matches(f.filename)
        cache[fi] = r
        return r
    }

    /// Keeps samples with a frame matching `focus` and none matching `ignore`; removes frames
    /// matching `hide`, and keeps only frames matching `show`. Names, files and binaries are matched.
    /// Returns whether each expression matched anything.
    @discardableResult
    public mutating func filterSamplesByName(focus: GoRegex?, ignore: GoRegex?, hide: GoRegex?, show: GoRegex?)
        -> (focus: Bool, ignore: Bool, hide: Bool, show: Bool)
    {
        var fm = false, im = false, hm = false, hnm = false
        // 0: neither, 1: focused, 2: ignored.
        var focusOrIgnore = [UInt8](repeating: 0, count: locations.count)
        var hidden = [Bool](repeating: false, count: locations.count)
        var anyHidden = false
        var focusCache: [Int32: Bool] = [:], ignoreCache: [Int32: Bool] = [:]
        var hideCache: [Int32: Bool] = [:], showCache: [Int32: Bool] = [:]
        for li in locations.indices {
            if let ignore, locationMatches(li, ignore, &ignoreCache) {
                im = true
                focusOrIgnore[li] = 2
            } else if focus == nil || locationMatches(li, focus!, &focusCache) {
                fm = true
                focusOrIgnore[li] = 1
            }
            if let hide, locationMatches(li, hide, &hideCache) {
                hm = true
                if let m = mapping(of: locations[li]), hide.matches(m.file) {
                    locations[li].lines = []
                } else {
                    var lines = locations[li].lines
                    lines.removeAll { ln in ln.function >= 0 && functionMatches(ln.function, hide, &hideCache) }
                    locations[li].lines = lines
                }
                if locations[li].lines.isEmpty {
                    hidden[li] = true
                    anyHidden = true
                }
            }
            if let show {
                if let m = mapping(of: locations[li]), show.matches(m.file) {
                    // The whole location is shown.
                } else {
                    var lines = locations[li].lines
                    lines.removeAll { ln in ln.function >= 0 && !functionMatches(ln.function, show, &showCache) }
                    locations[li].lines = lines
                }
                if locations[li].lines.isEmpty {
                    hidden[li] = true
                    anyHidden = true
                } else {
                    hnm = true
                }
            }
        }
        func passes(_ s: Sample) -> Bool {
            var focused = false
            for l in s.locations {
                switch focusOrIgnore[Int(l)] {
                case 1: focused = true
                case 2: return false
                default: break
                }
            }
            return focused
        }
        // Without filters every sample with a stack passes: leave the array alone then.
        if !anyHidden && samples.allSatisfy(passes) { return (fm, im, hm, hnm) }
        var kept: [Sample] = []
        kept.reserveCapacity(samples.count)
        for var s in samples {
            guard passes(s) else { continue }
            if anyHidden {
                s.locations.removeAll { hidden[Int($0)] }
                if s.locations.isEmpty { continue }
            }
            kept.append(s)
        }
        samples = kept
        return (fm, im, hm, hnm)
    }

    /// Cuts every stack above the last frame (toward the root) that matches `re`; drops samples with none.
    @discardableResult
    public mutating func showFrom(_ re: GoRegex) -> Bool {
        var matched = false
        var marks = [Bool](repeating: false, count: locations.count)
        var cache: [Int32: Bool] = [:]
        for li in locations.indices {
            if let m = mapping(of: locations[li]), re.matches(m.file) {
                marks[li] = true
                matched = true
                continue
            }
            let lines = locations[li].lines
            var i = lines.count - 1
            while i >= 0 {
                if lines[i].function >= 0 && functionMatches(lines[i].function, re, &cache) { break }
                i -= 1
            }
            if i >= 0 {
                locations[li].lines = Array(lines[...i])
                marks[li] = true
                matched = true
            }
        }
        var kept: [Sample] = []
        for var s in samples {
            var i = s.locations.count - 1
            while i >= 0 {
                if marks[Int(s.locations[i])] {
                    s.locations = Array(s.locations[...i])
                    kept.append(s)
                    break
                }
                i -= 1
            }
        }
        samples = kept
        return matched
    }

    /// Keeps samples for which `focus` holds (or no focus) and `ignore` does not.
    @discardableResult
    public mutating func filterSamplesByTag(focus: ((Sample) -> Bool)?, ignore: ((Sample) -> Bool)?)
        -> (focus: Bool, ignore: Bool)
    {
        var fm = false, im = false
        samples = samples.filter { s in
            let focused = focus?(s) ?? true
            let ignored = ignore?(s) ?? false
            fm = fm || focused
            im = im || ignored
            return focused && !ignored
        }
        return (fm, im)
    }

    /// Removes label keys that `show` does not match or that `hide` matches.
    @discardableResult
    public mutating func filterTagsByName(show: GoRegex?, hide: GoRegex?) -> (show: Bool, hide: Bool) {
        var sm = false, hm = false
        var verdict: [String: Bool] = [:]
        func remove(_ key: String) -> Bool {
            let showMatch = show == nil || show!.matches(key)
            let hideMatch = hide != nil && hide!.matches(key)
            if showMatch { sm = true }
            if hideMatch { hm = true }
            return !showMatch || hideMatch
        }
        for i in samples.indices {
            if !samples[i].labels.isEmpty {
                samples[i].labels.removeAll { l in
                    if let v = verdict[l.key] {
                        _ = remove(l.key)
                        return v
                    }
                    let v = remove(l.key)
                    verdict[l.key] = v
                    return v
                }
            }
            if !samples[i].numLabels.isEmpty {
                samples[i].numLabels.removeAll { remove($0.key) }
            }
        }
        return (sm, hm)
    }

    /// Cuts every stack below (toward the leaf) the first frame from the leaf whose function matches `re`.
    public mutating func pruneFrom(_ re: GoRegex) {
        var marks = [Bool](repeating: false, count: locations.count)
        for li in locations.indices {
            let lines = locations[li].lines
            for (i, ln) in lines.enumerated() where ln.function >= 0 {
                let name = functions[Int(ln.function)].name
                if !name.isEmpty && re.matches(simplifiedFunctionName(name)) {
                    marks[li] = true
                    locations[li].lines = Array(lines[i...])
                    break
                }
            }
        }
        for si in samples.indices {
            if let i = samples[si].locations.firstIndex(where: { marks[Int($0)] }) {
                samples[si].locations = Array(samples[si].locations[i...])
            }
        }
    }

    /// Forgets what the chosen granularity does not show: inlined frames, function names, file
    /// names, line numbers, addresses (pprof's Profile.Aggregate).
    public mutating func aggregate(inlineFrame: Bool, function: Bool, filename: Bool, lineNumber: Bool, address: Bool) {
        for i in mappings.indices {
            mappings[i].hasInlineFrames = mappings[i].hasInlineFrames && inlineFrame
            mappings[i].hasFunctions = mappings[i].hasFunctions && function
            mappings[i].hasFilenames = mappings[i].hasFilenames && filename
            mappings[i].hasLineNumbers = mappings[i].hasLineNumbers && lineNumber
        }
        if !function || !filename {
            for i in functions.indices {
                if !function {
                    functions[i].name = ""
                    functions[i].systemName = ""
                }
                if !filename { functions[i].filename = "" }
            }
        }
        if !inlineFrame || !address || !lineNumber {
            for i in locations.indices {
                if !inlineFrame && locations[i].lines.count > 1 {
                    locations[i].lines = [locations[i].lines.last!]
                }
                if !lineNumber {
                    for j in locations[i].lines.indices { locations[i].lines[j].line = 0 }
                }
                if !address { locations[i].address = 0 }
            }
        }
    }
}
