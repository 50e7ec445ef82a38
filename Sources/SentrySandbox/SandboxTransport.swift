#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI

/// A client's transport that hands each request straight to a sandbox in this process, with no
/// socket or server between them: tests of code that uses `SentryClient` (or stacks) run
/// against the sandbox without a port. The command line's `--sandbox` uses it.
///
/// ```swift
/// let sandbox = try Sandbox(configuration: SandboxConfiguration(
///     seed: [("my-org", ["web"])], tokens: [SandboxToken("test-token")], publicURL: SandboxTransport.url))
/// let client = SentryClient(
///     configuration: SentryConfiguration(authToken: Secret("test-token"), baseURL: URL(string: SandboxTransport.url)!),
///     transport: SandboxTransport(sandbox: sandbox))
/// ```
public struct SandboxTransport: HTTPTransport {
    /// An address for the client and the sandbox's `Link` headers (`publicURL`); nothing listens there.
    public static let url = "http://sandbox.invalid"

    /// The sandbox that answers.
    public let sandbox: Sandbox

    /// A transport to `sandbox`.
    public init(sandbox: Sandbox) { self.sandbox = sandbox }

    /// Answers `request` from the sandbox; a dropped connection (a fault) is a lost answer.
    public func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        // The target is what follows the scheme and host: `/api/0/...?query`.
        let afterScheme = request.url.firstRange(of: "://").map { request.url[$0.upperBound...] } ?? request.url[...]
        let target = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name] = value }
        let answer = await sandbox.handle(SandboxRequest(method: request.method, target: target, headers: headers, body: request.body ?? Data()))
        if answer.delivery == .dropConnection { throw .answerLost("the sandbox dropped the request") }
        var fields: [String: String] = [:]
        for (name, value) in answer.headers where fields[name.lowercased()] == nil { fields[name.lowercased()] = value }
        return TransportResponse(status: answer.status, headers: fields, body: answer.body)
    }

    /// Nothing to close.
    public func shutdown() async throws {}
}
