import FuzzSupport
import ProfileFormat

/// The profile reader on any bytes: gzip, protobuf and the legacy text formats. What it accepts
/// must also survive being written and read again.
@main
enum FuzzProfile {
    static func main() { fuzzMain(testOneInput) }

    static let testOneInput: FuzzInput = { data, size in
        let bytes = fuzzBytes(data, size)
        guard let profile = try? Profile.parse(bytes, maxInflatedSize: 64 << 20) else { return 0 }
        _ = try? Profile.parse(profile.serialized(compress: false))
        return 0
    }
}
