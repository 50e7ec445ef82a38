import Foundation
import SentryAPI

// What work costs between one response and the next request, on a loop of retrieves: each
// kind of work is timed in a loop of its own, and again after every response of 1,000
// retrieves, against 1,000 retrieves with nothing in between (rounds alternate; medians per
// request). Not part of `run`: a tool for finding where SentryClient's time beyond
// async-http-client's goes. On the 2-core KVM machine of 2026-11-27 (31 rounds, pinned),
// compact work cost its own time after each response (arithmetic 5.5 µs, touching 6 KB of its
// own memory ~0), while work that runs through much code cost several times more: a
// SentryClient send over a stored answer 4.5 µs alone, 19.2 µs after each response;
// JSONDecoder on the key 16.7 µs and 38.6 µs. Between two requests the network path runs
// through async-http-client, NIO and the kernel; what counts for the client is how much
// distinct code its own work runs through, more than how many instructions.
//
// Usage: ContextBenchmark ROUNDS SERVER_URL; the server accepts the token bench-token and has
// the project bench/web (`sentry-sdk sandbox serve --org bench --project web --token bench-token`).

let arguments = CommandLine.arguments
guard arguments.count > 2, let rounds = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: ContextBenchmark ROUNDS SERVER_URL\n".utf8))
    exit(2)
}
let serverURL = URL(string: arguments[2])!
let token = Secret("bench-token")
let client = SentryClient(configuration: SentryConfiguration(authToken: token, baseURL: serverURL))
let key = try await client.send(Operations.CreateProjectKey(organizationIdOrSlug: "bench", projectIdOrSlug: "web", body: CreateProjectKeyRequest(name: "Context")))
let retrieve = Operations.GetProjectKey(organizationIdOrSlug: "bench", projectIdOrSlug: "web", keyId: key.id)

/// Keeps the request SentryClient builds, and answers with a stored response.
final class Canned: HTTPTransport, @unchecked Sendable {
    var request: TransportRequest?
    var response = TransportResponse(status: 200, headers: [:], body: Data())
    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        self.request = request
        return response
    }
    func shutdown() async throws {}
}
let canned = Canned()
let cannedClient = SentryClient(configuration: SentryConfiguration(authToken: token, baseURL: serverURL), transport: canned)
_ = try? await cannedClient.send(retrieve)
let request = canned.request!
let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(10), http1Only: true)
canned.response = try await transport.send(request)
let body = canned.response.body
// The same client's bookkeeping without decoding: a delete, answered 204 with no body.
let emptyAnswer = Canned()
emptyAnswer.response = TransportResponse(status: 204, headers: canned.response.headers, body: Data())
let noBodyClient = SentryClient(configuration: SentryConfiguration(authToken: token, baseURL: serverURL), transport: emptyAnswer)
let delete = Operations.DeleteProjectKey(organizationIdOrSlug: "bench", projectIdOrSlug: "web", keyId: key.id)

/// One kind of work, done once per call. Not a closure: closures written at the top level of
/// main.swift belong to the main actor, and every call would hop there and back.
enum Work: CaseIterable {
    case send, sendNoBody, jsonDecoder, memory, arithmetic

    var name: String {
        switch self {
        case .send: "one SentryClient send over the stored answer (building, bookkeeping, decoding the key)"
        case .sendNoBody: "the same for a delete answered 204 (building and bookkeeping, nothing to decode)"
        case .jsonDecoder: "Foundation's JSONDecoder decoding the same key"
        case .memory: "touching 6 KB of memory of its own (96 cache lines)"
        case .arithmetic: "arithmetic alone (4,000 dependent multiplications)"
        }
    }

    nonisolated(unsafe) static var sink: UInt64 = 0
    nonisolated(unsafe) static let buffer: UnsafeMutableRawBufferPointer = {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 6 * 1024, alignment: 64)
        memory.initializeMemory(as: UInt8.self, repeating: 0)
        return memory
    }()

    func run(_ client: SentryClient, _ operation: Operations.GetProjectKey) async throws {
        switch self {
        case .send:
            _ = try await client.send(operation)
        case .sendNoBody:
            _ = try await noBodyClient.send(delete)
        case .jsonDecoder:
            _ = try JSONDecoder().decode(ProjectKey.self, from: body)
        case .memory:
            for line in stride(from: 0, to: Self.buffer.count, by: 64) { Self.buffer[line] &+= 1 }
        case .arithmetic:
            var x = Self.sink | 1
            for i in 0..<4_000 { x = (x &* x) ^ (x >> 7) &+ UInt64(truncatingIfNeeded: i) }
            Self.sink = x
        }
    }
}

func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }

/// Microseconds per request of 1,000 retrieves, with `work` after each response.
func retrieves(then work: Work?, _ transport: AsyncHTTPClientTransport, _ request: TransportRequest,
               _ client: SentryClient, _ operation: Operations.GetProjectKey) async throws -> Double {
    try await withTaskExecutorPreference(transport.executor) {
        let start = ContinuousClock.now
        for _ in 0..<1_000 {
            _ = try await transport.send(request)
            try await work?.run(client, operation)
        }
        return seconds(ContinuousClock.now - start) * 1_000
    }
}

/// Microseconds per call of `work` in a loop of its own, on the same thread.
func alone(_ work: Work, _ transport: AsyncHTTPClientTransport, _ client: SentryClient, _ operation: Operations.GetProjectKey) async throws -> Double {
    try await withTaskExecutorPreference(transport.executor) {
        let start = ContinuousClock.now
        for _ in 0..<1_000 { try await work.run(client, operation) }
        return seconds(ContinuousClock.now - start) * 1_000
    }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let kinds = Work.allCases
var bare: [Double] = []
var after = Array(repeating: [Double](), count: kinds.count)
var tight = Array(repeating: [Double](), count: kinds.count)
_ = try await retrieves(then: nil, transport, request, cannedClient, retrieve)
for _ in 0..<rounds {
    bare.append(try await retrieves(then: nil, transport, request, cannedClient, retrieve))
    for (index, kind) in kinds.enumerated() {
        after[index].append(try await retrieves(then: kind, transport, request, cannedClient, retrieve))
        tight[index].append(try await alone(kind, transport, cannedClient, retrieve))
    }
}
print("1,000 retrieves over async-http-client on its event loop: \(String(format: "%.1f", median(bare))) µs per request; medians of \(rounds) rounds\n")
print("| work | in a loop of its own | added after each response |")
print("| --- | --- | --- |")
for (index, kind) in kinds.enumerated() {
    print("| \(kind.name) | \(String(format: "%.1f", median(tight[index]))) µs | \(String(format: "%.1f", median(after[index]) - median(bare))) µs |")
}
try await client.shutdown()
try await cannedClient.shutdown()
try await noBodyClient.shutdown()
try await transport.shutdown()
