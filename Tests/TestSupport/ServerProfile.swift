import Foundation

/// Which server the sandbox of the resource and CLI suites behaves as: `sentry`, or with
/// `SENTRY_SDK_TEST_PROFILE=compatible-server` a Sentry-compatible server. Not yet a pass of
/// .ci/run: several tests of those suites still assert what only Sentry does (a key's secret,
/// `https` DSNs). Its raw value is `SandboxProfile`'s.
public enum TestServerProfile {
    public static let rawValue = ProcessInfo.processInfo.environment["SENTRY_SDK_TEST_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sentry"
    /// Whether the suites run against a Sentry-compatible server.
    public static var isCompatibleServer: Bool { rawValue == "compatible-server" }
}
