#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI
import SentrySandbox

/// The transport of `--sandbox`: each request goes straight to the sandbox's engine in this
/// process, with no socket or server between them. The engine writes its state file after
/// each change.
struct InProcessSandbox: HTTPTransport {
    /// The address the client and the sandbox's `Link` headers use; nothing listens there.
    static let url = "http://sandbox.invalid"

    let sandbox: Sandbox

    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
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

    func shutdown() async throws {}
}
