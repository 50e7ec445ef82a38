import Foundation
import SentryModels
@testable import SentrySandbox

let keysPath = "/api/0/projects/my-org/web/keys/"

/// A sandbox with one organization (`my-org`), two projects (`web`, `api`) and tokens for each
/// level of access.
func makeSandbox(rateLimit: SandboxRateLimit? = nil, stateFile: URL? = nil, now: @escaping @Sendable () -> Date = { Date() }) throws -> Sandbox {
    try Sandbox(configuration: SandboxConfiguration(
        seed: [("my-org", ["web", "api"])],
        tokens: [
            SandboxToken("admin"),
            SandboxToken("reader", scopes: ["project:read", "org:read"]),
            SandboxToken("writer", scopes: ["project:write", "project:read"]),
            SandboxToken("root", isSuperuser: true),
        ],
        defaultKeys: false, rateLimit: rateLimit, stateFile: stateFile, now: now
    ))
}

extension Sandbox {
    /// Sends a request with `token` (none when `nil`) and a JSON body given as text.
    @discardableResult
    func send(_ method: String, _ path: String, query: [String: String] = [:], body: String? = nil, token: String? = "admin") -> SandboxResponse {
        request(method, path, query: query.sorted { $0.key < $1.key }.map { QueryItem(name: $0.key, value: $0.value) }, body: body, token: token)
    }

    /// Creates a key and returns it decoded.
    func createKey(_ body: String = "{}", path: String = keysPath, token: String = "admin") throws -> ProjectKey {
        let response = send("POST", path, body: body, token: token)
        guard response.status == 201 else { throw UnexpectedStatus(status: response.status, body: response.text) }
        return try response.decode(ProjectKey.self)
    }
}

struct UnexpectedStatus: Error, CustomStringConvertible {
    var status: Int
    var body: String
    var description: String { "unexpected status \(status): \(body)" }
}

extension SandboxResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: body)
    }

    /// The body as JSON, compared independent of key order.
    var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: body) }
}

/// JSON text parsed for comparison with `SandboxResponse.json`.
func json(_ text: String) -> JSONValue? {
    try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = start }

    var now: Date { lock.withLock { current } }

    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}
