import AsyncHTTPClient
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOSSL
import NIOHTTP1
import NIOPosix
import Tracing

/// The transport over async-http-client: shared `HTTPClient`s (connection pools, kept-alive
/// connections) per `SentryClient`, shut down with it; one asks for compressed answers (pages of
/// lists), the other does not (everything else).
public final class AsyncHTTPClientTransport: HTTPTransport {
    let client: HTTPClient
    /// The same, asking for compressed answers and inflating them (`acceptsCompression`):
    /// async-http-client decides that per client, and its decompression step costs 4-5 µs a
    /// single-key request (Benchmarks/RESULTS.md). A program that uses both opens a connection
    /// for each.
    private let compressingClient: HTTPClient
    /// The event loop every request of this transport runs on, and an executor for it.
    private let loop: any EventLoop
    private let loopExecutor: EventLoopTaskExecutor

    /// The executor of the event loop that every request of this transport runs on.
    public var executor: (any TaskExecutor)? { loopExecutor }

    /// A transport with its own connection pools.
    ///
    /// Requests are traced (async-http-client's spans) when a tracer is active where the
    /// transport is made: bootstrapped in `InstrumentationSystem`, or bound by `withTracer`.
    ///
    /// - Parameters:
    ///   - connectTimeout: time allowed to establish a connection.
    ///   - http1Only: speak HTTP/1.1 only, as plain `http://` servers do. async-http-client
    ///     otherwise starts expecting HTTP/2 and, on finding HTTP/1.1 at the first connection,
    ///     opens a second connection that nothing uses.
    ///   - trustedCertificatesFile: a PEM file of the certificate authorities to trust instead of the system's.
    public init(connectTimeout: Duration, http1Only: Bool = false, trustedCertificatesFile: String? = nil) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = TimeAmount(connectTimeout)
        if http1Only { configuration.httpVersion = .http1Only }
        if let trustedCertificatesFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(trustedCertificatesFile)
            configuration.tlsConfiguration = tls
        }
        // A failed connection fails its request at once: SentryClient's retries (budget, backoff)
        // decide what happens next, and a refused certificate is reported in milliseconds
        // instead of after async-http-client's own retries have used up `connectTimeout`.
        configuration.connectionPool.retryConnectionEstablishment = false
        // async-http-client would fill in a span for every request even for the no-op tracer
        // (5-7 µs a request, Benchmarks/RESULTS.md), so with no tracer bootstrapped tracing is
        // off; a program that bootstrapped one keeps async-http-client's spans.
        if InstrumentationSystem.tracer is NoOpTracer { configuration.tracing.tracer = nil }
        // Redirects are answers, not followed: an API call that is redirected has the wrong
        // base URL (`http` for `https`, an old host), and following it would turn a `POST`
        // answered 301 or 302 into a `GET`. The client reports where it was sent instead.
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        configuration.decompression = .enabled(limit: .ratio(50))
        compressingClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        loop = HTTPClient.defaultEventLoopGroup.next()
        loopExecutor = EventLoopTaskExecutor(loop)
    }

    /// Sends one request over a pooled, kept-alive connection.
    public func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        // Wait for the response on the connection's event loop: the future then resumes this
        // task at once, instead of waking a thread of the global pool for each step.
        // A caller already there (`SentryClient.withAffinity`) stays.
        if withUnsafeCurrentTask(body: { $0?.unownedTaskExecutor }) == loopExecutor.asUnownedTaskExecutor() {
            return try await exchange(request)
        }
        return try await withTaskExecutorPreference(loopExecutor) { () async throws(TransportFailure) in
            try await exchange(request)
        }
    }

    private func exchange(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        let collector = ResponseCollector()
        do {
            var headers = HTTPHeaders()
            for (name, value) in request.headers { headers.add(name: name, value: value) }
            let outgoing = try HTTPClient.Request(
                url: request.url, method: HTTPMethod(rawValue: request.method), headers: headers,
                body: request.body.map { .byteBuffer(ByteBuffer(bytes: $0)) }
            )
            // The future-based call collects the body on the event loop in one piece: fewer
            // hops between threads than streaming it through an AsyncSequence, which matters
            // for many small requests.
            // `.delegate(on:)`: the response is handled on `loop`, and a new connection is made
            // there too; `.delegateAndChannel(on:)` would make each connection an "overflow"
            // one, which async-http-client closes as soon as it is idle: one per request.
            let task = (request.acceptsCompression ? compressingClient : client)
                .execute(request: outgoing, delegate: collector, eventLoop: .delegate(on: loop))
            // The time limit is a callback on the loop that cancels the request, rather than
            // async-http-client's `deadline:` (a scheduled task with a promise and a completion
            // callback): 4.6 µs of the transport's own time a request instead of 7.2 µs
            // (Benchmarks/RESULTS.md).
            // This code runs on `loop` (see `send`), as the callback does: no lock needed.
            collector.task = task
            let limit = try? loop.scheduleCallback(at: .now() + TimeAmount(request.timeout), handler: collector)
            defer {
                limit?.cancel()
                collector.task = nil
            }
            return try await task.futureResult.get()
        } catch {
            if collector.timedOut { throw .answerLost("no complete response within \(request.timeout)") }
            throw Self.classify(error)
        }
    }

    /// Closes the connection pools.
    public func shutdown() async throws {
        try await client.shutdown()
        try await compressingClient.shutdown()
    }

    /// Failures that happen before a connection exists cannot have delivered the request.
    static func classify(_ error: any Error) -> TransportFailure {
        let description = String(describing: error)
        if let error = error as? HTTPClientError {
            let beforeConnecting: [HTTPClientError] = [.connectTimeout, .invalidURL, .emptyHost, .emptyScheme, .alreadyShutdown]
            return beforeConnecting.contains(error) ? .notSent(description) : .answerLost(description)
        }
        // The handshake and the hostname check come before the request is written: a refused
        // certificate sent nothing.
        if case NIOSSLError.handshakeFailed = error {
            return description.contains("CERTIFICATE_VERIFY_FAILED") ? .certificateNotTrusted(description) : .notSent(description)
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname { return .certificateNotTrusted(description) }
        if error is NIOConnectionError { return .notSent(description) }
        if let error = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(error.errnoCode) {
            return .notSent(description)
        }
        if case ChannelError.connectTimeout = error { return .notSent(description) }
        return .answerLost(description)
    }
}

