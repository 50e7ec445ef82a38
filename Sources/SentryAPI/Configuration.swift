#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Where the API is and how the client behaves. Every network default can be overridden.
public struct SentryConfiguration: Sendable {
    /// The token sent as `Authorization: Bearer ...`.
    public var authToken: Secret
    /// `https://sentry.io`, a regional host, or a self-hosted Sentry (without `/api/0`).
    public var baseURL: URL
    /// Time allowed to establish a connection.
    public var connectTimeout: Duration
    /// Time allowed for a whole request, response included.
    public var requestTimeout: Duration
    /// How many times a failed request may be retried (0: never).
    public var retryBudget: Int
    /// The first backoff; it doubles on each retry, with jitter, up to `maximumBackoff`.
    public var initialBackoff: Duration
    /// The longest backoff between two retries.
    public var maximumBackoff: Duration
    /// Requests in flight at once across the client; lowered when the server says
    /// `X-Sentry-Rate-Limit-ConcurrentLimit`.
    public var maximumConcurrentRequests: Int
    /// Debug logs of method, path, status, duration and retries (never headers or bodies).
    public var logger: Logger
    /// A PEM file of the certificate authorities to trust instead of the system's (as curl's
    /// `--cacert`): for a self-hosted Sentry behind a private authority, or the sandbox's HTTPS.
    public var trustedCertificatesFile: String?

    /// A configuration with everything given; the defaults suit sentry.io.
    ///
    /// - Parameters:
    ///   - authToken: the token sent as `Authorization: Bearer ...`.
    ///   - baseURL: the Sentry host, without `/api/0`.
    ///   - connectTimeout: time allowed to connect.
    ///   - requestTimeout: time allowed for a whole request.
    ///   - retryBudget: retries allowed for one request.
    ///   - initialBackoff: the first wait before a retry.
    ///   - maximumBackoff: the longest wait before a retry.
    ///   - maximumConcurrentRequests: requests in flight at once.
    ///   - logger: where debug logs of requests go.
    ///   - trustedCertificatesFile: a PEM file of the certificate authorities to trust instead of the system's.
    public init(
        authToken: Secret,
        baseURL: URL = SentryConfiguration.defaultBaseURL,
        connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(30),
        retryBudget: Int = 4,
        initialBackoff: Duration = .milliseconds(250),
        maximumBackoff: Duration = .seconds(30),
        maximumConcurrentRequests: Int = 8,
        logger: Logger = Logger(label: "sentry-sdk.api"),
        trustedCertificatesFile: String? = nil
    ) {
        self.authToken = authToken
        self.baseURL = baseURL
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retryBudget = retryBudget
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.maximumConcurrentRequests = maximumConcurrentRequests
        self.logger = logger
        self.trustedCertificatesFile = trustedCertificatesFile
    }

    /// `https://sentry.io`.
    public static let defaultBaseURL = URL(string: "https://sentry.io")!

    /// A configuration from the usual places: the explicit token and URL when given, else the
    /// environment (`SENTRY_AUTH_TOKEN`, `SENTRY_URL`), else `.env` in the current directory,
    /// else `~/.sentryclirc`. See `AuthTokenSource` for the order of token sources.
    public static func resolve(
        authToken: Secret? = nil, url: String? = nil, region: SentryRegion? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: @autoclosure () -> URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        homeDirectory: @autoclosure () -> URL = FileManager.default.homeDirectoryForCurrentUser
    ) throws(ConfigurationError) -> SentryConfiguration {
        let token = try AuthTokenSource.resolve(explicit: authToken, environment: environment, currentDirectory: currentDirectory(), homeDirectory: homeDirectory())
        let baseURL = try SentryRegion.baseURL(explicit: url, region: region, environment: environment)
        return SentryConfiguration(authToken: token.token, baseURL: baseURL)
    }
}

/// Sentry's data-storage regions, each with its own API host.
public enum SentryRegion: String, Sendable, CaseIterable {
    /// `us.sentry.io` and `de.sentry.io`.
    case us, de

    /// The region's API host, such as `https://de.sentry.io`.
    public var baseURL: URL { URL(string: "https://\(rawValue).sentry.io")! }

    /// The base URL: an explicit URL, else the region's host, else `SENTRY_URL` (sentry-cli's
    /// variable), else `https://sentry.io`.
    public static func baseURL(explicit: String?, region: SentryRegion?, environment: [String: String]) throws(ConfigurationError) -> URL {
        if let explicit { return try validated(explicit, source: "--url") }
        if let region { return region.baseURL }
        if let fromEnvironment = environment["SENTRY_URL"], !fromEnvironment.isEmpty {
            return try validated(fromEnvironment, source: "SENTRY_URL")
        }
        return SentryConfiguration.defaultBaseURL
    }

    private static func validated(_ text: String, source: String) throws(ConfigurationError) -> URL {
        var trimmed = Substring(text)
        while trimmed.first?.isWhitespace == true { trimmed.removeFirst() }
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        guard let url = URL(string: String(trimmed)), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil
        else {
            throw ConfigurationError(.invalidURL, "\(source) is not a usable URL (\"\(trimmed)\"): give the address of a Sentry server, such as https://sentry.example.com.")
        }
        // `https://sentry.example.com/api/0/` is accepted too; the client adds `/api/0` itself.
        var path = url.path
        if path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/api/0") { path.removeLast("/api/0".count) }
        if path == url.path { return url } // nothing to take off (the usual case)
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        components.path = path
        return components.url!
    }
}

/// Something is missing or wrong in the configuration; nothing was sent.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What is wrong, for callers that branch on it.
    public enum Kind: Sendable, Hashable {
        /// No auth token was found anywhere it is looked for.
        case missingToken
        /// An auth token was given or set, but empty.
        case emptyToken
        /// A server address is not a usable URL.
        case invalidURL
    }

    /// What is wrong.
    public var kind: Kind
    public var description: String

    /// An error of `kind` with its sentence.
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
