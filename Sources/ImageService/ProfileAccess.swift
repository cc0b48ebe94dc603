import Foundation
import Hummingbird

/// Who may read /debug/pprof: the routes check the token with HeapProfiler.isAuthorized (the one
/// check); where the token comes from and when one is required (every non-loopback address, unless
/// the operator opens the profiles on purpose) is decided once, here, by the command line.
///
/// Where the profile token comes from, and the rules for it.
public enum ProfileTokenPolicy {
    /// The environment variable a token may come from (keeps it out of `ps`).
    public static let environmentVariable = "IMAGE_SERVICE_PROFILE_TOKEN"
    /// The longest token file read.
    static let maxFileBytes = 4096

    /// The token from at most one of: the flag, a file (first line, surrounding white space
    /// dropped), the environment. An empty token is refused, as is a missing one on an address
    /// other than loopback unless `open` says the profiles are public on purpose.
    public static func resolve(
        flag: String?, file: String?, environment: [String: String], host: String, open: Bool
    ) throws(ServiceError) -> String? {
        let fromEnvironment = environment[environmentVariable]
        let given = [flag != nil, file != nil, fromEnvironment != nil].filter { $0 }.count
        guard given <= 1 else {
            throw .badParameter(
                "give the profile token one way only: --profile-token, --profile-token-file or \(environmentVariable)")
        }
        var token = flag ?? fromEnvironment
        if let file { token = try read(file) }
        if let token {
            guard !token.isEmpty, token.allSatisfy({ !$0.isWhitespace && !$0.isNewline }) else {
                throw .badParameter("the profile token is empty or contains white space; give a non-empty token")
            }
            if open { throw .badParameter("--open-profiles and a profile token contradict each other: choose one") }
            return token
        }
        if !AllowedOrigin.isLoopback(host) && !open {
            throw .badParameter(
                "--host \(host) is not loopback, so /debug/pprof needs a token: give --profile-token-file FILE or "
                    + "\(environmentVariable), or --open-profiles to serve profiles to anyone on purpose")
        }
        return nil
    }

    private static func read(_ path: String) throws(ServiceError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .badParameter("--profile-token-file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: maxFileBytes + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        guard count <= maxFileBytes else {
            throw .badParameter("--profile-token-file \(path): longer than \(maxFileBytes) bytes; a token is one short line")
        }
        let text = String(decoding: bytes[0..<count], as: UTF8.self)
        return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: .whitespaces)
    }
}
