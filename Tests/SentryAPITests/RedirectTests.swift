import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SentryAPI
import SentryModels
import SentrySandboxServer
import Synchronization
import Testing

/// A redirected request fails with the address it was sent to, and is not followed: followed,
/// a `POST` answered 301 would come back as a `GET` of the new address.
@Suite struct RedirectTests {
    @Test func aRedirectIsReportedNotFollowed() async throws {
        let requests = Mutex<[String]>([])
        let server = try await HTTPServerRun.start(host: "127.0.0.1", port: 0, label: "redirect-test",
                                                   responder: CallbackResponder<BasicRequestContext> { request, _ in
            requests.withLock { $0.append("\(request.method) \(request.uri.path)") }
            if request.uri.path.hasPrefix("/moved/") {
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: "[]")))
            }
            return Response(status: .movedPermanently, headers: [.location: "/moved\(request.uri.path)"])
        })
        let client = SentryClient(configuration: SentryConfiguration(authToken: "t", baseURL: URL(string: "http://127.0.0.1:\(server.port)")!))
        let error = await #expect(throws: SentryError.self) {
            try await client.send(Operations.CreateProjectKey(organizationIdOrSlug: "o", projectIdOrSlug: "p", body: CreateProjectKeyRequest(name: "K")))
        }
        #expect(error?.kind == .unexpectedStatus)
        #expect(error?.status == 301)
        #expect(error?.description.contains("redirected to /moved/api/0/projects/o/p/keys/") == true, "\(String(describing: error))")
        #expect(requests.withLock { $0 } == ["POST /api/0/projects/o/p/keys/"])
        try await client.shutdown()
        await server.stop()
    }
}
