// swift-tools-version:6.1
import PackageDescription

// On Linux the command-line programs are position-dependent and export no symbols, so that a
// start applies no relocations (`sentry-sdk --version` 4.1-4.3 ms instead of 4.9 ms, see
// Benchmarks/RESULTS.md). lld ships with the toolchain; with gold the debug build's loader warns.
let commandLineProgramLinking: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xclang-linker", "-no-pie", "-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux])),
]

/// An HTTP server on Hummingbird, run in a service group: the sandbox's, and the compression
/// test's own.
let hummingbirdServer: [Target.Dependency] = [
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "HTTPTypes", package: "swift-http-types"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
]

let package = Package(
    name: "sentry-sdk",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SentryModels", targets: ["SentryModels"]),
        .library(name: "SentryAPI", targets: ["SentryAPI"]),
        .library(name: "SentryResources", targets: ["SentryResources"]),
        .library(name: "SentrySandbox", targets: ["SentrySandbox"]),
        .library(name: "SentrySandboxServer", targets: ["SentrySandboxServer"]),
        .library(name: "SentryPostgresState", targets: ["SentryPostgresState"]),
        .executable(name: "sentry-sdk", targets: ["SentryCLI"]),
        .executable(name: "Generator", targets: ["Generator"]),
        .plugin(name: "GenerateModels", targets: ["GenerateModels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // async-http-client's tracing: off unless a program has a tracer (see AsyncHTTPClientTransport).
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // Hummingbird runs as a service; the sandbox server stops through a graceful shutdown.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Shared state for teams (SentryPostgresState only), and its TLS settings.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // The sandbox's HTTPS: a certificate authority and a server certificate made per run.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // Documentation: `swift package generate-documentation` (checked in .ci/run).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Generated inputs (with seeds and shrinking) for the fuzz tests of the parsers.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // The tests' child processes (stdout and stderr read together).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // Only the validator is used (in tests); external reference loading is not needed.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit", from: "6.4.0", traits: []),
    ],
    targets: [
        // The code generator: a pure core (spec -> IR -> Swift text) and a thin executable.
        .target(
            name: "GeneratorCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            path: "Generator/GeneratorCore",
            // The generated models' support code, real Swift that the generator writes out as is.
            resources: [.embedInCode("Runtime/Runtime.swift")]
        ),
        .executableTarget(
            name: "Generator",
            dependencies: [
                "GeneratorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Generator/Generator"
        ),
        .plugin(
            name: "GenerateModels",
            capability: .command(
                intent: .custom(
                    verb: "generate-models",
                    description: "Regenerate Sources/SentryModels/Generated from Spec/sentry.yaml"
                ),
                permissions: [
                    .writeToPackageDirectory(reason: "Writes the generated models into Sources/SentryModels/Generated")
                ]
            ),
            dependencies: ["Generator"],
            path: "Plugins/GenerateModels"
        ),

        // The SDK, layer by layer (see docs: each depends only on the ones before it).
        .target(name: "SentryModels"),
        .target(
            name: "SentryAPI",
            dependencies: [
                "SentryModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                // Extra trust roots for servers with a private certificate authority.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "SentryResources",
            dependencies: [
                "SentryModels", "SentryAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                // Manifests (YAML or JSON), read with the line and column of every node.
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // State in PostgreSQL: a module of its own, so that users of file state do not link the driver.
        .target(
            name: "SentryPostgresState",
            dependencies: [
                "SentryAPI", "SentryResources",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The sandbox's engine (with a client transport to it in process), and apart from it the
        // HTTP server that puts it on a port: the command line's --sandbox links no server.
        .target(name: "SentrySandbox", dependencies: ["SentryModels", "SentryAPI"]),
        .target(
            name: "SentrySandboxServer",
            dependencies: ["SentrySandbox"] + hummingbirdServer + [
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Gzip and deflate request bodies, as SDKs send events to the ingest endpoints.
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `sentry-sdk`, the one program: keys, manifests (plan, apply, destroy, output), state
        // and the sandbox server. Parsing and output only, on the layers above.
        .executableTarget(
            name: "SentryCLI",
            dependencies: [
                "SentryAPI", "SentryResources", "SentryPostgresState", "SentrySandbox", "SentrySandboxServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            linkerSettings: commandLineProgramLinking
        ),

        // Random stack operations under random faults, checking the SDK's promises after each
        // step: `swift run Soak --operations 2000` (CI) or 50000 (by hand).
        .executableTarget(
            name: "Soak",
            dependencies: [
                "SentryAPI", "SentryResources", "SentrySandbox", "SentrySandboxServer", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Soak"
        ),

        // One stack run in a process of its own, for the tests that run two at once or kill one.
        .executableTarget(name: "StackRunner", dependencies: ["SentryAPI", "SentryResources", "SentryPostgresState"], path: "Tests/StackRunner"),

        // What the test targets share (running processes, finding built products).
        .target(name: "TestSupport", dependencies: [
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Subprocess", package: "swift-subprocess"),
            .product(name: "SystemPackage", package: "swift-system"),
        ], path: "Tests/TestSupport"),
        .testTarget(
            name: "GeneratorCoreTests",
            dependencies: ["GeneratorCore", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "GeneratorTests",
            dependencies: ["Generator", "TestSupport"]
        ),
        .testTarget(
            name: "SentryModelsTests",
            dependencies: [
                "SentryModels", "GeneratorCore", "TestSupport",
                .product(name: "OpenAPIKit30", package: "OpenAPIKit"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The compression and redirect tests run servers of their own: the sandbox neither
        // compresses nor redirects. InMemoryTracing records the spans of the tracing test.
        .testTarget(
            name: "SentryAPITests",
            dependencies: ["SentryModels", "SentryAPI", "SentrySandbox", "SentrySandboxServer", "TestSupport",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Tracing", package: "swift-distributed-tracing"),
                           .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl")] + hummingbirdServer
        ),
        .testTarget(name: "SentryResourcesTests", dependencies: ["SentryModels", "SentryAPI", "SentryResources", "SentryPostgresState", "SentrySandbox", "SentrySandboxServer", "TestSupport", "StackRunner"]),
        .testTarget(name: "SentryPostgresStateTests", dependencies: ["SentryModels", "SentryAPI", "SentryPostgresState", "SentryResources", "SentrySandbox", "SentrySandboxServer", "TestSupport", "SentryCLI"]),
        .testTarget(name: "SentrySandboxTests", dependencies: [
            "SentrySandbox", "SentrySandboxServer", "SentryAPI", "SentryModels",
            .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "SentryCLITests", dependencies: [
            "SentryCLI", "SentryAPI", "SentryResources", "SentrySandbox", "SentrySandboxServer", "TestSupport",
            .product(name: "Subprocess", package: "swift-subprocess"), .product(name: "SystemPackage", package: "swift-system"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(
            name: "FuzzTests",
            dependencies: ["SentryAPI", "GeneratorCore", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Corpus"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
