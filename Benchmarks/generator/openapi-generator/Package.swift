// swift-tools-version:6.1
// Builds apple/swift-openapi-generator for the side-by-side benchmark in ../run. Kept apart so
// the main package never depends on it. (`run` compiles the tool's output in a package of its
// own under Benchmarks/out, with swift-openapi-runtime.)
import PackageDescription

let package = Package(
    name: "openapi-generator-bench",
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator", exact: "1.14.3"),
    ],
    targets: []
)
