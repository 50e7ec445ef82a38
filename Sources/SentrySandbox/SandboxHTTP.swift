import Foundation
import SentryModels

/// One HTTP request as the sandbox sees it, independent of the server that received it.
public struct SandboxRequest: Sendable {
    /// The HTTP method, uppercased.
    public var method: String
    /// The path without the query, e.g. `/api/0/projects/my-org/web/keys/`.
    public var path: String
    /// The query parameters, decoded, in order.
    public var query: [QueryItem]
    /// Header values by lowercased name.
    public var headers: [String: String]
    /// The body, as received.
    public var body: Data

    /// A request from its parts; header names are lowercased.
    public init(method: String, path: String, query: [QueryItem] = [], headers: [String: String] = [:], body: Data = Data()) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
    }

    /// The first value of a query parameter.
    func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

/// What the sandbox answers, and how the transport should deliver it.
public struct SandboxResponse: Sendable {
    /// How the connection ends, for scripted transport faults.
    public enum Delivery: Sendable, Equatable {
        /// Send the response.
        case respond
        /// Close the connection without answering (the change may or may not have been applied,
        /// as the fault that produced it says).
        case dropConnection
    }

    /// The HTTP status code.
    public var status: Int
    /// Headers in the order they are sent.
    public var headers: [(name: String, value: String)]
    /// The body, usually JSON.
    public var body: Data
    /// Whether to answer or to drop the connection.
    public var delivery: Delivery = .respond
    /// Wait this long before delivering (a scripted delay).
    public var delay: Duration?

    init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    static func json(_ status: Int, _ value: some Encodable) -> SandboxResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return SandboxResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
    }

    /// Sentry's `{"detail": "..."}` error body.
    static func detail(_ status: Int, _ message: String) -> SandboxResponse {
        json(status, ["detail": message])
    }

    /// The first value of a header (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// One line of the sandbox's request log.
public struct LoggedRequest: Sendable, Hashable {
    /// The HTTP method.
    public var method: String
    /// The path, without the query.
    public var path: String
    /// The query string, without `?`.
    public var query: String
    /// The status answered (or that would have been, for a dropped connection).
    public var status: Int
    /// The spec's `operationId`, when the request matched an operation.
    public var operationID: String?
}
