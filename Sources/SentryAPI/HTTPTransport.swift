#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One HTTP exchange, independent of the HTTP library. A test can substitute its own
/// transport; the client's retries, errors and logs stay the same.
public protocol HTTPTransport: Sendable {
    /// Sends one request and returns the response, whatever its status.
    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse
    /// Closes connections; called once, when the client is shut down.
    func shutdown() async throws
    /// The executor on which this transport's responses arrive, if it has one: work that runs
    /// there waits for them without a hop between threads. `nil` by default.
    var executor: (any TaskExecutor)? { get }
}

extension HTTPTransport {
    /// No executor of its own.
    public var executor: (any TaskExecutor)? { nil }
}

/// A request ready to send: the client has filled in the URL, headers and body.
public struct TransportRequest: Sendable {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    public var method: String
    /// The full URL, query included, percent-encoded.
    public var url: String
    /// Headers in the order they are sent; `Authorization` among them.
    public var headers: [(name: String, value: String)]
    /// The JSON body, if any.
    public var body: Data?
    /// Time allowed for the whole exchange.
    public var timeout: Duration
    /// Whether to ask for a compressed answer: for the pages of lists that `items` fetches,
    /// which shrink about tenfold (a page of 100 keys is about 200 KB). A single object (a key
    /// is about 1.7 KB) travels in one packet either way, and compressing it only costs time at
    /// both ends.
    public var acceptsCompression = false
}

/// A response as received.
public struct TransportResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header values by lowercased name (the first of repeated headers).
    public var headers: [String: String]
    /// The whole body.
    public var body: Data

    /// A response from its parts.
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why an exchange produced no response.
public enum TransportFailure: Error, Sendable {
    /// The request never reached the server (no connection): safe to send again.
    case notSent(String)
    /// The connection failed or timed out after the request may have been sent.
    case answerLost(String)
    /// The server's TLS certificate could not be verified (an authority the client does not
    /// trust, expired, or issued for another name): nothing was sent, and sending again cannot help.
    case certificateNotTrusted(String)
}

