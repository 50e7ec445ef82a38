import Foundation
import InMemoryTracing
@testable import SentryAPI
import SentryModels
import Testing
import Tracing

/// async-http-client's spans: recorded when a tracer is active where the client is made, not
/// started at all when none is (no tracer bootstrapped in this test process).
@Suite struct TracingTests {
    @Test func requestsAreTracedOnlyWhenATracerIsActive() async throws {
        let tracer = InMemoryTracer()
        let traced = try await withTracer(tracer) { try await Harness() }
        let key = try await traced.create("Traced")
        _ = try await traced.client.send(Operations.GetProjectKey(organizationIdOrSlug: "my-org", projectIdOrSlug: "web", keyId: key.id))
        await traced.close()
        // One span per request, named by its method, as async-http-client names them.
        #expect(tracer.finishedSpans.map(\.operationName) == ["POST", "GET"])

        let untraced = try await Harness()
        let transport = try #require(untraced.client.transport as? AsyncHTTPClientTransport)
        #expect(transport.client.tracer == nil)
        _ = try await untraced.create("Untraced")
        await untraced.close()
        #expect(tracer.finishedSpans.count == 2)
    }
}
