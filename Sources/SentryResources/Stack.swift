#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import SentryAPI

/// A named set of resources (an app and a stage) that owns their state: what a run declares
/// is created or brought up to date; what an earlier run declared and this one does not is
/// deleted when the stack finishes.
///
/// ```swift
/// let stack = try Stack(app: "shop", stage: "prod")
/// try await stack.run {
///     let key = try await ClientKey("web", name: "Web", project: "web", organization: "my-org")
///     print(key.dsn.public)
/// }
/// ```
public actor Stack {
    /// Whether a run changes anything.
    public enum Mode: Sendable, Equatable {
        /// Create, update and delete on the server, and record state.
        case apply
        /// Read the server and report what `apply` would do; write nothing.
        case plan
    }

    /// What a run did (or, in `.plan`, would do) to one resource.
    public struct Change: Sendable, Equatable, Codable, CustomStringConvertible {
        /// What happened to a resource.
        public enum Action: String, Sendable, Codable {
            /// A new key was created.
            case create
            /// A key was changed in place.
            case update
            /// A key was created anew (its organization or project changed) and the old one deleted.
            case replace
            /// A key the stack no longer declares was deleted.
            case delete
            /// An existing key of that name was taken over.
            case adopt
            /// A successor key was made; the old one is retired by later runs.
            case rotate
            /// The key was as declared.
            case noChange = "no change"
        }
        /// The resource's id in the stack.
        public var resource: String
        /// What was done.
        public var action: Action
        /// For updates: `field: old -> new`, without secrets.
        public var fields: [String]
        /// Why, when it is not the plain consequence of the props (drift, a deleted key).
        public var reason: String?

        /// A change; each parameter is the property of the same name.
        public init(resource: String, action: Action, fields: [String], reason: String?) {
            self.resource = resource
            self.action = action
            self.fields = fields
            self.reason = reason
        }

        /// Whether the change retires a rotation's predecessor, as its declaration asked (so a
        /// deletion of it needs no confirmation).
        public var retiresPredecessor: Bool { resource.contains(Retirement.marker) }

        public var description: String {
            var text = "\(action.rawValue) \(resource)"
            if !fields.isEmpty { text += " (" + fields.joined(separator: ", ") + ")" }
            if let reason { text += ": \(reason)" }
            return text
        }
    }

    /// The application the stack belongs to (`shop`).
    public nonisolated let app: String
    /// The stage (`prod`, `staging`, a developer's name).
    public nonisolated let stage: String
    /// Whether runs change anything.
    public nonisolated let mode: Mode
    let store: any StateStore
    let sealer: SecretSealer?
    let logger: Logger
    private let makeConfiguration: @Sendable (Secret?) throws -> SentryConfiguration
    private let transport: (any HTTPTransport)?
    /// Whether this part of the run writes: `mode == .apply`, except while ``apply(_:lockTimeout:confirm:)``
    /// makes its plan.
    private(set) var writes: Bool

    /// The clock rotations are timed by.
    nonisolated let now: @Sendable () -> Date
    /// Keys to rotate in the next run that declares them (``rotate(_:)``).
    private var rotationRequests: Set<String> = []
    private var clients: [String: SentryClient] = [:]
    private var records: [String: ResourceRecord] = [:]
    private var loaded = false
    private var declared: [String] = []
    /// The tokens keys were declared with (`authToken`), which also retire their predecessors.
    private var declaredTokens: [String: Secret] = [:]
    private var nextOrder = 0
    /// Keys of each project, read once per run: `organization/project` -> keys.
    private var projectKeys: [String: [ProjectKey]] = [:]
    private(set) var changes: [Change] = []

    /// A stack; nothing is read or sent until it runs.
    ///
    /// - Parameters:
    ///   - app: the application's name; with `stage`, it names the state and the lock.
    ///   - stage: the stage, such as `prod`.
    ///   - mode: `.apply` changes things; `.plan` only reports what would change.
    ///   - store: where state lives; by default the database in `SENTRY_SDK_STATE_URL` when it
    ///     is set (see ``StateStores``), else files under `.sentry-sdk/<app>/<stage>/`.
    ///   - password: seals key secrets in state; `SENTRY_SDK_PASSWORD` when `nil`. Without one,
    ///     secrets are not stored and are read from the server when asked for.
    ///   - logger: where the stack reports what it does.
    ///   - configuration: the API configuration for a given auth token (`nil`: the usual
    ///     sources); `SentryConfiguration.resolve` by default.
    ///   - transport: what carries the stack's requests, for every client it makes (an
    ///     in-process sandbox in tests); async-http-client when `nil`. The stack does not shut
    ///     it down.
    ///   - now: the clock that times rotations; the system's by default.
    public init(
        app: String, stage: String, mode: Mode = .apply, store: (any StateStore)? = nil, password: Secret? = nil,
        logger: Logger = Logger(label: "sentry-sdk.stack"),
        configuration: (@Sendable (Secret?) throws -> SentryConfiguration)? = nil,
        transport: (any HTTPTransport)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.now = now
        guard !app.allSatisfy(\.isWhitespace) else { throw InvalidProp(field: "app", rule: "must not be empty") }
        guard !stage.allSatisfy(\.isWhitespace) else { throw InvalidProp(field: "stage", rule: "must not be empty") }
        self.app = app
        self.stage = stage
        self.mode = mode
        self.store = store ?? StateStores.fromEnvironment()
        sealer = try password.map { try SecretSealer(password: $0) } ?? SecretSealer.fromEnvironment()
        self.logger = logger
        makeConfiguration = configuration ?? { token in try SentryConfiguration.resolve(authToken: token) }
        self.transport = transport
        writes = mode == .apply
    }

    /// The stack that resources declared outside `run` belong to: app `default`, stage
    /// `default`, file state in `.sentry-sdk/`, credentials from the environment.
    public static let `default`: Stack = try! Stack(app: "default", stage: "default")

    @TaskLocal static var current: Stack?

    /// Runs `body` with this stack as the one resources belong to, holding the stack's lock;
    /// then deletes what earlier runs declared and this one did not. Returns what changed.
    @discardableResult
    public func run(lockTimeout: Duration = .seconds(30), _ body: @Sendable () async throws -> Void) async throws -> [Change] {
        try await locked(lockTimeout) {
            try await Stack.$current.withValue(self) { try await body() }
            try await finish()
        }
        return changes
    }

    /// Deletes every resource the stack has state for. Returns what changed.
    @discardableResult
    public func destroy(lockTimeout: Duration = .seconds(30)) async throws -> [Change] {
        try await locked(lockTimeout) {
            try await loadRecords()
            declared = []
            try await finish()
        }
        return changes
    }

    /// Asks for a rotation of the key declared as `id`, now: the next run that declares it makes
    /// its successor, whatever its `rotation` says (a key without one has its predecessor
    /// deactivated in that run).
    public func rotate(_ id: String) {
        rotationRequests.insert(id)
    }

    /// Removes the sealed secrets from the stack's state, keeping everything else: the way back
    /// when the password they were sealed with is lost. It needs no password and sends no
    /// request; the next run, under the new password, reads the secrets from the server again
    /// (Sentry returns them with every key) and seals them anew. Returns how many were removed.
    @discardableResult
    public func forgetStoredSecrets(lockTimeout: Duration = .seconds(30)) async throws -> Int {
        var removed = 0
        try await locked(lockTimeout) {
            for var record in try await store.records(app: app, stage: stage) where !record.secrets.isEmpty {
                removed += record.secrets.count
                record.secrets = [:]
                try await store.write(record, app: app, stage: stage)
            }
        }
        return removed
    }

    /// Holds the stack's lock around `body`; afterwards, whatever happened, releases it and
    /// closes the API clients.
    func locked(_ timeout: Duration, _ body: () async throws -> Void) async throws {
        let lock = try await store.lock(app: app, stage: stage, timeout: timeout)
        // Each run starts afresh from the stored state, which another process may have changed
        // since this stack's last run.
        startPass(writes: mode == .apply, rereadServer: true)
        records = [:]
        loaded = false
        defer { writes = mode == .apply }
        do {
            try await body()
        } catch {
            await lock.release()
            await shutdownClients()
            throw error
        }
        await lock.release()
        await shutdownClients()
    }

    /// Starts a pass over the declarations: nothing declared or changed yet. The server's
    /// listings are kept when `rereadServer` is false (an apply right after its own plan).
    func startPass(writes: Bool, rereadServer: Bool) {
        self.writes = writes
        declared = []
        declaredTokens = [:]
        changes = []
        if rereadServer { projectKeys = [:] }
    }

    // MARK: Used by resources

    func loadRecords() async throws {
        guard !loaded else { return }
        for record in try await store.records(app: app, stage: stage) {
            records[record.id] = record
            nextOrder = max(nextOrder, record.order + 1)
        }
        // A password that does not open what is stored is found now, before anything changes,
        // rather than leaving state sealed under two passwords.
        if let sealer, let sealed = records.values.lazy.compactMap({ $0.secrets.values.first }).first {
            _ = try sealer.open(sealed)
        }
        loaded = true
    }

    func declare(_ id: String, authToken: Secret?) throws {
        guard !id.allSatisfy(\.isWhitespace) else { throw InvalidProp(field: "id", rule: "must not be empty") }
        guard !declared.contains(id) else {
            throw InvalidProp(field: "id", rule: "\"\(id)\" is declared twice in the stack \(app)/\(stage); ids must be unique")
        }
        declared.append(id)
        declaredTokens[id] = authToken
    }

    /// The token the key declared as `id` was declared with in this pass, if any.
    func authToken(declaring id: String) -> Secret? { declaredTokens[id] }

    func record(_ id: String) -> ResourceRecord? { records[id] }

    func save(_ record: ResourceRecord) async throws {
        guard writes else { return }
        var record = record
        if record.order < 0 {
            record.order = nextOrder
            nextOrder += 1
        }
        try await store.write(record, app: app, stage: stage)
        records[record.id] = record
    }

    func forget(_ id: String) async throws {
        guard writes else { return }
        try await store.delete(id: id, app: app, stage: stage)
        records[id] = nil
    }

    func report(_ change: Change) {
        changes.append(change)
        logger.debug("\(change.description)")
    }

    /// Reports `change` in place of a "no change" just reported for its resource (a rotation
    /// of a key that was up to date), else after what was reported.
    func supersede(with change: Change) {
        if let index = changes.lastIndex(where: { $0.resource == change.resource }), changes[index].action == .noChange {
            changes[index] = change
            logger.debug("\(change.description)")
        } else {
            report(change)
        }
    }

    /// Whether this pass made `resource`'s key (created it, or anew in another project).
    func madeInThisPass(_ resource: String) -> Bool {
        guard let action = changes.last(where: { $0.resource == resource })?.action else { return false }
        return action == .create || action == .replace
    }

    /// Adds a note to the reason of the last change reported for `resource`.
    func note(_ text: String, on resource: String) {
        guard let index = changes.lastIndex(where: { $0.resource == resource }) else { return }
        changes[index].reason = changes[index].reason.map { "\($0); \(text)" } ?? text
    }

    /// Whether a rotation of `id` was asked for, and the request taken (one rotation each).
    func takeRotationRequest(_ id: String) -> Bool {
        writes ? rotationRequests.remove(id) != nil : rotationRequests.contains(id)
    }

    func client(for token: Secret?) throws -> SentryClient {
        let key = token?.revealed ?? ""
        if let client = clients[key] { return client }
        let client = SentryClient(configuration: try makeConfiguration(token), transport: transport)
        clients[key] = client
        return client
    }

    /// The keys of a project, read with one listing per project per run.
    func keys(organization: String, project: String, client: SentryClient) async throws -> [ProjectKey] {
        let cacheKey = organization + "/" + project
        if let cached = projectKeys[cacheKey] { return cached }
        let keys = try await ProjectKeys(organization: organization, project: project, client: client).list()
        projectKeys[cacheKey] = keys
        return keys
    }

    /// Keeps the per-run listing in step with a write.
    func remember(_ key: ProjectKey, organization: String, project: String) {
        let cacheKey = organization + "/" + project
        guard var keys = projectKeys[cacheKey] else { return }
        keys.removeAll { $0.id == key.id }
        keys.insert(key, at: 0)
        projectKeys[cacheKey] = keys
    }

    /// Drops a project's listing, so the next look reads the server again.
    func forgetListing(organization: String, project: String) {
        projectKeys[organization + "/" + project] = nil
    }

    /// The key ids the stack's records point at.
    func trackedKeyIDs() -> Set<String> {
        Set(records.values.compactMap { $0.string("keyId") })
    }

    func forgetKey(_ id: String, organization: String, project: String) {
        projectKeys[organization + "/" + project]?.removeAll { $0.id == id }
    }

    // MARK: Finishing

    func finish() async throws {
        try await loadRecords()
        // A rotation's predecessor stays while the key it served is declared, retired by its times.
        let retiring = records.values.filter { $0.string("retiredBy").map(declared.contains) ?? false }.sorted { $0.order < $1.order }
        let stale = records.values.filter { !declared.contains($0.id) && !retiring.map(\.id).contains($0.id) }.sorted { $0.order > $1.order }
        var failures: [String] = []
        for record in retiring {
            do {
                try await Retirement.advance(record, in: self)
            } catch {
                failures.append("\(record.id): \(error)")
            }
        }
        for record in stale {
            do {
                try await ClientKey.delete(record, in: self)
            } catch {
                failures.append("\(record.id): \(error)")
            }
        }
        if !failures.isEmpty {
            throw StateError(.incomplete, "Some resources could not be deleted and stay in state: \(failures.joined(separator: "; "))")
        }
    }

    private func shutdownClients() async {
        // A transport given to the stack belongs to whoever gave it.
        if transport == nil { for client in clients.values { try? await client.shutdown() } }
        clients = [:]
    }
}
