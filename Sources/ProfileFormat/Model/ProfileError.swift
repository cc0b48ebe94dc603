/// Why a profile could not be read, merged or used. `description` is one line meant for people.
public struct ProfileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// The same error with a context prefix, e.g. the file it came from.
    public func context(_ prefix: String) -> ProfileError {
        ProfileError("\(prefix): \(message)")
    }
}
