#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import SentryModels

/// Sends the generated operations to Sentry and returns their typed responses.
///
/// Credentials, hosts, retries, rate limits, concurrency, pagination and errors are handled
/// here once. A `POST` is sent again only when it surely never reached the server; when its
/// answer is lost it fails with `.outcomeUnknown`, so that the caller can check what happened
/// instead of creating a duplicate.
///
/// ```swift
/// let client = SentryClient(configuration: try SentryConfiguration.resolve())
/// let key = try await client.send(Operations.CreateProjectKey(
///     organizationIdOrSlug: "my-org", projectIdOrSlug: "web", body: CreateProjectKeyRequest(name: "Web")))
/// try await client.shutdown()
/// ```
public final class SentryClient: Sendable {
    /// How the client connects, authenticates and retries.
    public let configuration: SentryConfiguration
    let transport: any HTTPTransport
    let limiter: ConcurrencyLimiter
    /// `https://sentry.io`, without a trailing slash.
    private let baseURLString: String
    /// The headers of every request: the token, `Accept` and `User-Agent`.
    private let commonHeaders: [(name: String, value: String)]
    /// The rate-limit window each operation is in: a request that would be refused waits
    /// instead of costing a 429.
    private let windows = RateWindows()

    /// A client; it opens connections when the first request is sent.
    ///
    /// - Parameters:
    ///   - configuration: the token, host, timeouts and retry budget.
    ///   - transport: the HTTP layer; async-http-client unless a test gives another.
    public init(configuration: SentryConfiguration, transport: (any HTTPTransport)? = nil) {
        self.configuration = configuration
        self.transport = transport ?? AsyncHTTPClientTransport(
            connectTimeout: configuration.connectTimeout, http1Only: configuration.baseURL.scheme?.lowercased() == "http",
            trustedCertificatesFile: configuration.trustedCertificatesFile)
        limiter = ConcurrencyLimiter(limit: configuration.maximumConcurrentRequests)
        baseURLString = configuration.baseURL.absoluteString.trimmingSuffix("/")
        commonHeaders = [
            ("Authorization", "Bearer \(configuration.authToken.revealed)"),
            ("Accept", "application/json"),
            ("User-Agent", "sentry-sdk-swift/0.1"),
        ]
    }

    /// Closes the connections. Call it once, when done with the client.
    public func shutdown() async throws {
        try await transport.shutdown()
    }

