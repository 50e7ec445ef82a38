import Foundation

/// A fresh directory under the system's temporary directory, removed with the last reference
/// to it, so that a suite holding one cleans up when Swift Testing releases the suite.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
