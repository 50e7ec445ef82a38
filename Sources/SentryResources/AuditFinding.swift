/// Something an ``OrganizationAudit`` found about a key or a project, with a stable code.
public struct AuditFinding: Codable, Sendable, Hashable {
    /// What was found; stable across versions, for `--ignore` and CI rules.
    public enum Code: String, Codable, Sendable, CaseIterable {
        /// An active key without a rate limit: one leaked DSN can spend the whole quota.
        case noRateLimit = "no-rate-limit"
        /// A key that takes no events.
        case inactive
        /// Several keys of one project share a name.
        case duplicateName = "duplicate-name"
        /// A project has more than one active key.
        case severalActiveKeys = "several-active-keys"
        /// A key older than the audit's maximum age.
        case olderThanMaxAge = "older-than-max-age"
        /// A key whose JavaScript loader serves an older major SDK version than the project offers.
        case oldLoaderSDK = "old-loader-sdk"
        /// A key that no stack of the given state tracks.
        case unmanaged
        /// A key a stack of the given state tracks that the server no longer has.
        case managedKeyMissing = "managed-key-missing"

        /// How serious the finding is.
        public var severity: Severity {
            switch self {
            case .managedKeyMissing: .error
            case .noRateLimit, .duplicateName, .olderThanMaxAge: .warning
            case .inactive, .severalActiveKeys, .oldLoaderSDK, .unmanaged: .note
            }
        }

        /// What the code means, in one sentence.
        public var summary: String {
            switch self {
            case .noRateLimit: "An active key has no rate limit."
            case .inactive: "A key is inactive and takes no events."
            case .duplicateName: "Several keys of one project share a name."
            case .severalActiveKeys: "A project has more than one active key."
            case .olderThanMaxAge: "A key is older than the maximum age."
            case .oldLoaderSDK: "A key's JavaScript loader serves an older major SDK version than the project offers."
            case .unmanaged: "No stack of the state tracks the key."
            case .managedKeyMissing: "A key a stack tracks no longer exists on the server."
            }
        }
    }

    /// How serious a finding is, from least to most (SARIF's levels).
    public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
        /// Worth knowing.
        case note
        /// Worth fixing.
        case warning
        /// Something is broken.
        case error

        /// Whether `lhs` is less serious than `rhs`.
        public static func < (lhs: Self, rhs: Self) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// What was found.
    public var code: Code
    /// How serious it is (the code's).
    public var severity: Severity
    /// The project's slug (or the id or slug a stack recorded, for a missing key).
    public var project: String
    /// The key's id; `nil` for a finding about the whole project.
    public var keyId: String?
    /// The key's name, when the server has the key.
    public var keyName: String?
    /// What was found about this key, in one line.
    public var reason: String

    /// A finding of `code` with its code's severity.
    public init(_ code: Code, project: String, keyId: String? = nil, keyName: String? = nil, reason: String) {
        self.code = code
        severity = code.severity
        self.project = project
        self.keyId = keyId
        self.keyName = keyName
        self.reason = reason
    }
}
