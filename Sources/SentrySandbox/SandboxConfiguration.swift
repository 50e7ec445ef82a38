#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An auth token the sandbox accepts, with the scopes it grants.
public struct SandboxToken: Sendable, Hashable {
    /// Every scope the key, organization and project operations check.
    public static let allScopes: Set<String> = [
        "org:read", "org:write", "org:admin", "project:read", "project:write", "project:admin",
    ]

    /// The token's text, as sent in `Authorization: Bearer ...`.
    public var value: String
    /// The scopes granted (`project:write`, ...).
    public var scopes: Set<String>
    /// Superusers see and create keys of Sentry's internal use cases (`useCase` other than `user`).
    public var isSuperuser: Bool

    /// A token; by default with every scope and no superuser rights.
    public init(_ value: String, scopes: Set<String> = SandboxToken.allScopes, isSuperuser: Bool = false) {
        self.value = value
        self.scopes = scopes
        self.isSuperuser = isSuperuser
    }
}

/// Sentry's request rate limit, as sentry.io applies it per caller and endpoint.
public struct SandboxRateLimit: Sendable, Hashable {
    /// Requests allowed per window.
    public var requests: Int
    /// Window length in seconds.
    public var window: Int

    /// A limit of `requests` per `window` seconds.
    public init(requests: Int, window: Int = 1) {
        self.requests = requests
        self.window = window
    }

    /// sentry.io's limit for the key endpoints: 40 requests a second.
    public static let sentry = SandboxRateLimit(requests: 40, window: 1)
}

/// Which server a sandbox behaves as.
public enum SandboxProfile: String, Sendable, CaseIterable {
    /// sentry.io: Sentry's fields, ids, cursors, rules and messages.
    case sentry
    /// A Sentry-compatible open-source server, as observed on one: keys with `projectID` and
    /// without `secret`, `isActive`, loader or use case, DSNs with `public`, `secret` and
    /// `security` only; dashed UUID ids, key paths that need them in lower case with a trailing
    /// slash (else 500); pages of `limit` keys (50, at most 100) with an opaque base64 cursor,
    /// `X-Hits` and the `Link` header printed as a Python set; updates answered 200 and ignored;
    /// a missing name, a name over 64 characters or a number over 32767 answered 500; deletes
    /// answered 204 with a JSON content type; an unknown project listed as `[]`; validation
    /// errors as 422 `{"detail": [{"loc": [...], "msg": ...}]}`. Organizations and projects
    /// answer as Sentry's.
    case compatibleServer = "compatible-server"
}

/// How a sandbox starts.
public struct SandboxConfiguration: Sendable {
    /// Organization slug -> project slugs, created at start when missing.
    public var seed: [(organization: String, projects: [String])]
    /// The tokens accepted; requests without one of them get 401.
    public var tokens: [SandboxToken]
    /// Where DSNs point; `{organization_id}` is replaced by the organization's numeric id.
    /// `nil`: at the sandbox itself once a server serves it (its ingest endpoints take the
    /// events), else at `https://o{organization_id}.ingest.sandbox.invalid`.
    public var ingestURL: String?
    /// Whether each project the sandbox creates gets a key named "Default", as Sentry gives
    /// every new project one.
    public var defaultKeys: Bool
    /// `nil`: no rate limiting (like self-hosted Sentry).
    public var rateLimit: SandboxRateLimit?
    /// A JSON file that keeps the sandbox's state across restarts (written after every change).
    public var stateFile: URL?
    /// Where `Link` headers point, e.g. `http://127.0.0.1:9000` (the server sets it to its own
    /// address when empty).
    public var publicURL: String
    /// The clock, replaceable in tests of rate limits.
    public var now: @Sendable () -> Date
    /// Which server the key routes behave as.
    public var profile: SandboxProfile

    /// Whether new projects get a "Default" key: Sentry's behaviour, not the compatible server's.
    var createsDefaultKeys: Bool { defaultKeys && profile == .sentry }

    /// A configuration; each parameter is the property of the same name.
    public init(
        seed: [(organization: String, projects: [String])] = [],
        tokens: [SandboxToken] = [],
        ingestURL: String? = nil,
        defaultKeys: Bool = true,
        rateLimit: SandboxRateLimit? = nil,
        stateFile: URL? = nil,
        publicURL: String = "",
        now: @escaping @Sendable () -> Date = { Date() },
        profile: SandboxProfile = .sentry
    ) {
        self.seed = seed
        self.tokens = tokens
        self.ingestURL = ingestURL
        self.defaultKeys = defaultKeys
        self.rateLimit = rateLimit
        self.stateFile = stateFile
        self.publicURL = publicURL
        self.now = now
        self.profile = profile
    }
}

/// A failure a test scripts into the sandbox, to exercise clients under trouble.
public enum SandboxFault: Sendable, Equatable {
    /// Answer with this status (500, 502, 503, ...) and Sentry's error body, changing nothing.
    case status(Int)
    /// Answer 429 with rate-limit headers saying the window resets after this many seconds.
    case rateLimited(resetAfter: Int)
    /// Wait this long, then handle the request normally.
    case delay(Duration)
    /// Close the connection before the request is applied: nothing changes.
    case dropBeforeApplying
    /// Apply the request, then close the connection without answering: the client cannot
    /// know whether its change happened.
    case dropAfterApplying
    /// Apply the request, then answer its status with a body that is not JSON.
    case malformedBody
    /// Answer an update as if it succeeded, without changing anything (as some
    /// Sentry-compatible servers do with fields they do not support).
    case ignoreUpdate
}
