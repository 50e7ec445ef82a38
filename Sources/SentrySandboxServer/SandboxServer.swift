import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
@_exported import SentrySandbox
import ServiceLifecycle
import UnixSignals

/// A `Sandbox` served over HTTP on a loopback port, for real clients: the SDK's tests, your
/// own, and `sentry-sdk sandbox serve`.
///
/// ```swift
/// let server = try await SandboxServer.start(Sandbox(configuration: .init(
///     seed: [("my-org", ["web"])], tokens: [SandboxToken("test-token")])))
/// // talk to server.url with "Authorization: Bearer test-token"
/// await server.stop()
/// ```
public final class SandboxServer: Sendable {
    /// The sandbox the server answers for.
    public let sandbox: Sandbox
    /// The port the server listens on (the one asked for, or the free one picked for port 0).
    public let port: Int
    /// The address the server listens on.
    public let host: String
    /// The certificate authority clients trust, when the server speaks HTTPS.
    public let tls: SandboxTLS?
    private let server: HTTPServerRun

    /// `http://127.0.0.1:PORT`, or `https://...` with TLS.
    public var url: String { "\(tls == nil ? "http" : "https")://\(host):\(port)" }

    private init(sandbox: Sandbox, host: String, tls: SandboxTLS?, server: HTTPServerRun) {
        self.sandbox = sandbox
        self.host = host
        self.tls = tls
        self.server = server
        port = server.port
    }

    /// Starts listening; returns once the port is bound.
    ///
    /// - Parameters:
    ///   - sandbox: the sandbox that answers the requests.
    ///   - host: the address to listen on; loopback by default.
    ///   - port: 0 picks any free port.
    ///   - tls: serve HTTPS with this certificate (``SandboxTLS/selfSigned()``); plain HTTP when `nil`.
    ///   - stopsOnInterrupt: stop gracefully on SIGINT or SIGTERM (for a server in the
    ///     foreground of its own process).
    public static func start(_ sandbox: Sandbox, host: String = "127.0.0.1", port: Int = 0, tls: SandboxTLS? = nil,
                             stopsOnInterrupt: Bool = false) async throws -> SandboxServer {
        let server = try await HTTPServerRun.start(host: host, port: port, label: "sentry-sandbox",
                                                   server: try tls.map { try .tls(tlsConfiguration: $0.configuration) } ?? .http1(),
                                                   shutdownSignals: stopsOnInterrupt ? [.sigint, .sigterm] : [],
                                                   responder: CallbackResponder<SandboxRequestContext> { request, context in
            try await Self.respond(to: request, context: context, sandbox: sandbox)
        })
        await sandbox.served(at: "\(tls == nil ? "http" : "https")://\(host):\(server.port)")
        return SandboxServer(sandbox: sandbox, host: host, tls: tls, server: server)
    }

    /// Stops accepting connections and waits for the server to finish.
    public func stop() async {
        await server.stop()
    }

    /// Waits until the server stops (for `sandbox serve`, which runs until interrupted).
    public func wait() async throws {
        try await server.wait()
    }

    private static func respond(to request: Request, context: SandboxRequestContext, sandbox: Sandbox) async throws -> Response {
        var request = request
        var body = try await request.collectBody(upTo: maximumInflatedBody)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        if let encoding = headers.removeValue(forKey: "content-encoding") {
            if let refusal = decode(&body, encoding: encoding) { return refusal }
        }
        let answer = await sandbox.handle(SandboxRequest(
            method: request.method.rawValue, target: request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""),
            headers: headers, body: Data(buffer: body)
        ))
        if let delay = answer.delay { try await Task.sleep(for: delay) }
        if answer.delivery == .dropConnection {
            try? await context.channel.close()
            throw CancellationError()
        }
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }

    /// The largest body a request may have, and a compressed one inflate to (Relay's limit
    /// for an envelope is larger; no test sends more).
    static let maximumInflatedBody = 20 << 20

    /// Decodes a body from its `Content-Encoding` in place, or returns the answer refusing it:
    /// gzip and deflate, as Relay takes them (it also takes br and zstd, which the sandbox
    /// answers 415); an empty, `identity` or `utf-8` encoding is the body as it is, as Relay
    /// forgives older SDKs.
    private static func decode(_ body: inout ByteBuffer, encoding: String) -> Response? {
        let algorithm: CompressionAlgorithm
        switch encoding.lowercased().trimmingCharacters(in: .whitespaces) {
        case "", "identity", "utf-8": return nil
        case "gzip", "x-gzip": algorithm = .gzip()
        case "deflate": algorithm = .zlib()
        default: return plainText(415, "unsupported content encoding '\(encoding)'")
        }
        do {
            body = try body.decompress(with: algorithm, maxSize: maximumInflatedBody)
            return nil
        } catch {
            return plainText(400, "Failed to buffer the request body: \(encoding) body could not be decoded (\(error))")
        }
    }

    private static func plainText(_ status: Int, _ text: String) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// An HTTP server on Hummingbird, listening and running until stopped: the sandbox's, and (for
/// the package's tests) servers that answer what a test needs.
package struct HTTPServerRun: Sendable {
    /// The port bound (the one asked for, or the free one picked for port 0).
    package let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts listening; returns once the port is bound.
    package static func start<Responder: HTTPResponder>(host: String, port: Int, label: String, server: HTTPServerBuilder = .http1(),
                                                        shutdownSignals: [UnixSignal] = [], responder: Responder) async throws -> HTTPServerRun
    where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let (bound, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let application = Application(
            responder: responder,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            },
            logger: logger
        )
        // Run in a service group, so that `stop` can shut the server down gracefully: it stops
        // accepting, lets requests in flight finish (for at most a second), then cancels. A
        // plain cancellation can drop a connection accepted at that moment half set up, which
        // NIO treats as a programming error and traps.
        var configuration = ServiceGroupConfiguration(services: [.init(service: application)], gracefulShutdownSignals: shutdownSignals, logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(1)
        let group = ServiceGroup(configuration: configuration)
        let task = Task { try await group.run() }
        var iterator = bound.makeAsyncIterator()
        guard let boundPort = await iterator.next() else {
            task.cancel()
            _ = try await task.value
            throw CancellationError()
        }
        return HTTPServerRun(port: boundPort, group: group, task: task)
    }

    /// Stops accepting connections and waits for the server to finish.
    package func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Waits until the server stops.
    package func wait() async throws {
        try await task.value
    }
}

/// The request context: Hummingbird's, plus the connection, so that a scripted fault can
/// close it.
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
