// swift-tools-version:6.1
// The seed's four client keys declared in a stack, run against the embedded sandbox:
// `swift run --package-path Examples ClientKeys` (built and run by .ci/run).
import PackageDescription

let package = Package(
    name: "sentry-sdk-examples",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "sentry-sdk", path: "..")],
    targets: [
        .executableTarget(
            name: "ClientKeys",
            dependencies: [
                .product(name: "SentryResources", package: "sentry-sdk"),
                .product(name: "SentryAPI", package: "sentry-sdk"),
                .product(name: "SentrySandbox", package: "sentry-sdk"),
                .product(name: "SentrySandboxServer", package: "sentry-sdk"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
