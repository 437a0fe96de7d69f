import Foundation

/// The target libFuzzer drives, named by `ORCHESTRA_FUZZ_TARGET` (read once).
let selectedTarget = ProcessInfo.processInfo.environment["ORCHESTRA_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))

/// libFuzzer's entry point (built with `-sanitize=fuzzer -DFUZZING`, libFuzzer supplies `main`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let target = selectedTarget else { fatalError("set ORCHESTRA_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))") }
    target.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

#if FUZZING
/// SwiftPM links an executable's `main` to `orchestra_fuzz_main`; under libFuzzer it hands over to the
/// fuzzer's own driver, which parses the command line and calls `fuzzOneInput`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

@_cdecl("orchestra_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
/// Without libFuzzer: replays every file under `Tests/Fuzz/<target>/` (the seed corpus and every crash
/// ever found) through its target, so a crash found once stays a test.
@main
struct FuzzReplay {
    static func main() throws {
        let root = CommandLine.arguments.dropFirst().first ?? "Tests/Fuzz"
        var replayed = 0
        for target in FuzzTarget.allCases {
            let directory = URL(fileURLWithPath: root).appendingPathComponent(target.rawValue)
            let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
            for file in files.sorted(by: { $0.path < $1.path }) {
                target.run(Array(try Data(contentsOf: file)))
                replayed += 1
            }
        }
        guard replayed > 0 else { fatalError("no inputs under \(root)") }
        print("replayed \(replayed) inputs through \(FuzzTarget.allCases.count) targets")
    }
}
#endif
