#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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

    /// A request for a target as HTTP writes it: the path, then `?` and the query, percent-encoded
    /// (`/api/0/projects/my-org/web/keys/?cursor=0:10:0`). Query names and values are decoded,
    /// `+` as a space, as Sentry's server reads them.
    public init(method: String, target: String, headers: [String: String] = [:], body: Data = Data()) {
        let question = target.firstIndex(of: "?")
        let path = String(target[..<(question ?? target.endIndex)])
        let query = question.map { target[target.index(after: $0)...] } ?? ""
        let items: [QueryItem] = query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacing("+", with: " ").percentDecoded() ?? String(text)
            }
            return QueryItem(name: decode(parts[0]), value: parts.count > 1 ? decode(parts[1]) : "")
        }
        self.init(method: method, path: path, query: items, headers: headers, body: body)
    }

    /// A query parameter's value; the last one when it is repeated, as Django's `QueryDict.get`
    /// reads it.
    func queryValue(_ name: String) -> String? {
        query.last { $0.name == name }?.value
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
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
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

extension StringProtocol {
    /// The text with `%XX` sequences decoded as UTF-8; `nil` when a sequence is malformed or the
    /// bytes are not UTF-8. By hand: FoundationEssentials, which the sandbox builds on, has no
    /// public percent-decoding.
    func percentDecoded() -> String? {
        guard contains("%") else { return String(self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.elementsEqual(bytes) ? text : nil
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace, newlines included (Python's `str.strip()`, as
    /// Sentry's serializers trim).
    var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