    /// Runs `body` on the client's network thread, for many requests made one after another.
    ///
    /// Every `send` already waits for its response on the thread where it arrives; from an
    /// ordinary task it still costs two hops between threads (there and back). Inside `body`,
    /// the calling task stays on that thread between requests, so a long sequential loop does
    /// not pay them. Keep `body` to sending and light work: CPU-heavy work in it delays the
    /// connections it shares the thread with. With a transport that has no executor of its
    /// own, `body` simply runs.
    ///
    /// ```swift
    /// let keys = try await client.withAffinity {
    ///     var keys: [ProjectKey] = []
    ///     for id in ids { keys.append(try await client.send(Operations.GetProjectKey(
    ///         organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: id))) }
    ///     return keys
    /// }
    /// ```
    public func withAffinity<Result, Failure: Error>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        try await withTaskExecutorPreference(transport.executor, isolation: isolation, operation: body)
    }

    /// Sends an operation and returns its success response.
    public func send<Operation: APIOperation>(_ operation: Operation) async throws(SentryError) -> Operation.Response {
        try Self.decode(Operation.self, from: try await perform(try makeRequest(operation), endpoint: Operation.endpoint))
    }

    /// Sends an operation that fetches a page of a list (for `items`), asking for a compressed
    /// answer; returns the answer undecoded, so that the next page can be asked for first.
    func fetchPage<Operation: APIOperation>(_ operation: Operation) async -> Result<TransportResponse, SentryError> {
        do throws(SentryError) {
            var request = try makeRequest(operation)
            request.acceptsCompression = true
            return .success(try await perform(request, endpoint: Operation.endpoint))
        } catch {
            return .failure(error)
        }
    }

    /// Sends a request until it succeeds (a 2xx response), fails for good, or the retry budget
    /// is spent. Not generic: only building the request and decoding the answer depend on the
    /// operation; the retries, rate limits and logs are one piece of code for all of them.
    private func perform(_ request: TransportRequest, endpoint: Endpoint) async throws(SentryError) -> TransportResponse {
        let isPost = endpoint.method == .post
        var attempt = 0
        while true {
            try await admit(endpoint.operationID)
            await limiter.acquire()
            let started = ContinuousClock.now
            let result: Result<TransportResponse, TransportFailure>
            do {
                result = .success(try await transport.send(request))
            } catch {
                result = .failure(error)
            }
            limiter.release()
            let elapsed = ContinuousClock.now - started
            let headers = (try? result.get())?.headers
            windows.answered(endpoint.operationID, remaining: headers?["x-sentry-rate-limit-remaining"].flatMap(Int.init),
                             reset: headers.flatMap(Self.resetDate), limit: headers?["x-sentry-rate-limit-limit"].flatMap(Int.init))

            let response: TransportResponse
            switch result {
            case .failure(let failure):
                let (reason, mayHaveBeenApplied) = switch failure {
                case .notSent(let reason): (reason, false)
                case .answerLost(let reason): (reason, true)
                case .certificateNotTrusted(let reason):
                    throw SentryError(kind: .untrustedCertificate, operationID: endpoint.operationID, underlying: reason)
                }
                log(endpoint, status: nil, elapsed: elapsed, attempt: attempt, note: mayHaveBeenApplied ? "answer lost" : "not sent")
                if isPost && mayHaveBeenApplied {
                    throw SentryError(kind: .outcomeUnknown, operationID: endpoint.operationID, underlying: reason)
                }
                guard attempt < configuration.retryBudget else {
                    throw SentryError(kind: .transport, operationID: endpoint.operationID, underlying: reason)
                }
                await pause(backoff(attempt: attempt))
                attempt += 1
                continue
            case .success(let received):
                response = received
            }
            log(endpoint, status: response.status, elapsed: elapsed, attempt: attempt, note: nil)
            if let concurrent = response.headers["x-sentry-rate-limit-concurrentlimit"].flatMap(Int.init) {
                limiter.lower(to: concurrent)
            }

            switch response.status {
            case 200..<300:
                return response
            case 429:
                // Rejected before it was processed: safe to send again, POST included.
                let resetAt = Self.resetDate(response.headers)
                guard attempt < configuration.retryBudget else {
                    var error = SentryError.from(status: 429, body: response.body, operationID: endpoint.operationID, requiredScopes: endpoint.requiredScopes)
                    error.retryAfter = resetAt
                    throw error
                }
                await pause(resetAt.map { max(.zero, Duration.seconds($0.timeIntervalSinceNow)) + jitter() } ?? backoff(attempt: attempt))
                attempt += 1
            case 500..<600 where !isPost && attempt < configuration.retryBudget:
                await pause(backoff(attempt: attempt))
                attempt += 1
            case 300..<400:
                // Not followed (see `AsyncHTTPClientTransport`): say where the server points.
                throw SentryError(kind: .unexpectedStatus, operationID: endpoint.operationID, status: response.status,
                                  detail: "redirected to \(response.headers["location"] ?? "no location"); set the base URL (SENTRY_URL) to where the API answers")
            default:
                throw SentryError.from(status: response.status, body: response.body, operationID: endpoint.operationID, requiredScopes: endpoint.requiredScopes)
            }
        }
    }

    private func makeRequest<Operation: APIOperation>(_ operation: Operation) throws(SentryError) -> TransportRequest {
        // The path is percent-encoded by the generated operation; the query is encoded here.
        var url = baseURLString + operation.path
        let query = operation.query
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.queryEncoded($0.name))=\(Self.queryEncoded($0.value))" }.joined(separator: "&")
        }
        var headers = commonHeaders
        for header in operation.headers { headers.append((header.name, header.value)) }
        var body: Data?
        if let payload = operation.body {
            do {
                body = try JSONEncoder().encode(payload)
            } catch {
                throw SentryError(kind: .decoding, operationID: Operation.endpoint.operationID, underlying: "the request body could not be encoded")
            }
            headers.append(("Content-Type", "application/json"))
        }
        return TransportRequest(method: Operation.endpoint.method.rawValue, url: url, headers: headers, body: body, timeout: configuration.requestTimeout)
    }

    /// The response's body as the operation's `Response`, or an error that says where in the
    /// JSON the answer went wrong (never what it held): `.decoding` for a read,
    /// `.appliedButUnreadable` for a change, which the server did make.
    ///
    /// A body in the shape of a Sentry-compatible server (`CompatibleShape`) is read after it
    /// is brought to Sentry's; Sentry's own answers decode on the first try and never pay for it.
    static func decode<Operation: APIOperation>(_: Operation.Type, from response: TransportResponse) throws(SentryError) -> Operation.Response {
        if Operation.Response.self == NoBody.self, let empty = NoBody() as? Operation.Response { return empty }
        // A compatible server's body that still does not fit is reported where the retry, in
        // Sentry's shape, failed: the first attempt trips over the server's own field names.
        var failure: any Error
        do {
            return try JSONDecoder().decode(Operation.Response.self, from: response.body)
        } catch {
            failure = error
        }
        if let normalized = CompatibleShape.normalized(response.body) {
            do { return try JSONDecoder().decode(Operation.Response.self, from: normalized) } catch { failure = error }
        }
        let kind: SentryError.Kind = Operation.endpoint.method == .get ? .decoding : .appliedButUnreadable
        guard let error = failure as? DecodingError else {
            throw SentryError(kind: kind, operationID: Operation.endpoint.operationID, status: response.status, underlying: "unreadable body")
        }
        throw SentryError(kind: kind, operationID: Operation.endpoint.operationID, status: response.status,
                          jsonPath: SentryError.jsonPath(of: error), underlying: SentryError.summary(of: error))
    }

    /// Waits until a request of the operation fits in its rate-limit window; a cancelled task
    /// sends nothing (its waits end at once, so it must not go round again).
    private func admit(_ operationID: String) async throws(SentryError) {
        while true {
            if Task.isCancelled { throw SentryError(kind: .cancelled, operationID: operationID) }
            switch windows.admit(operationID) {
            case .go: return
            case .waitForAnswers: await pause(.milliseconds(2))
            case .waitUntil(let reset): await pause(.seconds(max(0, reset.timeIntervalSinceNow)) + jitter())
            }
        }
    }

    /// When the rate-limit window resets: `X-Sentry-Rate-Limit-Reset` (epoch seconds), else `Retry-After`.
    static func resetDate(_ headers: [String: String]) -> Date? {
        if let reset = headers["x-sentry-rate-limit-reset"].flatMap(Double.init) { return Date(timeIntervalSince1970: reset) }
        if let seconds = headers["retry-after"].flatMap(Double.init) { return Date(timeIntervalSinceNow: seconds) }
        return nil
    }

    /// Exponential backoff with full jitter: a random wait up to `initial * 2^attempt`, capped.
    func backoff(attempt: Int) -> Duration {
        let ceiling = min(configuration.maximumBackoff, configuration.initialBackoff * (1 << min(attempt, 20)))
        return ceiling * Double.random(in: 0.5...1.0)
    }

    private func jitter() -> Duration { .milliseconds(Int.random(in: 10...100)) }

    private func pause(_ duration: Duration) async {
        try? await Task.sleep(for: duration)
    }

    private func log(_ endpoint: Endpoint, status: Int?, elapsed: Duration, attempt: Int, note: String?) {
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        configuration.logger.debug("\(endpoint.method.rawValue) \(endpoint.pathTemplate)", metadata: [
            "operation": "\(endpoint.operationID)",
            "status": "\(status.map(String.init) ?? "none")",
            "ms": "\((milliseconds * 10).rounded() / 10)",
            "attempt": "\(attempt + 1)",
            "note": "\(note ?? "")",
        ])
    }

    static func queryEncoded(_ text: String) -> String {
        PercentEncoding.encode(text, keeping: { PercentEncoding.isUnreserved($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ",") })
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
