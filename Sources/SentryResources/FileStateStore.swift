#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Logging
import SentryAPI
import SentryModels
import Synchronization

/// State in files: `<root>/<app>/<stage>/<resource id>.json`, one file per resource, each
/// written atomically (a temporary file renamed over the old one) with mode 0600 in
/// directories of mode 0700. A stack's lock is an advisory `flock` on `<stage>/.lock`, so a
/// crashed run's lock goes with its process.
public struct FileStateStore: StateStore {
    /// `SENTRY_SDK_STATE_DIR` when set, else `.sentry-sdk` in the current directory.
    public let root: URL
    private let logger: Logger

    /// A store under `root`.
    ///
    /// - Parameters:
    ///   - root: the state directory; `SENTRY_SDK_STATE_DIR`, else `.sentry-sdk` in the current directory.
    ///   - logger: where warnings about loose permissions go.
    public init(root: URL? = nil, logger: Logger = Logger(label: "sentry-sdk.state")) {
        self.root = root ?? Self.defaultRoot()
        self.logger = logger
    }

    /// `SENTRY_SDK_STATE_DIR` when set, else `.sentry-sdk` in the current directory.
    static func defaultRoot(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(fileURLWithPath: environment["SENTRY_SDK_STATE_DIR"] ?? ".sentry-sdk")
    }

    func directory(app: String, stage: String) -> URL {
        root.appendingPathComponent(Self.fileName(app)).appendingPathComponent(Self.fileName(stage))
    }

    /// A name that is safe as one path component (anything else is percent-encoded).
    static func fileName(_ name: String) -> String {
        let encoded = PercentEncoding.encode(name, keeping: { PercentEncoding.isUnreserved($0) && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "~") })
        return encoded.isEmpty ? "%" : encoded
    }

    public func stacks() async throws -> [StackName] {
        let manager = FileManager.default
        let names = { (url: URL) in ((try? manager.contentsOfDirectory(atPath: url.path)) ?? []).filter { !$0.hasPrefix(".") } }
        guard manager.fileExists(atPath: root.path) else { return [] }
        guard manager.isReadableFile(atPath: root.path), (try? manager.contentsOfDirectory(atPath: root.path)) != nil else {
            throw StateError(.unreadable, "The state directory \(root.path) cannot be read; check its permissions.")
        }
        var stacks: [StackName] = []
        for app in names(root) {
            for stage in names(root.appendingPathComponent(app)) {
                let directory = root.appendingPathComponent(app).appendingPathComponent(stage)
                guard names(directory).contains(where: { $0.hasSuffix(".json") }),
                      let appName = Self.name(fromFileName: app), let stageName = Self.name(fromFileName: stage) else { continue }
                stacks.append(StackName(app: appName, stage: stageName))
            }
        }
        return stacks.sorted()
    }

    /// The name ``fileName(_:)`` made `fileName` from; `nil` for a file name it makes from none.
    static func name(fromFileName fileName: String) -> String? {
        fileName == "%" ? "" : fileName.removingPercentEncoding
    }

    public func records(app: String, stage: String) async throws -> [ResourceRecord] {
        let directory = directory(app: app, stage: stage)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        warnIfShared(directory)
        var records: [ResourceRecord] = []
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            do {
                records.append(try JSONDecoder().decode(ResourceRecord.self, from: Data(contentsOf: url)))
            } catch {
                throw StateError(.unreadable, "The state file \(url.path) is unreadable (\(error)); restore it from a backup or delete it to let the next run adopt the resource.")
            }
        }
        return records.sorted { ($0.order, $0.id) < ($1.order, $1.id) }
    }

    public func write(_ record: ResourceRecord, app: String, stage: String) async throws {
        let directory = directory(app: app, stage: stage)
        try Self.makePrivateDirectory(directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try Self.writeAtomically(try encoder.encode(record), to: directory.appendingPathComponent(Self.fileName(record.id) + ".json"))
    }

    public func delete(id: String, app: String, stage: String) async throws {
        let url = directory(app: app, stage: stage).appendingPathComponent(Self.fileName(id) + ".json")
        do {
            try FileManager.default.removeItem(at: url)
        } catch let error as CocoaError where error.code == .fileNoSuchFile {
            return
        } catch let error as POSIXError where error.code == .ENOENT {
            return
        }
    }

    public func lock(app: String, stage: String, timeout: Duration) async throws -> any StateLock {
        let directory = directory(app: app, stage: stage)
        try Self.makePrivateDirectory(directory)
        let path = directory.appendingPathComponent(".lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StateError(.unavailable, "Cannot open the lock file \(path): \(String(cString: strerror(errno))).") }
        let deadline = ContinuousClock.now + timeout
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmed ?? ""
                close(descriptor)
                throw StateError.locked(app: app, stage: stage, holder: holder)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Say who holds it, for the message a waiting run prints.
        let holder = StateLockHolder.current + "\n"
        ftruncate(descriptor, 0)
        _ = holder.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return FileLock(descriptor: descriptor)
    }

    private func warnIfShared(_ directory: URL) {
        if let mode = (try? FileManager.default.attributesOfItem(atPath: directory.path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            logger.warning("State directory \(directory.path) can be read by other users (mode \(String(mode, radix: 8))); run chmod 700 on it.")
        }
    }

    static func makePrivateDirectory(_ directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Writes to a temporary file beside the target, then renames it over the target, so a
    /// crash leaves the old file or the new one, never half of one.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw StateError(.unavailable, "Cannot write \(temporary.path).")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw StateError(.unavailable, "Cannot replace \(url.path): \(reason).")
        }
    }
}

/// A held `flock`, released explicitly or when the process ends.
final class FileLock: StateLock, @unchecked Sendable {
    private let descriptor: Int32
    private var released = false
    private let lock = Mutex(())

    init(descriptor: Int32) { self.descriptor = descriptor }

    func release() async {
        lock.withLock { _ in
            guard !released else { return }
            released = true
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    deinit {
        if !released { close(descriptor) }
    }
}
