import Foundation
import ProfileFormat
import Testing

/// Simple patterns are matched by a byte search instead of the regexp engine: on every ASCII
/// string they must agree with ICU's regexp, and decline the others.
@Suite struct SimplePatternTests {
    static let patterns = [
        "a", "ab", "Method164", "Method164$", "^main", "^main$", "pkg.Func", "a|b.c", "^x|y$", ".", "..", "^.$",
        ".ain", "Func1|Method", "golang.org/x", "a:b", "-_/", "^", "$", "^$", "|a", "ab|",
    ]

    @Test func agreesWithTheRegexpEngine() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcMmainethod164FuncpkgxyGolng.:/_-".utf8)
        var texts = ["", "a", "main", "main.main", "Method164", "xMethod164", "pkg.Func", "golang.org/x/y", "a:b", "-_/"]
        for _ in 0..<2000 {
            let length = Int.random(in: 0...24, using: &generator)
            texts.append(String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self))
        }
        for pattern in Self.patterns {
            let simple = try #require(SimplePattern(pattern), "\(pattern) is simple")
            let regex = try NSRegularExpression(pattern: pattern)
            for text in texts {
                let expected =
                    regex.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
                #expect(simple.matches(text) == expected, "\(pattern) on \(text)")
                var bytes = Array(text.utf8)
                let viaBytes = bytes.withUnsafeMutableBufferPointer { simple.matches(utf8: UnsafeBufferPointer($0)) }
                #expect(viaBytes == expected, "\(pattern) on the bytes of \(text)")
            }
        }
    }

    @Test func declinesWhatItCannotMatch() {
        #expect(SimplePattern("a+") == nil)
        #expect(SimplePattern("(a)") == nil)
        #expect(SimplePattern("main")?.matches("ma\u{e9}in") == nil)
        #expect(SimplePattern("main")?.matches("tab\there") == nil)
    }
}
