import Foundation

/// What the test suite produced, kept for `Scripts/check-secrets` when
/// `SENTRY_SDK_TEST_ARTIFACTS` names a directory (`.ci/run` sets it): every process output,
/// captured log, and state directory the tests made, and the tokens and key secrets they used.
/// The script then proves that no secret appears in any of it. Without the variable, nothing
/// is kept.
public enum TestArtifacts {
    public static let root: URL? = ProcessInfo.processInfo.environment["SENTRY_SDK_TEST_ARTIFACTS"].map { URL(fileURLWithPath: $0) }
    private static let lock = NSLock()

    /// Keeps a text (a process's output, log lines, error messages).
    public static func keep(_ text: String, as name: String) {
        guard let root else { return }
        let directory = root.appendingPathComponent("texts")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? Data(text.utf8).write(to: directory.appendingPathComponent("\(name)-\(UUID().uuidString).txt"))
    }

    /// Keeps a copy of a directory (a stack's state) before a test removes it.
    public static func keepDirectory(_ url: URL, as name: String) {
        guard let root, FileManager.default.fileExists(atPath: url.path) else { return }
        let directory = root.appendingPathComponent("state")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? FileManager.default.copyItem(at: url, to: directory.appendingPathComponent("\(name)-\(UUID().uuidString)"))
    }

    /// Records secrets the tests used: tokens, and the key secrets a sandbox handed out.
    public static func secrets(_ values: [String]) {
        guard let root, !values.isEmpty else { return }
        lock.withLock {
            try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let file = root.appendingPathComponent("secrets.txt")
            if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
            guard let handle = try? FileHandle(forWritingTo: file) else { return }
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: Data((values.joined(separator: "\n") + "\n").utf8))
        }
    }
}
