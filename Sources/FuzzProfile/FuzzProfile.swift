import FuzzSupport
import ProfileFormat

/// The profile reader on any bytes, alone and merged: gzip, protobuf and the legacy text formats.
/// What it accepts must also survive being written and read again.
@main
enum FuzzProfile {
    static func main() { fuzzMain(testOneInput) }

    static let testOneInput: FuzzInput = { data, size in
        let bytes = fuzzBytes(data, size)
        // The merged reading is the command line's (samples checked and held back, or merged).
        _ = try? Profile.parseMerged(bytes, maxInflatedSize: 64 << 20)
        guard let profile = try? Profile.parse(bytes, maxInflatedSize: 64 << 20) else { return 0 }
        _ = try? Profile.parse(profile.serialized(compress: false))
        return 0
    }
}
