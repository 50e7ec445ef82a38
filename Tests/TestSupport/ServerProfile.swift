import Foundation

/// Which server the sandbox of the resource and CLI suites behaves as: `sentry`, or with
/// `SENTRY_SDK_TEST_PROFILE=compatible-server` (.ci/run's third pass) a Sentry-compatible
/// server, so that those suites run once against each. Its raw value is `SandboxProfile`'s.
public enum TestServerProfile {
    public static let rawValue = ProcessInfo.processInfo.environment["SENTRY_SDK_TEST_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sentry"
    /// Whether the suites run against a Sentry-compatible server.
    public static var isCompatibleServer: Bool { rawValue == "compatible-server" }
}
