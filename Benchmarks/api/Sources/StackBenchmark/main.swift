import Foundation
import SentryAPI
import SentryResources
import SentrySandbox

// A stack of 500 keys across 5 projects against the sandbox with sentry.io's rate limit on
// (40 requests a second per endpoint): first deploy, no-op rerun, rename all, destroy. For each
// phase: requests made against the fewest the phase needs, and wall time against the time the
// rate limit alone forces.

let projects = (1...5).map { "project-\($0)" }
let perProject = 100
let token = "bench-token"
let sandbox = try Sandbox(configuration: SandboxConfiguration(
    seed: [("bench", projects)], tokens: [SandboxToken(token)], rateLimit: .sentry))
let server = try await SandboxServer.start(sandbox)
let stateRoot = FileManager.default.temporaryDirectory.appendingPathComponent("stack-bench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: stateRoot) }

func stack() throws -> Stack {
    let url = URL(string: server.url)!
    return try Stack(app: "bench", stage: "prod", store: FileStateStore(root: stateRoot)) { _ in
        SentryConfiguration(authToken: Secret(token), baseURL: url, retryBudget: 20)
    }
}

func declare(suffix: String) -> @Sendable () async throws -> Void {
    {
        for project in projects {
            for index in 0..<perProject {
                _ = try await ClientKey("\(project)-\(index)", name: "Key \(project) \(index)\(suffix)", project: project, organization: "bench")
            }
        }
    }
}

struct Phase {
    var name: String
    var requests: Int
    var minimum: Int
    var seconds: Double
    /// The wall time the rate limit forces: per endpoint, one second per 40 requests past the first 40.
    var floor: Double
}

func measure(_ name: String, minimum: [String: Int], _ body: () async throws -> Void) async throws -> Phase {
    await sandbox.clearRequestLog()
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    let log = await sandbox.requestLog()
    let answered = log.filter { $0.status != 429 }.count
    let floor = minimum.values.map { Double(max(0, $0 - 1) / 40) }.reduce(0, +)
    return Phase(name: name, requests: answered + log.filter { $0.status == 429 }.count, minimum: minimum.values.reduce(0, +),
                 seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, floor: floor)
}

let total = projects.count * perProject
var phases: [Phase] = []
// One listing per project (100 keys fit one page), then one request per key.
phases.append(try await measure("first deploy", minimum: ["list": projects.count, "create": total]) { try await stack().run(declare(suffix: "")) })
phases.append(try await measure("no-op rerun", minimum: ["list": projects.count]) { try await stack().run(declare(suffix: "")) })
phases.append(try await measure("rename all", minimum: ["list": projects.count, "update": total]) { try await stack().run(declare(suffix: " v2")) })
phases.append(try await measure("destroy", minimum: ["delete": total]) { try await stack().destroy() })
let rateLimited = await sandbox.requestLog().filter { $0.status == 429 }.count
await server.stop()

var report = """
A stack of \(total) keys in \(projects.count) projects, sandbox with sentry.io's rate limit (40 requests/s per endpoint); \(ISO8601DateFormatter().string(from: Date()).prefix(10)); \(ProcessInfo.processInfo.processorCount) cores

| phase | requests (429s included) | minimum | wall time | rate-limit floor | wall / floor | goal |
| --- | --- | --- | --- | --- | --- | --- |

"""
for phase in phases {
    let ratio = phase.floor > 0 ? String(format: "%.2fx", phase.seconds / phase.floor) : "-"
    report += "| \(phase.name) | \(phase.requests) | \(phase.minimum) | \(String(format: "%.2f s", phase.seconds)) | \(String(format: "%.0f s", phase.floor)) | \(ratio) | requests = minimum, wall <= 1.2x floor |\n"
}
print(report)
if CommandLine.arguments.count > 1 { try report.write(toFile: CommandLine.arguments[1], atomically: true, encoding: .utf8) }
_ = rateLimited
