#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// Chooses where a stack keeps its state when it is given no store: the database named by
/// `SENTRY_SDK_STATE_URL`, else files (`SENTRY_SDK_STATE_DIR`, else `.sentry-sdk`).
///
/// A database store lives in a module of its own, so that users of file state do not link its
/// driver. Swift runs no code when a module is loaded, so that module registers its URL scheme
/// here once, at start-up:
///
/// ```swift
/// import SentryPostgresState
///
/// PostgresStateStore.register()            // postgres:// and postgresql:// URLs
/// let stack = try Stack(app: "shop", stage: "prod")   // SENTRY_SDK_STATE_URL picked up
/// ```
public enum StateStores {
    /// The environment variable that names a database for state.
    public static let urlVariable = "SENTRY_SDK_STATE_URL"

    /// Opens a store for a URL; given the URL and the logger the store should use.
    public typealias Opener = @Sendable (_ url: String, _ logger: Logger) throws -> any StateStore

    private static let openers = Mutex<[String: Opener]>([:])

    /// Makes URLs with these schemes (`postgres`) open stores through `open`.
    public static func register(schemes: [String], _ open: @escaping Opener) {
        openers.withLock { openers in
            for scheme in schemes { openers[scheme.lowercased()] = open }
        }
    }

    /// The store a location names: a URL with a registered scheme, or a directory for file
    /// state (a path, or a `file://` URL).
    ///
    /// - Throws: a ``StateError`` naming the scheme when no module registered it.
    public static func open(_ location: String, logger: Logger = Logger(label: "sentry-sdk.state")) throws -> any StateStore {
        if let directory = directory(of: location) { return FileStateStore(root: directory, logger: logger) }
        let scheme = location.firstRange(of: "://").map { location[..<$0.lowerBound].lowercased() } ?? ""
        guard let opener = openers.withLock({ $0[scheme] }) else {
            throw StateError(.invalidConfiguration, "State URLs with the scheme \"\(scheme)\" need a store that is not linked or not registered: for PostgreSQL, add the SentryPostgresState product and call PostgresStateStore.register() at start-up (or pass the stack a store).")
        }
        return try opener(location, logger)
    }

    /// The directory of file state a location names (a path, or a `file://` URL); `nil` for a
    /// URL of another scheme.
    public static func directory(of location: String) -> URL? {
        guard let schemeEnd = location.firstRange(of: "://") else { return URL(fileURLWithPath: location) }
        guard location[..<schemeEnd.lowerBound].lowercased() == "file", let url = URL(string: location), url.isFileURL else { return nil }
        return url
    }

    /// Whether the environment names a state, or the default state directory exists: what a
    /// command that only reads state (an audit) checks before reading it.
    public static func environmentHasState(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        !(environment[urlVariable] ?? "").isEmpty || environment["SENTRY_SDK_STATE_DIR"] != nil
            || FileManager.default.fileExists(atPath: FileStateStore.defaultRoot(environment).path)
    }

    /// The store the environment asks for: `SENTRY_SDK_STATE_URL` when set, else file state.
    /// When that URL cannot be opened, the store returned fails every call with the reason, so
    /// that the problem surfaces where state is first used, as one clear error.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       logger: Logger = Logger(label: "sentry-sdk.state")) -> any StateStore {
        guard let url = environment[urlVariable], !url.isEmpty else {
            return FileStateStore(root: FileStateStore.defaultRoot(environment), logger: logger)
        }
        do {
            return try open(url, logger: logger)
        } catch {
            return UnavailableStateStore(reason: StateError(.invalidConfiguration, "\(urlVariable) cannot be used: \(error)"))
        }
    }
}

/// A store that could not be opened: every call fails with the reason.
struct UnavailableStateStore: StateStore {
    let reason: StateError

    func stacks() async throws -> [StackName] { throw reason }
    func records(app: String, stage: String) async throws -> [ResourceRecord] { throw reason }
    func write(_ record: ResourceRecord, app: String, stage: String) async throws { throw reason }
    func delete(id: String, app: String, stage: String) async throws { throw reason }
    func lock(app: String, stage: String, timeout: Duration) async throws -> any StateLock { throw reason }
}
