import Foundation

/// Which server the sandbox of the resource and CLI suites behaves as: `sentry`, or with
/// `SENTRY_SDK_TEST_PROFILE=compatible-server` a Sentry-compatible server (a pass of .ci/run).
/// Tests assert what differs between the two through these members. Its raw value is
/// `SandboxProfile`'s.
public enum TestServerProfile {
    public static let rawValue = ProcessInfo.processInfo.environment["SENTRY_SDK_TEST_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sentry"
    /// Whether the suites run against a Sentry-compatible server.
    public static var isCompatibleServer: Bool { rawValue == "compatible-server" }
    /// Keys in one page of a listing: Sentry sends 100, the compatible server 50.
    public static var pageSize: Int { isCompatibleServer ? 50 : 100 }
    /// Whether keys carry a secret (the compatible server sends none).
    public static var keysHaveSecrets: Bool { !isCompatibleServer }
    /// Where the suites' DSNs point: a fixed host, so that `dsnPrefix` holds whichever port the
    /// sandbox server got (the compatible server builds its own DSNs).
    public static let ingestURL = "https://o{organization_id}.ingest.sandbox.invalid"
    /// How a key's public DSN starts: Sentry's sandbox hands out `https` DSNs with the public
    /// key, the compatible server `http` ones with the key's UUID without dashes.
    public static func dsnPrefix(publicKey: String) -> String {
        isCompatibleServer ? "http://\(publicKey.replacingOccurrences(of: "-", with: ""))@" : "https://\(publicKey)@"
    }
    /// Listing requests for `keys` keys in one project (an empty project takes one).
    public static func pages(_ keys: Int) -> Int { max(1, (keys + pageSize - 1) / pageSize) }
    /// Whether updates are applied: the compatible server answers them with the key unchanged.
    public static var appliesUpdates: Bool { !isCompatibleServer }
}
