import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
@testable import SentryAPI
import SentryModels
import SentrySandboxServer
import Synchronization
import Testing

/// Pages of lists are asked for compressed and inflated; single objects are asked for as they
/// are. Against a loopback server that compresses when asked, as Sentry's does (the sandbox
/// never compresses).
@Suite struct CompressionTests {
    static let key = #"{"id":"c0ffee","name":"Zipped","label":"Zipped","public":"c0ffee","secret":"5ecret","projectId":2,"isActive":true,"dsn":{"public":"https://c0ffee@o1.ingest.sentry.io/2","secret":"https://c0ffee:5ecret@o1.ingest.sentry.io/2"},"dateCreated":"2026-11-27T12:00:00Z"}"#
    /// A page of three such keys, gzipped (790 bytes of JSON in 189).
    static let gzippedPage = Data(base64Encoded: "H4sIAAAAAAACA+1QTQvCMAz9Lznvoy2o0JPiybuniYety7SydaXNBBn+dyMDnQf/wSCEvPDyHnmnEWwNGoxoGkRIwJUdMi6s91gzbssK2/nCD1VrzfwkoglIvFlNA3NCf0NDB1ZWCdi4M2TvLEthwATq6ECPX6ErkY86zyfBbS8z6y4YKYvoKDwy2+dqbvPL15Prn7Mn25WE+4Dc348qodaplKnaHKXSQnAVzFpiWGL4xHB+Ac3MtS8WAwAA")!

    @Test func listsAskForCompressionAndSingleObjectsDoNot() async throws {
        /// The `Accept-Encoding` of each request, by path.
        let acceptEncoding = Mutex<[String: String]>([:])
        let server = try await HTTPServerRun.start(host: "127.0.0.1", port: 0, label: "compression-test",
                                                   responder: CallbackResponder<BasicRequestContext> { request, _ in
            let accepted = request.headers[.acceptEncoding] ?? ""
            acceptEncoding.withLock { $0[request.uri.path] = accepted }
            var headers: HTTPFields = [.contentType: "application/json"]
            let body: Data
            if !request.uri.path.hasSuffix("/keys/") {
                body = Data(Self.key.utf8)
            } else if accepted.contains("gzip") {
                // The page, compressed only when asked for.
                headers[.contentEncoding] = "gzip"
                body = Self.gzippedPage
            } else {
                body = Data("[\(Self.key),\(Self.key),\(Self.key)]".utf8)
            }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        })
        let client = SentryClient(configuration: SentryConfiguration(authToken: "t", baseURL: URL(string: "http://127.0.0.1:\(server.port)")!))
        var names: [String] = []
        for try await key in client.items(Operations.ListProjectKeys(organizationIdOrSlug: "o", projectIdOrSlug: "p")) {
            names.append(key.name)
        }
        #expect(names == ["Zipped", "Zipped", "Zipped"])
        let key = try await client.send(Operations.GetProjectKey(organizationIdOrSlug: "o", projectIdOrSlug: "p", keyId: "c0ffee"))
        #expect(key.id == "c0ffee")
        let seen = acceptEncoding.withLock { $0 }
        #expect(seen["/api/0/projects/o/p/keys/"]?.contains("gzip") == true, "\(seen)")
        #expect(seen["/api/0/projects/o/p/keys/c0ffee/"] == "", "\(seen)")
        try await client.shutdown()
        await server.stop()
    }
}
