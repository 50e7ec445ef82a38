#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI

/// A Sentry client key (DSN) declared as code: created on the first run, brought back to its
/// props on every later run (updated in place, re-created if deleted outside the SDK), adopted
/// by name when asked, and deleted when its stack no longer declares it.
///
/// ```swift
/// let key = try await ClientKey("rate-limited-key",
///     name: "Rate Limited Key", project: "my-project", organization: "my-org",
///     rateLimit: .init(window: 3600, count: 1000))
/// print(key.dsn.public)
/// ```
public struct ClientKey: Sendable {
    /// The `type` of a client key's state records.
    static let recordType = "ClientKey"

    /// The DSNs of a key: every address of `ProjectKeyDSN` (`dsn.public`, `dsn.csp`, ...),
    /// except that the legacy DSN with the key's secret is a `Secret`.
    @dynamicMemberLookup
    public struct DSN: Sendable, Equatable {
        /// The DSN with the secret key, for legacy SDKs; `nil` when the server does not send it.
        public let secret: Secret?
        /// Every DSN of the key but the secret one (`addresses.secret` is `nil`), to encode or
        /// list them all.
        public let addresses: ProjectKeyDSN

        init(_ dsn: ProjectKeyDSN?) {
            secret = dsn?.secret.map { Secret($0) }
            var addresses = dsn ?? ProjectKeyDSN(public: "")
            addresses.secret = nil
            self.addresses = addresses
        }

        /// Every other DSN of the key (`dsn.public`, `dsn.csp`, `dsn.otlpTraces`, ...).
        public subscript<Value>(dynamicMember keyPath: KeyPath<ProjectKeyDSN, Value>) -> Value {
            addresses[keyPath: keyPath]
        }
    }

    /// The key's id (on sentry.io, its public key).
    public let id: String
    /// The key's name.
    public let name: String
    /// The key's label (Sentry stores the name here too).
    public let label: String
    /// The public key, part of every DSN.
    public let `public`: String
    /// The secret half of the key (legacy SDKs only).
    public let secret: Secret?
    /// The numeric id of the key's project.
    public let projectId: Int
    /// Whether the key accepts events.
    public let isActive: Bool
    /// The key's rate limit, if it has one.
    public let rateLimit: RateLimit?
    /// The key's DSNs.
    public let dsn: DSN
    /// The JavaScript SDK version the loader serves.
    public let browserSdkVersion: String?
    /// The JavaScript SDK versions the loader can serve.
    public let browserSdk: BrowserSDK?
    /// When the key was created.
    public let dateCreated: DateTime?
    /// The features the JavaScript loader turns on.
    public let dynamicSdkLoaderOptions: DynamicSDKLoaderOptions?
    /// True for a key a `.plan` run would create: it has no server values yet.
    public let isPlanned: Bool

