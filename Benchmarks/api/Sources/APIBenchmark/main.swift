import AsyncHTTPClient
import BenchmarkSupport
import NIOCore
import Foundation
import SentryAPI
import SentrySandbox
import SentrySandboxServer

// 1,000 sequential retrieves of one key with SentryClient, then the same 1,000 URLs fetched by
// one curl process over a kept-alive connection, against the same sandbox server, which runs in
// a process of its own (`sentry-sdk sandbox serve`, started by ../run) so that neither side
// shares its process with the server; then 10,000 keys listed through the client's pagination
// (an in-process sandbox, whose request log counts the requests), watching memory.
//
// Usage: APIBenchmark ROUNDS SERVER_URL [REPORT_FILE]; the server accepts the token bench-token
// and has the project bench/web.

let arguments = CommandLine.arguments
let rounds = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
guard arguments.count > 2 else {
    FileHandle.standardError.write(Data("usage: APIBenchmark ROUNDS SERVER_URL [REPORT_FILE]\n".utf8))
    exit(2)
}
let serverURL = arguments[2]
let retrieves = 1_000
let token = "bench-token"

func residentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

let client = SentryClient(configuration: SentryConfiguration(authToken: Secret(token), baseURL: URL(string: serverURL)!))
let key = try await client.send(Operations.CreateProjectKey(organizationIdOrSlug: "bench", projectIdOrSlug: "web", body: CreateProjectKeyRequest(name: "Bench")))
let retrieve = Operations.GetProjectKey(organizationIdOrSlug: "bench", projectIdOrSlug: "web", keyId: key.id)

