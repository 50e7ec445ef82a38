#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// A local Sentry keys API that behaves like sentry.io: the same paths, status codes, bodies,
/// validation rules, pagination and rate limits (see `Spec/sentry.yaml` and the rules it
/// follows), with faults a test can script.
///
/// `Sandbox` is the engine: it answers `SandboxRequest`s directly, which is how tests of the
/// rules run fast. `SandboxServer` puts it on a loopback port for real HTTP clients.
public actor Sandbox {
    /// What the sandbox was started with.
    public nonisolated let configuration: SandboxConfiguration
    var store: SandboxStore
    private var tokens: [String: SandboxToken]
    private var faults: [(operationID: String?, fault: SandboxFault, remaining: Int)] = []
    /// How many requests a fault has been applied to, since the start.
    public private(set) var faultsApplied = 0
    /// The secret of every key created since the start, deleted ones included: what a test
    /// looks for in logs, errors and state to prove that no secret leaked.
    public internal(set) var issuedSecrets: [String] = []
    private var log: [LoggedRequest] = []
    private var windows: [String: (start: Int, count: Int)] = [:]
    /// Set by the server once it knows its address, for `Link` headers.
    private var publicURL: String
    /// The address a server serves the sandbox at, once it is bound.
    private var servedURL: String?
    /// What arrived at the ingest endpoints, oldest first (the last `receivedLimit`).
    var received: [ReceivedEvent] = []
    /// Each key's rate-limit window for events: public key -> (window start, events counted).
    var keyWindows: [String: (start: Int, count: Int)] = [:]
    /// When each project (by row id) took its first error event.
    var firstEvents: [Int: Date] = [:]
    /// The projects (by row id) that took a transaction.
    var projectsWithTransactions: Set<Int> = []
    /// Each key's JSON as ordinary callers see it, by row id: encoding is most of the cost of
    /// a list, and a key's JSON changes only when the key does.
    var encodedKeys: [Int: Data] = [:]

    /// Starts a sandbox: reads `stateFile` when it exists, then adds the seeded organizations
    /// and projects that are missing.
    public init(configuration: SandboxConfiguration = SandboxConfiguration()) throws {
        self.configuration = configuration
        var store = SandboxStore()
        if let file = configuration.stateFile, FileManager.default.fileExists(atPath: file.path) {
            store = try SandboxStore.read(from: file)
        }
        let now = configuration.now()
        issuedSecrets = store.secretsOfKeys { store in
            for (organization, projects) in configuration.seed {
                store.seed(organization: organization, project: nil, now: now, defaultKey: false)
                for project in projects { store.seed(organization: organization, project: project, now: now, defaultKey: configuration.createsDefaultKeys) }
            }
        }
        self.store = store
        tokens = Dictionary(configuration.tokens.map { ($0.value, $0) }, uniquingKeysWith: { _, last in last })
        publicURL = configuration.publicURL
        try configuration.stateFile.map(store.write)
    }

    // MARK: Test controls

    /// Makes the next `times` requests to `operationID` (any operation when `nil`) fail with `fault`.
    /// Faults apply in the order they were injected.
    public func inject(_ fault: SandboxFault, on operationID: String? = nil, times: Int = 1) {
        faults.append((operationID, fault, times))
    }

    /// Removes the faults not used yet.
    public func clearFaults() { faults.removeAll() }

    /// Every request answered so far, oldest first.
    public func requestLog() -> [LoggedRequest] { log }

    /// Empties the request log.
    public func clearRequestLog() { log.removeAll() }

    /// Adds an organization and project (as `--org`/`--project` do at start).
    public func seed(organization: String, project: String) throws {
        let (now, defaultKey) = (configuration.now(), configuration.createsDefaultKeys)
        issuedSecrets += store.secretsOfKeys { $0.seed(organization: organization, project: project, now: now, defaultKey: defaultKey) }
        try persist()
    }

    /// Adds `count` projects to `organization` (`project-1`, `project-2`, ...; those that exist
    /// are kept), each given `keysPerProject` keys (`Key 1`, `Key 2`, ...), writing the state
    /// file once: an organization at the scale of a load test in a fraction of a second.
    public func seed(organization: String, projects count: Int, keysPerProject: Int, prefix: String = "project-") throws {
        let now = configuration.now()
        issuedSecrets += store.secretsOfKeys { store in
            for index in stride(from: 1, through: count, by: 1) {
                guard let project = store.seed(organization: organization, project: "\(prefix)\(index)", now: now, defaultKey: false) else { continue }
                let existing = store.keys.count { $0.projectID == project.id }
                for number in stride(from: existing + 1, through: keysPerProject, by: 1) {
                    store.addKey(projectID: project.id, label: "Key \(number)", now: now)
                }
            }
        }
        try persist()
    }

    /// Accepts another token.
    public func addToken(_ token: SandboxToken) { tokens[token.value] = token }

    /// Tells the sandbox the address a server serves it at, once it is bound: `Link` headers
    /// point there unless `publicURL` was set, and DSNs unless `ingestURL` was.
    package func served(at url: String) {
        publicURL = configuration.publicURL.isEmpty ? url : configuration.publicURL
        servedURL = url
        encodedKeys.removeAll()
    }

    /// Where DSNs point, with `{organization_id}` still to fill in.
    var ingestBase: String {
        configuration.ingestURL ?? servedURL ?? "https://o{organization_id}.ingest.sandbox.invalid"
    }

    /// The URL `Link` headers point at.
    var baseURL: String { publicURL.isEmpty ? "http://127.0.0.1" : publicURL }

    func persist() throws {
        try configuration.stateFile.map(store.write)
    }

    // MARK: Handling

    /// Answers one request.
    public func handle(_ request: SandboxRequest) -> SandboxResponse {
        let route = Route.match(method: request.method, path: request.path)
        var response = respond(to: request, route: route)
        if request.method == "HEAD" { response.body = Data() }
        log.append(LoggedRequest(
            method: request.method, path: request.path,
            // The legacy `sentry_secret` of query-string event auth is a key's secret.
            query: request.query.map { "\($0.name)=\($0.name == "sentry_secret" ? "[redacted]" : $0.value)" }.joined(separator: "&"),
            status: response.delivery == .dropConnection && response.status == 0 ? 0 : response.status,
            operationID: route?.endpoint.operationID
        ))
        if response.delivery == .dropConnection { response.status = 0 }
        return response
    }

    private func respond(to request: SandboxRequest, route: Route?) -> SandboxResponse {
        if let (projectID, endpoint) = Self.ingestEndpoint(request.path) {
            return ingest(request, projectID: projectID, endpoint: endpoint)
        }
        if request.method == "OPTIONS", let methods = Route.methods(request.path) {
            return Self.options(allowing: methods)
        }
        if request.path == Self.receivedEventsPath || request.path == Self.receivedEventsPath.dropLast() {
            switch authenticate(request) {
            case .token: return receivedEventsResponse(request)
            case .refused(let refusal): return refusal
            case .none: return Self.unauthorized("Authentication credentials were not provided.")
            }
        }
        guard let route else {
            if let methods = Route.methods(request.path) { return Self.methodNotAllowed(request.method, allowing: methods) }
            return SandboxError.notFound().response
        }
        // Authentication, then the rate limit, then scopes, as Sentry's middleware orders them.
        let token: SandboxToken?
        switch authenticate(request) {
        case .token(let found): token = found
        case .refused(let refusal): return refusal
        case .none:
            // The API root needs no token; every other operation does.
            guard route.endpoint.requiredScopes.isEmpty else { return Self.unauthorized("Authentication credentials were not provided.") }
            token = nil
        }
        let limit = token.map { rateLimit(token: $0, operationID: route.endpoint.operationID) } ?? (headers: [], exceeded: nil)
        if let limited = limit.exceeded { return limited }
        var response: SandboxResponse
        // Sentry's permission classes map each method to its scopes and have none for HEAD, so a
        // token's HEAD is refused (src/sentry/api/permissions.py, ScopedPermission); the API
        // root has no permission classes.
        let scopes = request.method == "HEAD" ? [] : route.endpoint.requiredScopes
        if let token, !route.endpoint.requiredScopes.isEmpty, token.scopes.isDisjoint(with: scopes) {
            response = .detail(403, "You do not have permission to perform this action.")
        } else if let token {
            response = respondWithFaults(to: request, route: route, token: token)
        } else {
            response = apiRoot(token: nil)
        }
        response.headers += limit.headers
        return response
    }

    /// The token of the request's `Authorization: Bearer` header, or the 401 Sentry answers for
    /// a malformed or unknown one (src/sentry/api/authentication.py).
    private func authenticate(_ request: SandboxRequest) -> Authentication {
        let words = (request.headers["authorization"] ?? "").split(whereSeparator: \.isWhitespace)
        guard let scheme = words.first, scheme.lowercased() == "bearer" else { return .none }
        guard words.count > 1 else { return .refused(Self.unauthorized("Invalid token header. No credentials provided.")) }
        guard words.count == 2 else { return .refused(Self.unauthorized("Invalid token header. Token string should not contain spaces.")) }
        guard let token = tokens[String(words[1])] else { return .refused(Self.unauthorized("Invalid token")) }
        return .token(token)
    }

    private enum Authentication {
        /// No bearer header.
        case none
        case token(SandboxToken)
        /// A bearer header that names no token, and the answer.
        case refused(SandboxResponse)
    }

    /// Django REST framework's 405, with the methods the path answers.
    static func methodNotAllowed(_ method: String, allowing methods: [String]) -> SandboxResponse {
        var response = SandboxResponse.detail(405, "Method \"\(method)\" not allowed.")
        response.headers.append(("Allow", methods.joined(separator: ", ")))
        return response
    }

    /// A 401, with the challenge Sentry's first authentication class names.
    static func unauthorized(_ message: String) -> SandboxResponse {
        var response = SandboxResponse.detail(401, message)
        response.headers.append(("WWW-Authenticate", "xBasic realm=\"api\""))
        return response
    }

    /// Sentry's answer to a preflight: 200 with no body and the CORS headers, before any
    /// authentication (src/sentry/api/base.py, `allow_cors_options`).
    static func options(allowing methods: [String]) -> SandboxResponse {
        let allowed = methods.joined(separator: ", ")
        return SandboxResponse(status: 200, headers: [
            ("Allow", allowed), ("Access-Control-Allow-Methods", allowed),
            ("Access-Control-Allow-Headers", "X-Sentry-Auth, X-Requested-With, Origin, Accept, Content-Type, Authentication, Authorization, Content-Encoding, sentry-trace, baggage, X-CSRFToken"),
            ("Access-Control-Expose-Headers", "X-Sentry-Error, X-Sentry-Direct-Hit, X-Hits, X-Max-Hits, Endpoint, Retry-After, Link"),
            ("Access-Control-Allow-Origin", "*"), ("Access-Control-Max-Age", "3600"),
        ])
    }

    private func respondWithFaults(to request: SandboxRequest, route: Route, token: SandboxToken) -> SandboxResponse {
        guard let index = faults.firstIndex(where: { $0.operationID == nil || $0.operationID == route.endpoint.operationID }) else {
            return dispatch(request, route: route, token: token)
        }
        let fault = faults[index].fault
        faultsApplied += 1
        faults[index].remaining -= 1
        if faults[index].remaining <= 0 { faults.remove(at: index) }

        switch fault {
        case .status(let status):
            return status == 500
                ? .json(500, ["detail": "Internal Error", "errorId": UUID().uuidString.replacing("-", with: "").lowercased()])
                : .detail(status, HTTPStatus.reason(status))
        case .rateLimited(let resetAfter):
            let reset = Int(configuration.now().timeIntervalSince1970) + resetAfter
            let limit = configuration.rateLimit ?? .sentry
            var response = SandboxResponse.detail(429, "You are attempting to use this endpoint too frequently. Limit is \(limit.requests) requests in \(limit.window) seconds")
            response.headers += [
                ("X-Sentry-Rate-Limit-Limit", "\(limit.requests)"), ("X-Sentry-Rate-Limit-Remaining", "0"),
                ("X-Sentry-Rate-Limit-Reset", "\(reset)"),
            ]
            return response
        case .delay(let duration):
            var response = dispatch(request, route: route, token: token)
            response.delay = duration
            return response
        case .dropBeforeApplying:
            var response = SandboxResponse(status: 0)
            response.delivery = .dropConnection
            return response
        case .dropAfterApplying:
            var response = dispatch(request, route: route, token: token)
            response.delivery = .dropConnection
            return response
        case .ignoreUpdate:
            guard route.endpoint.operationID == Operations.UpdateProjectKey.endpoint.operationID else {
                return dispatch(request, route: route, token: token)
            }
            return dispatch(SandboxRequest(method: "GET", path: request.path, query: [], headers: request.headers),
                            route: Route(endpoint: Operations.GetProjectKey.endpoint, parameters: route.parameters), token: token)
        case .malformedBody:
            var response = dispatch(request, route: route, token: token)
            response.body = Data("<html><body>Bad Gateway".utf8)
            return response
        }
    }

    /// Counts the request in its fixed window (per token and endpoint, as sentry.io counts per
    /// caller and endpoint) and returns the headers to send, or the 429 to send instead.
    private func rateLimit(token: SandboxToken, operationID: String) -> (headers: [(name: String, value: String)], exceeded: SandboxResponse?) {
        guard let limit = configuration.rateLimit else { return ([], nil) }
        let now = Int(configuration.now().timeIntervalSince1970)
        let windowStart = now - now % limit.window
        let key = token.value + " " + operationID
        var window = windows[key] ?? (windowStart, 0)
        if window.start != windowStart { window = (windowStart, 0) }
        window.count += 1
        windows[key] = window
        let remaining = max(0, limit.requests - window.count)
        let headers: [(name: String, value: String)] = [
            ("X-Sentry-Rate-Limit-Limit", "\(limit.requests)"),
            ("X-Sentry-Rate-Limit-Remaining", "\(remaining)"),
            ("X-Sentry-Rate-Limit-Reset", "\(windowStart + limit.window)"),
        ]
        guard window.count > limit.requests else { return (headers, nil) }
        var response = SandboxResponse.detail(429, "You are attempting to use this endpoint too frequently. Limit is \(limit.requests) requests in \(limit.window) seconds")
        response.headers += headers
        return (headers, response)
    }

    private func dispatch(_ request: SandboxRequest, route: Route, token: SandboxToken) -> SandboxResponse {
        if configuration.profile == .compatibleServer, let answer = compatibleServerResponse(request, route: route) { return answer }
        do {
            switch route.endpoint.operationID {
            case Operations.GetAPIRoot.endpoint.operationID: return apiRoot(token: token)
            case Operations.ListYourProjects.endpoint.operationID: return try listYourProjects(request)
            case Operations.ListOrganizations.endpoint.operationID: return try listOrganizations(request)
            case Operations.GetOrganization.endpoint.operationID: return try getOrganization(route)
            case Operations.ListOrganizationProjects.endpoint.operationID: return try listOrganizationProjects(request, route)
            case Operations.GetProject.endpoint.operationID: return try getProject(route)
            case Operations.ListProjectKeys.endpoint.operationID: return try listProjectKeys(request, route, token)
            case Operations.CreateProjectKey.endpoint.operationID: return try createProjectKey(request, route, token)
            case Operations.GetProjectKey.endpoint.operationID: return try getProjectKey(route, token)
            case Operations.UpdateProjectKey.endpoint.operationID: return try updateProjectKey(request, route, token)
            case Operations.DeleteProjectKey.endpoint.operationID: return try deleteProjectKey(route, token)
            case Operations.ListOrganizationProjectKeys.endpoint.operationID: return try listOrganizationProjectKeys(request, route, token)
            default: return SandboxError.notFound().response
            }
        } catch {
            return error.response
        }
    }
}

/// Reason phrases for the statuses faults produce.
enum HTTPStatus {
    static func reason(_ status: Int) -> String {
        switch status {
        case 500: "Internal Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Error \(status)"
        }
    }
}

extension Sandbox {
    /// Sends a request straight to the engine, as a client with `token` would: for tests that
    /// arrange state or change keys behind the SDK's back.
    @discardableResult
    public func request(_ method: String, _ path: String, query: [QueryItem] = [], body: String? = nil, token: String?) -> SandboxResponse {
        var headers: [String: String] = [:]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return handle(SandboxRequest(method: method, path: path, query: query, headers: headers, body: Data((body ?? "").utf8)))
    }
}
