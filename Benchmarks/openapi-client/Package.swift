// swift-tools-version:6.1
// SentryClient against the client a Swift user would pick instead, the one swift-openapi-generator
// generates from Sentry's official schema (over swift-openapi-async-http-client), and curl: one
// sandbox server, plain HTTP and HTTPS. `Benchmarks/openapi-client/run` generates that client into
// Sources/OfficialClient (not checked in) and runs `ClientComparison`.
// A package of its own, so the main package never depends on swift-openapi-generator's output.
import PackageDescription

let package = Package(
    name: "openapi-client-benchmark",
    platforms: [.macOS(.v13)],
    // `sentry-sdk` is a link to the repository root, so the package is named the same wherever it is cloned.
    dependencies: [
        .package(path: "sentry-sdk"),
        .package(path: "../support"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", exact: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", exact: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // swift-openapi-generator's output for the five key operations (see openapi-generator-config.yaml).
        .target(
            name: "OfficialClient",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")]
        ),
        .executableTarget(
            name: "ClientComparison",
            dependencies: [
                "OfficialClient",
                .product(name: "BenchmarkSupport", package: "support"),
                .product(name: "SentryAPI", package: "sentry-sdk"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
