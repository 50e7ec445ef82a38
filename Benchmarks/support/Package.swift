// swift-tools-version:6.1
// What every benchmark package prints its figures with: `Spread` and the BENCH_ROWS rows that
// `Benchmarks/run` collects into one table.
import PackageDescription

let package = Package(
    name: "benchmark-support",
    products: [.library(name: "BenchmarkSupport", targets: ["BenchmarkSupport"])],
    targets: [.target(name: "BenchmarkSupport")],
    swiftLanguageModes: [.v6]
)