/// Collects a response as `TransportResponse`: the status, the headers by lowercased name and
/// the body in one buffer. Written for the transport rather than using async-http-client's
/// `ResponseAccumulator`, which builds an `HTTPClient.Response` (copied twice on its way out)
/// and takes a lock for each part; this one is only ever called on its request's event loop
/// (`.delegate(on:)`), one call after another, so it needs no lock (`@unchecked Sendable`).
private final class ResponseCollector: HTTPClientResponseDelegate, NIOScheduledCallbackHandler, @unchecked Sendable {
    typealias Response = TransportResponse

    /// The request, for the time limit to cancel.
    var task: HTTPClient.Task<Response>?
    /// Whether the time limit cancelled the request.
    private(set) var timedOut = false

    /// The time limit: cancels the request, unless it has finished already.
    func handleScheduledCallback(eventLoop: some EventLoop) {
        timedOut = true
        task?.cancel()
    }

    /// A body larger than this fails the request (as `answerLost`); a page of 100 keys is
    /// about 200 KB.
    static let maximumBodySize = 64 << 20

    struct BodyTooLarge: Error, CustomStringConvertible {
        var description: String { "the response body is larger than \(ResponseCollector.maximumBodySize >> 20) MB" }
    }

    private var status = 0
    private var headers: [String: String] = [:]
    private var body: ByteBuffer?

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status = Int(head.status.code)
        headers.reserveCapacity(head.headers.count)
        // Last to first, so that the first of repeated headers is the one kept, with one
        // lookup per header.
        for header in head.headers.reversed() {
            // Most servers send lowercase names (HTTP/2 requires it): no copy for those.
            let name = header.name.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) ? header.name.lowercased() : header.name
            headers[name] = header.value
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        if body == nil {
            body = part
        } else {
            body!.writeImmutableBuffer(part)
        }
        guard body!.readableBytes <= Self.maximumBodySize else { return task.eventLoop.makeFailedFuture(BodyTooLarge()) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> TransportResponse {
        // From the bytes in one copy: `Data(readableBytesView)` takes the generic path for
        // sequences, with a dynamic cast at run time.
        TransportResponse(status: status, headers: headers, body: body?.withUnsafeReadableBytes { Data($0) } ?? Data())
    }
}
