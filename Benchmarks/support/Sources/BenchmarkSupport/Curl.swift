import Foundation

/// Seconds one curl process takes to fetch every URL of a config file (`--config`), over one
/// kept-alive connection: the baseline the clients are measured against.
public func curl(config: URL) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--config", config.path]
    let start = ContinuousClock.now
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    return seconds(ContinuousClock.now - start)
}
