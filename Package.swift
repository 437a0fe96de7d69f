// swift-tools-version:6.1
import PackageDescription

/// `ORCHESTRA_FUZZ=1 swift build --product orchestra-fuzz` (scripts/fuzz.sh) instruments the project's own
/// modules for libFuzzer and makes orchestra-fuzz libFuzzer's program; dependencies stay as they are, so
/// only these modules are rebuilt.
let fuzzing = Context.environment["ORCHESTRA_FUZZ"] != nil
let fuzzed: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer"]), .define("FUZZING")] : []

/// The two binaries link with lld: relative relocations packed (`-z pack-relative-relocs`: 3.7 MB of
/// `.rela.dyn` the front read at every start, and kept resident, become a few KB of `.relr.dyn`), and
/// their own symbols not exported (the static runtime's `-export-dynamic` put 5 MB of symbol tables in
/// the front, nearly all of it resident; nothing here loads plugins that would look them up), and
/// identical functions folded into one (`--icf=all`, as Apple's linker does by default: 11 MB less text).
let leanBinary: [LinkerSetting] = [
    .unsafeFlags([
        "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic", "-Xlinker", "--icf=all",
    ])
]

let package = Package(
    name: "Orchestra",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "orchestra", targets: ["orchestra"]),
        .executable(name: "orchestra-worker", targets: ["orchestra-worker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.25.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // OTLP over HTTP only: the gRPC exporter would add grpc-swift to every build.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(
            name: "CCurlShims",
            dependencies: ["CCurl"]
        ),
        .target(name: "CProcessShims"),
        .target(
            name: "Shared",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
            ],
            swiftSettings: fuzzed
        ),
        // The front as a library, so its logic is unit-tested without starting processes.
        .target(
            name: "OrchestraFront",
            dependencies: [
                "Shared", "CProcessShims", "CSystemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Sources/Front",
            swiftSettings: fuzzed
        ),
        .target(
            name: "OrchestraWorker",
            dependencies: [
                "Shared", "CProcessShims", "CCurlShims", "CCurl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/Worker",
            swiftSettings: fuzzed
        ),
        // The two binaries: one-file mains over the libraries.
        .executableTarget(name: "orchestra", dependencies: ["OrchestraFront"], path: "Sources/orchestra", linkerSettings: leanBinary),
        .executableTarget(
            name: "orchestra-worker", dependencies: ["OrchestraWorker"], path: "Sources/orchestra-worker", linkerSettings: leanBinary),
        // libFuzzer targets over every parser of outside input (built for libFuzzer with ORCHESTRA_FUZZ=1, see
        // above); built plainly, it replays the seed corpus and every crash ever found.
        .executableTarget(
            name: "orchestra-fuzz",
            dependencies: ["OrchestraFront", "OrchestraWorker", "Shared", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/Fuzz",
            swiftSettings: fuzzed,
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer"])] : []
        ),
        // Unit tests: no process, no socket, no sleep; time is a number.
        .testTarget(
            name: "SharedTests",
            dependencies: ["Shared", .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "FrontTests",
            dependencies: [
                "OrchestraFront", "Shared", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "WorkerTests",
            dependencies: ["OrchestraWorker", "Shared", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // End to end: the real binaries, fake upstreams on 127.0.0.1, HTTP in between.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Shared", "CCurlShims", "CCurl",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)
