import ProfileFormat

/// The heap profiler reads ELF files (segments to turn run-time addresses into file addresses,
/// GNU build IDs) through ProfileFormat's one ELF reader, which the analyzer uses too.
typealias ELFInfo = ELFFile

extension ELFFile {
    /// The file's header, segments and build ID; nil when it is not a 64-bit ELF file.
    static func read(path: String) -> ELFFile? { ELFFile(path: path) }
}