    /// Declares a key in the current stack (the one `Stack.run` set, else `Stack.default`) and
    /// brings the server to it.
    /// - Parameters:
    ///   - id: the key's id in the stack; unique per stack.
    ///   - name: at most 64 characters; `<app>-<stage>-<id>` when omitted.
    ///   - project: the slug of the project that owns the key.
    ///   - organization: the id or slug of the project's organization.
    ///   - rateLimit: events per window (0...86400 seconds); `nil` removes a rate limit.
    ///   - useCase: honoured by Sentry for superusers only.
    ///   - authToken: overrides the environment's token for this key.
    ///   - adopt: with no state yet, take over an existing key of the same name.
    ///   - isActive: whether the key accepts events.
    ///   - browserSdkVersion: the JavaScript SDK version the loader serves; Sentry's default when `nil`.
    ///   - dynamicSdkLoaderOptions: loader features to turn on or off; unset ones are left alone.
    ///   - rotation: when the key is replaced by a successor, and how the old key is retired.
    ///   - rotateBefore: rotate the key once this date has come if it was made before it (a key
    ///     that may have leaked by then); the rotation's grace applies, none without one.
    ///   - stack: the stack the key belongs to; the current one when `nil`.
    public init(
        _ id: String, name: String? = nil, project: String, organization: String,
        rateLimit: RateLimit? = nil, useCase: UseCase? = nil, authToken: Secret? = nil, adopt: Bool = false,
        isActive: Bool = true, browserSdkVersion: BrowserSDKVersion? = nil,
        dynamicSdkLoaderOptions: DynamicSDKLoaderOptions? = nil, rotation: Rotation? = nil, rotateBefore: Date? = nil,
        stack: Stack? = nil
    ) async throws {
        let problems = ClientKeyRules.problems(
            organization: organization, project: project, name: name,
            rateLimitWindow: rateLimit?.window, rateLimitCount: rateLimit?.count, useCase: useCase,
            browserSdkVersion: browserSdkVersion
        )
        if let problem = rotation?.problem { throw problem }
        if let first = problems.first {
            throw problems.count == 1 ? first : InvalidProp(field: first.field, rule: first.rule + "; also " + problems.dropFirst().map(\.description).joined(separator: " "))
        }
        let stack = stack ?? Stack.current ?? Stack.default
        let props = Props(
            id: id, name: name ?? Self.defaultName(app: stack.app, stage: stack.stage, id: id),
            organization: organization, project: project, rateLimit: rateLimit, useCase: useCase, isActive: isActive,
            browserSdkVersion: browserSdkVersion, loaderOptions: dynamicSdkLoaderOptions, adopt: adopt,
            rotation: rotation, rotateBefore: rotateBefore
        )
        try await stack.declare(id, authToken: authToken)
        try await stack.loadRecords()
        let reconciler = Reconciler(stack: stack, client: try await stack.client(for: authToken), props: props)
        self.init(try await reconciler.run(), planned: false)
    }

    init(_ key: ProjectKey?, planned: Bool) {
        id = key?.id ?? ""
        name = key?.name ?? ""
        label = key?.label ?? ""
        `public` = key?.public ?? ""
        secret = key?.secret.map { Secret($0) }
        projectId = key?.projectId ?? 0
        isActive = key?.isActive ?? true
        rateLimit = key?.rateLimit
        dsn = DSN(key?.dsn)
        browserSdkVersion = key?.browserSdkVersion?.rawValue
        browserSdk = key?.browserSdk
        dateCreated = key?.dateCreated
        dynamicSdkLoaderOptions = key?.dynamicSdkLoaderOptions
        isPlanned = planned || key == nil
    }

    /// `<app>-<stage>-<id>`, shortened to Sentry's 64 characters when needed.
    static func defaultName(app: String, stage: String, id: String) -> String {
        let full = "\(app)-\(stage)-\(id)"
        guard let limit = ClientKeyRules.maximumNameLength, full.count > limit else { return full }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in full.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(full.prefix(limit - 9)) + "-" + String(String(hash, radix: 16).prefix(8))
    }

    /// The declared props, as the reconciler compares them.
    struct Props: Sendable {
        var id: String
        var name: String
        var organization: String
        var project: String
        var rateLimit: RateLimit?
        var useCase: UseCase?
        var isActive: Bool
        var browserSdkVersion: BrowserSDKVersion?
        var loaderOptions: DynamicSDKLoaderOptions?
        var adopt: Bool
        var rotation: Rotation?
        var rotateBefore: Date?
    }

    /// Deletes the key a record names (404 counts as done), then its record; `authToken`: the
    /// token to send, when not the stack's own.
    static func delete(_ record: ResourceRecord, in stack: Stack, authToken: Secret? = nil, reason: String? = nil) async throws {
        guard case .string(let organization)? = record.attributes["organization"],
              case .string(let project)? = record.attributes["project"]
        else {
            try await stack.forget(record.id)
            return
        }
        await stack.report(Stack.Change(resource: record.id, action: .delete, fields: [], reason: reason))
        guard await stack.writes else { return }
        if case .string(let keyID)? = record.attributes["keyId"] {
            let client = try await stack.client(for: authToken)
            let result = await client.result(of: Operations.DeleteProjectKey(organizationIdOrSlug: organization, projectIdOrSlug: project, keyId: keyID))
            // Already gone (404) is what was wanted.
            if case .failure(let error) = result, error.kind != .notFound { throw error }
            await stack.forgetKey(keyID, organization: organization, project: project)
        }
        try await stack.forget(record.id)
    }
}
