import Foundation
import ProfileReport

/// How the shell splits a line into words for completion.
public enum ShellCompleter {
    /// A word ends at one of these (passed to libedit as its word breaks).
    public static let wordBreakCharacters = " \t\n="

    /// The last word of `line` and everything before it.
    static func split(_ line: String) -> (head: Substring, word: Substring) {
        let start = line.lastIndex(where: { wordBreakCharacters.contains($0) }).map { line.index(after: $0) } ?? line.startIndex
        return (line[..<start], line[start...])
    }

    /// Units `unit=` accepts.
    static let units = ["minimum", "auto", "B", "kB", "MB", "GB", "TB", "ns", "us", "ms", "s", "hrs"]

    /// Options whose value is a function regexp.
    static let regexOptions: Set<String> = ["focus", "ignore", "hide", "show", "show_from", "prune_from"]

    /// Options whose value is a file.
    static let fileOptions: Set<String> = ["output", "source_path", "base", "diff_base"]

    /// A function name as a regexp that matches it: metacharacters other than `.` escaped.
    static func regexFor(_ name: String) -> String {
        var out = ""
        for c in name {
            if "\\()*+?|[]{}^$".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// What Tab puts in place of the typed word when there are several candidates: their
    /// longest common prefix when it starts with what was typed, compared without the
    /// backslashes that escape regexp characters (so `bytes.(*B` becomes `bytes.\(\*Buffer\).`);
    /// otherwise the word as typed (the candidates then only contain it).
    public static func commonCompletion(_ typed: String, _ candidates: [String]) -> String {
        var prefix = commonPrefix(candidates)
        // Never end in the middle of an escape.
        var trailing = 0
        for c in prefix.reversed() {
            guard c == "\\" else { break }
            trailing += 1
        }
        if trailing % 2 == 1 { prefix.removeLast() }
        func plain(_ s: String) -> String { s.replacingOccurrences(of: "\\", with: "") }
        return plain(prefix).hasPrefix(plain(typed)) ? prefix : typed
    }

    /// The longest common prefix of some strings.
    static func commonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first.map({ Array($0.utf8) }) else { return "" }
        for s in strings.dropFirst() {
            let b = Array(s.utf8)
            var n = 0
            while n < prefix.count && n < b.count && prefix[n] == b[n] { n += 1 }
            prefix.removeSubrange(n...)
        }
        return String(decoding: prefix, as: UTF8.self)
    }

    /// Directory entries starting with the last path component of `word`; directories end in `/`.
    static func files(_ word: String) -> [String] {
        let slash = word.lastIndex(of: "/")
        let dirPart = slash.map { String(word[...$0]) } ?? ""
        let prefix = slash.map { String(word[word.index(after: $0)...]) } ?? word
        var dir = dirPart.isEmpty ? "." : dirPart
        if dir.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            dir = home + dir.dropFirst()
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        var out: [String] = []
        for n in names.sorted() where n.hasPrefix(prefix) && (prefix.hasPrefix(".") || !n.hasPrefix(".")) {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(n), isDirectory: &isDir)
            out.append(dirPart + n + (isDir.boolValue ? "/" : ""))
        }
        return out
    }
}

extension Shell {
    /// Completions for the word at the end of `lineBeforeCursor`: commands, options, sample
    /// types and shortcuts first; option values after `=`; function names (as regexps, also
    /// after `-`) in a report's arguments; files for `load`, `diff` and file options.
    public func complete(_ lineBeforeCursor: String) -> [String] {
        let (head, wordSub) = ShellCompleter.split(lineBeforeCursor)
        let word = String(wordSub)
        if head.hasSuffix("=") {
            let name = head.dropLast().split(whereSeparator: { $0 == " " || $0 == "\t" }).last.map(String.init) ?? ""
            return optionValues(name, word)
        }
        let tokens = head.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = tokens.first else { return firstWords(word) }
        if first == "help" {
            return tokens.count == 1 ? helpTopics(word) : []
        }
        let name = first.replacingOccurrences(of: "[0-9]+$", with: "", options: .regularExpression)
        guard let command = ShellCommands.named(name) else { return [] }
        switch command.action {
        case .load:
            return ShellCompleter.files(word)
        case .diff where tokens.count == 1:
            return ShellCompleter.files(word)
        case .reload, .unavailable:
            return []
        default:
            if name == "tags" || word.hasPrefix(">") { return [] }
            return functions(word)
        }
    }

    /// Words a line can start with.
    func firstWords(_ word: String) -> [String] {
        var all = ShellCommands.all.filter(\.listed).map(\.name)
        all += ["o", "options", "help", "quit", "exit"]
        for f in ReportConfig.fields { all.append(f.name + "=") }
        for name in ShellProfiles.optionNames { all.append(name + "=") }
        for st in session.profile.sampleTypes { all += [st.type, "total_" + st.type, "mean_" + st.type] }
        return all.filter { $0.hasPrefix(word) }.sorted()
    }

    func helpTopics(_ word: String) -> [String] {
        var all = ShellCommands.all.filter(\.listed).map(\.name)
        for f in ReportConfig.fields { all.append(f.name); all += f.choices }
        all += ShellProfiles.optionNames
        return Array(Set(all.filter { $0.hasPrefix(word) })).sorted()
    }

    func optionValues(_ name: String, _ word: String) -> [String] {
        var values: [String]
        if name == "sample_index" {
            values = session.profile.sampleTypes.map(\.type)
        } else if name == "unit" {
            values = ShellCompleter.units
        } else if ShellCompleter.regexOptions.contains(name) {
            return functions(word)
        } else if ShellCompleter.fileOptions.contains(name) {
            return ShellCompleter.files(word)
        } else if let f = ReportConfig.fields.first(where: { $0.name == name }) {
            if !f.choices.isEmpty {
                values = f.choices
            } else if f.kind == .bool {
                values = ["true", "false"]
            } else {
                return []
            }
        } else if ReportConfig.field(named: name) != nil {
            values = ["true"]
        } else {
            return []
        }
        return values.filter { $0.hasPrefix(word) }
    }

    /// Function names of the loaded profile starting with the word (or, when none does,
    /// containing it), as regexps; a leading `-` (ignore) is kept.
    func functions(_ word: String) -> [String] {
        let minus = word.hasPrefix("-")
        let typed = (minus ? String(word.dropFirst()) : word).replacingOccurrences(of: "\\", with: "")
        var matches = functionNames.filter { $0.hasPrefix(typed) }
        if matches.isEmpty && !typed.isEmpty { matches = functionNames.filter { $0.contains(typed) } }
        // Sorted, so the first and last keep the common prefix of all when the list is cut.
        if matches.count > 500 { matches = Array(matches.prefix(499)) + [matches.last!] }
        return matches.map { (minus ? "-" : "") + ShellCompleter.regexFor($0) }
    }
}
