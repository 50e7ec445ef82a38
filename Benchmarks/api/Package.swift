// swift-tools-version:6.1
// SentryAPI against curl on the same sandbox (`APIBenchmark`), a 500-key stack under
// sentry.io's rate limit (`StackBenchmark`), that stack's no-op rerun with PostgreSQL state
// against file state (`StateBenchmark`), and decoding a page of keys (`DecodeBenchmark`):
// `Benchmarks/api/run`.
// A package of its own, so the main package carries no benchmark code.
import PackageDescription

let package = Package(
    name: "api-benchmark",
    platforms: [.macOS(.v13)],
    // `sentry-sdk` is a link to the repository root, so the package is named the same wherever it is cloned.
    dependencies: [
        .package(path: "sentry-sdk"),
        .package(path: "../support"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "APIBenchmark",
            dependencies: [
                .product(name: "BenchmarkSupport", package: "support"),
                .product(name: "SentryAPI", package: "sentry-sdk"),
                .product(name: "SentrySandbox", package: "sentry-sdk"),
                .product(name: "SentrySandboxServer", package: "sentry-sdk"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Decoding a page of keys, and the `[[String]]` overload against the generic path.
        .executableTarget(
            name: "DecodeBenchmark",
            dependencies: [
                .product(name: "BenchmarkSupport", package: "support"),
                .product(name: "SentryAPI", package: "sentry-sdk"),
                .product(name: "SentrySandbox", package: "sentry-sdk"),
            ]
        ),
        // Not in `run`: what work costs between responses, for finding where time goes.
        .executableTarget(
            name: "ContextBenchmark",
            dependencies: [.product(name: "SentryAPI", package: "sentry-sdk")]
        ),
        .executableTarget(
            name: "StackBenchmark",
            dependencies: [
                .product(name: "BenchmarkSupport", package: "support"),
                .product(name: "SentryResources", package: "sentry-sdk"),
                .product(name: "SentryAPI", package: "sentry-sdk"),
                .product(name: "SentrySandbox", package: "sentry-sdk"),
                .product(name: "SentrySandboxServer", package: "sentry-sdk"),
            ]
        ),
        .executableTarget(
            name: "StateBenchmark",
            dependencies: [
                .product(name: "BenchmarkSupport", package: "support"),
                .product(name: "SentryResources", package: "sentry-sdk"),
                .product(name: "SentryPostgresState", package: "sentry-sdk"),
                .product(name: "SentryAPI", package: "sentry-sdk"),
                .product(name: "SentrySandbox", package: "sentry-sdk"),
                .product(name: "SentrySandboxServer", package: "sentry-sdk"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
