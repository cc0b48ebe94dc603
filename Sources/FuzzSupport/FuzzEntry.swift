import Foundation

/// What a fuzz target tests: one input, any bytes. It must return normally: a crash, a trap, a
/// hang or (under AddressSanitizer) a memory error is the finding.
public typealias FuzzInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

#if FUZZING
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: FuzzInput
    ) -> CInt
#endif

/// The entry of every fuzz target. Built with `-D FUZZING` and `-sanitize=fuzzer` it hands the
/// command line to libFuzzer; in an ordinary build it replays the files and folders named on the
/// command line (a corpus, a crash), so that findings stay regression checks without libFuzzer.
public func fuzzMain(_ testOneInput: FuzzInput) -> Never {
    #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    #else
        var files: [String] = []
        for arg in CommandLine.arguments.dropFirst() where !arg.hasPrefix("-") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: arg, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("\(arg): no such file or folder\n".utf8))
                exit(2)
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: arg)) ?? []
                files += names.sorted().map { (arg as NSString).appendingPathComponent($0) }
            } else {
                files.append(arg)
            }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { testOneInput($0.baseAddress, $0.count) }
        }
        print("replayed \(files.count) inputs without a crash")
        exit(0)
    #endif
}

/// The input as text, when it is UTF-8.
public func fuzzText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String? {
    guard let data else { return nil }
    return String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}

/// The input as bytes.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}
