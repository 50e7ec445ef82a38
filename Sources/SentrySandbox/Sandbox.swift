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
        for (organization, projects) in configuration.seed {
            store.seed(organization: organization, project: nil, now: now)
            for project in projects { store.seed(organization: organization, project: project, now: now) }
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
        store.seed(organization: organization, project: project, now: configuration.now())
        try persist()
    }

    /// Accepts another token.
    public func addToken(_ token: SandboxToken) { tokens[token.value] = token }

    /// Sets the URL of `Link` headers, once: the server's address, known when it is bound.
    package func setPublicURL(_ url: String) { if publicURL.isEmpty { publicURL = url } }

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
        log.append(LoggedRequest(
            method: request.method, path: request.path,
            query: request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"),
            status: response.delivery == .dropConnection && response.status == 0 ? 0 : response.status,
            operationID: route?.endpoint.operationID
        ))
        if response.delivery == .dropConnection { response.status = 0 }
        return response
    }

    private func respond(to request: SandboxRequest, route: Route?) -> SandboxResponse {
        guard let route else {
            if Route.pathExists(request.path) {
                return .detail(405, "Method \"\(request.method)\" not allowed.")
            }
            return SandboxError.notFound().response
        }
        // Authentication, then the rate limit, then scopes, as Sentry's middleware orders them.
        guard let authorization = request.headers["authorization"], authorization.lowercased().hasPrefix("bearer ") else {
            return .detail(401, "Authentication credentials were not provided.")
        }
        guard let token = tokens[String(authorization.dropFirst("bearer ".count)).trimmed] else {
            return .detail(401, "Invalid token")
        }
        let limit = rateLimit(token: token, operationID: route.endpoint.operationID)
        if let limited = limit.exceeded { return limited }
        var response: SandboxResponse
        if token.scopes.isDisjoint(with: route.endpoint.requiredScopes) {
            response = .detail(403, "You do not have permission to perform this action.")
        } else {
            response = respondWithFaults(to: request, route: route, token: token)
        }
        response.headers += limit.headers
        return response
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