// curl reads its 1,000 URLs from a config file and reuses one connection for them.
let work = FileManager.default.temporaryDirectory.appendingPathComponent("api-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }
let curlConfig = work.appendingPathComponent("curl.cfg")
var config = "silent\nheader = \"Authorization: Bearer \(token)\"\n"
for _ in 0..<retrieves { config += "url = \"\(serverURL)\(retrieve.path)\"\noutput = \"/dev/null\"\n" }
try config.write(to: curlConfig, atomically: true, encoding: .utf8)

func runCurl() throws -> Double { try curl(config: curlConfig) }

func runClient() async throws -> Double {
    let start = ContinuousClock.now
    for _ in 0..<retrieves { _ = try await client.send(retrieve) }
    return seconds(ContinuousClock.now - start)
}

// The same with the caller kept on the client's network thread (`withAffinity`).
func runClientWithAffinity() async throws -> Double {
    try await client.withAffinity {
        let start = ContinuousClock.now
        for _ in 0..<retrieves { _ = try await client.send(retrieve) }
        return seconds(ContinuousClock.now - start)
    }
}

// async-http-client alone, without SentryClient: how much of the time is the HTTP library's.
// Configured as SentryClient's transport configures it: HTTP/1.1, no tracing, no redirects.
let rawClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.httpVersion = .http1Only
    configuration.tracing.tracer = nil
    configuration.redirectConfiguration = .disallow
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()
let rawURL = serverURL + retrieve.path
func runRaw() async throws -> Double {
    let start = ContinuousClock.now
    for _ in 0..<retrieves {
        var request = try HTTPClient.Request(url: rawURL)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        _ = try await rawClient.execute(request: request).get()
    }
    return seconds(ContinuousClock.now - start)
}

// The same requests made from a task that runs on the connection's event loop, as
// SentryClient's transport waits for its responses: what async-http-client costs without any
// hop between threads.
final class LoopExecutor: TaskExecutor {
    let loop: any EventLoop
    init(_ loop: any EventLoop) { self.loop = loop }
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
let rawLoop = HTTPClient.defaultEventLoopGroup.next()
let rawExecutor = LoopExecutor(rawLoop)
func runRawOnLoop() async throws -> Double {
    try await withTaskExecutorPreference(rawExecutor) {
        let start = ContinuousClock.now
        for _ in 0..<retrieves {
            var request = try HTTPClient.Request(url: rawURL)
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            _ = try await rawClient.execute(request: request, eventLoop: .delegate(on: rawLoop)).get()
        }
        return seconds(ContinuousClock.now - start)
    }
}

// SentryClient over a transport that answers at once: the client's own cost per request
// (building it, retries and rate-limit bookkeeping, decoding), without any network.
/// The key as servers write it (slashes not escaped).
let keyOnTheWire: Data = try {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    return try encoder.encode(key)
}()
struct CannedTransport: HTTPTransport {
    let body: Data
    func send(_ request: TransportRequest) async throws(TransportFailure) -> TransportResponse {
        TransportResponse(status: 200, headers: ["content-type": "application/json"], body: body)
    }
    func shutdown() async throws {}
}
let cannedClient = SentryClient(configuration: SentryConfiguration(authToken: Secret(token), baseURL: URL(string: serverURL)!),
                                transport: CannedTransport(body: keyOnTheWire))
func runCanned() async throws -> Double {
    let start = ContinuousClock.now
    for _ in 0..<retrieves { _ = try await cannedClient.send(retrieve) }
    return seconds(ContinuousClock.now - start)
}

// Warm both paths once, then alternate so that neither gets a quieter machine.
_ = try await runClient()
_ = try await runClientWithAffinity()
_ = try runCurl()
_ = try await runRaw()
_ = try await runRawOnLoop()
var ours: [Double] = []
var oursWithAffinity: [Double] = []
var curls: [Double] = []
var raws: [Double] = []
var rawsOnLoop: [Double] = []
var canned: [Double] = []
for _ in 0..<rounds {
    ours.append(try await runClient())
    oursWithAffinity.append(try await runClientWithAffinity())
    curls.append(try runCurl())
    raws.append(try await runRaw())
    rawsOnLoop.append(try await runRawOnLoop())
    canned.append(try await runCanned())
}
try await rawClient.shutdown()
let rawTime = Spread(raws)
let rawOnLoopTime = Spread(rawsOnLoop)
// Seconds per 1,000 sends are milliseconds per 1,000, microseconds per send.
let cannedTime = Spread(canned.map { $0 * 1_000 })
// How much of the client's time is decoding: the same key decoded 1,000 times.
let keyJSON = keyOnTheWire
let decodeStart = ContinuousClock.now
for _ in 0..<retrieves { _ = try JSONDecoder().decode(ProjectKey.self, from: keyJSON) }
let decodeTime = seconds(ContinuousClock.now - decodeStart)
let ourTime = Spread(ours)
let affinityTime = Spread(oursWithAffinity)
let curlTime = Spread(curls)

// 10,000 keys listed through a client of an in-process sandbox.
let sandbox = try Sandbox(configuration: SandboxConfiguration(seed: [("bench", ["big"])], tokens: [SandboxToken(token)], defaultKeys: false))
let server = try await SandboxServer.start(sandbox)
let listingClient = SentryClient(configuration: SentryConfiguration(authToken: Secret(token), baseURL: URL(string: server.url)!))
for index in 0..<10_000 {
    _ = await sandbox.handle(SandboxRequest(method: "POST", path: "/api/0/projects/bench/big/keys/",
                                            headers: ["Authorization": "Bearer \(token)"], body: Data(#"{"name": "K\#(index)"}"#.utf8)))
}
// List them once through the sandbox engine first, so that its own JSON cache is full and the
// memory figures below show the client alone.
var warmCursor: String? = nil
repeat {
    var query = [QueryItem(name: "per_page", value: "100")]
    if let warmCursor { query.append(QueryItem(name: "cursor", value: warmCursor)) }
    let page = await sandbox.handle(SandboxRequest(method: "GET", path: "/api/0/projects/bench/big/keys/", query: query,
                                                  headers: ["Authorization": "Bearer \(token)"]))
    let next = page.header("Link")?.components(separatedBy: ", ").last ?? ""
    warmCursor = next.contains(#"results="true""#) ? next.components(separatedBy: "cursor=\"").last.map { String($0.dropLast()) } : nil
} while warmCursor != nil
await sandbox.clearRequestLog()
var seen = 0
var memory: [Double] = []
for try await _ in listingClient.items(Operations.ListProjectKeys(organizationIdOrSlug: "bench", projectIdOrSlug: "big")) {
    seen += 1
    if seen % 1_000 == 0 { memory.append(residentMegabytes()) }
}
let listRequests = await sandbox.requestLog().count

try await client.shutdown()
try await listingClient.shutdown()
await server.stop()

let machine = "\(ProcessInfo.processInfo.processorCount) cores, \(ProcessInfo.processInfo.operatingSystemVersionString)"
let ratio = ourTime.median / curlTime.median
let listingMet = listRequests == 100 && seen == 10_000
let memoryMet = (memory.max()! - memory.min()!) < 8
let benchmark = "SentryAPI vs curl"
recordRow(benchmark: benchmark, measure: "1,000 sequential retrieves", ours: ourTime.text("s"), theirs: curlTime.text("s"),
          ratio: String(format: "%.2fx", ratio), goal: "<= 1.2x", met: ratio <= 1.2)
recordRow(benchmark: benchmark, measure: "1,000 sequential retrieves inside client.withAffinity", ours: affinityTime.text("s"), theirs: curlTime.text("s"),
          ratio: String(format: "%.2fx", affinityTime.median / curlTime.median), goal: "<= 1.2x", met: affinityTime.median / curlTime.median <= 1.2)
recordRow(benchmark: benchmark, measure: "the same 1,000 with async-http-client alone", ours: rawTime.text("s"), theirs: curlTime.text("s"),
          ratio: String(format: "%.2fx", rawTime.median / curlTime.median))
recordRow(benchmark: benchmark, measure: "the same 1,000 with async-http-client alone, on its event loop", ours: rawOnLoopTime.text("s"),
          theirs: curlTime.text("s"), ratio: String(format: "%.2fx", rawOnLoopTime.median / curlTime.median))
recordRow(benchmark: benchmark, measure: "SentryClient alone: one send, no network (decoding included)", ours: cannedTime.text("µs", digits: 1))
recordRow(benchmark: benchmark, measure: "list 10,000 keys: requests", ours: "\(listRequests) (\(seen) items)", goal: "100", met: listingMet)
recordRow(benchmark: benchmark, measure: "list 10,000 keys: resident memory, every 1,000 items",
          ours: String(format: "%.1f-%.1f MB", memory.min()!, memory.max()!), goal: "flat", met: memoryMet)
let report = """
SentryAPI vs curl on one sandbox server (its own process), \(rounds) rounds, median (min-max); \(ISO8601DateFormatter().string(from: Date()).prefix(10)); \(machine)

| measure | SentryAPI | curl | ratio | goal | met |
| --- | --- | --- | --- | --- | --- |
| 1,000 sequential retrieves | \(ourTime.text("s")) | \(curlTime.text("s")) | \(String(format: "%.2fx", ratio)) | <= 1.2x | \(ratio <= 1.2 ? "yes" : "no") |
| 1,000 sequential retrieves inside `client.withAffinity` | \(affinityTime.text("s")) | \(curlTime.text("s")) | \(String(format: "%.2fx", affinityTime.median / curlTime.median)) | <= 1.2x | \(affinityTime.median / curlTime.median <= 1.2 ? "yes" : "no") |
| the same 1,000 with async-http-client alone (no SentryClient, no decoding) | \(rawTime.text("s")) | | \(String(format: "%.2fx", rawTime.median / curlTime.median)) | | |
| the same with async-http-client alone, from a task on its event loop | \(rawOnLoopTime.text("s")) | | \(String(format: "%.2fx", rawOnLoopTime.median / curlTime.median)) | | |
| SentryClient alone: one send over a transport that answers at once (no network) | \(cannedTime.text("µs", digits: 1)) | | | | |
| for comparison: JSONDecoder alone, 1,000 keys (what the client decodes with) | \(String(format: "%.3f s", decodeTime)) | (curl does not decode) | | | |
| list 10,000 keys: requests | \(listRequests) (items: \(seen)) | | | 100 | \(listingMet ? "yes" : "no") |
| list 10,000 keys: resident memory every 1,000 items | \(memory.map { String(format: "%.1f", $0) }.joined(separator: ", ")) MB | | | flat | \(memoryMet ? "yes" : "no") |

"""
print(report)
if arguments.count > 3 { try report.write(toFile: arguments[3], atomically: true, encoding: .utf8) }
