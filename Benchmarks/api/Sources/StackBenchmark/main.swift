import BenchmarkSupport
import Foundation
import SentryAPI
import SentryResources
import SentrySandbox
import SentrySandboxServer

// A stack of keys (500 by default) across 5 projects against the sandbox with sentry.io's rate
// limit on (40 requests a second per endpoint): first deploy, no-op rerun, rename all, destroy.
// For each phase: requests made against the fewest the phase needs, and wall time against the
// time the rate limit alone forces. Each run starts from a new sandbox and empty state.
//
// Usage: StackBenchmark [KEYS] [RUNS] [TABLE_FILE]

let arguments = CommandLine.arguments
let projects = (1...5).map { "project-\($0)" }
let perProject = (arguments.count > 1 ? Int(arguments[1]) ?? 500 : 500) / projects.count
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
let token = "bench-token"
nonisolated(unsafe) var sandbox: Sandbox!
nonisolated(unsafe) var server: SandboxServer!
nonisolated(unsafe) var stateRoot: URL!

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
var runsOfPhases: [[Phase]] = []
for _ in 0..<runs {
    sandbox = try Sandbox(configuration: SandboxConfiguration(seed: [("bench", projects)], tokens: [SandboxToken(token)], defaultKeys: false, rateLimit: .sentry))
    server = try await SandboxServer.start(sandbox)
    stateRoot = FileManager.default.temporaryDirectory.appendingPathComponent("stack-bench-\(UUID().uuidString)")
    var phases: [Phase] = []
    // One listing per project (a page holds 100 keys), then one request per key.
    let lists = projects.count * ((perProject + 99) / 100)
    phases.append(try await measure("first deploy", minimum: ["list": lists, "create": total]) { try await stack().run(declare(suffix: "")) })
    phases.append(try await measure("no-op rerun", minimum: ["list": lists]) { try await stack().run(declare(suffix: "")) })
    phases.append(try await measure("rename all", minimum: ["list": lists, "update": total]) { try await stack().run(declare(suffix: " v2")) })
    phases.append(try await measure("destroy", minimum: ["delete": total]) { try await stack().destroy() })
    await server.stop()
    try? FileManager.default.removeItem(at: stateRoot)
    runsOfPhases.append(phases)
}

let title = "A stack of \(total) keys in \(projects.count) projects, sandbox with sentry.io's rate limit (40 requests/s per endpoint)"
var report = """
\(title); \(runs) runs, median (min-max); \(ISO8601DateFormatter().string(from: Date()).prefix(10)); \(ProcessInfo.processInfo.processorCount) cores

| phase | requests (429s included), every run | minimum | wall time | rate-limit floor | wall / floor | goal | met |
| --- | --- | --- | --- | --- | --- | --- | --- |

"""
for index in runsOfPhases[0].indices {
    let phase = runsOfPhases[0][index]
    let requests = Set(runsOfPhases.map { $0[index].requests }).sorted()
    let wall = Spread(runsOfPhases.map { $0[index].seconds })
    let ratio = phase.floor > 0 ? String(format: "%.2fx", wall.median / phase.floor) : "-"
    let met = requests == [phase.minimum] && (phase.floor == 0 || wall.median <= 1.2 * phase.floor)
    let goal = "requests = minimum, wall <= 1.2x floor"
    report += "| \(phase.name) | \(requests.map(String.init).joined(separator: ", ")) | \(phase.minimum) | \(wall.text("s", digits: 2)) | \(String(format: "%.0f s", phase.floor)) | \(ratio) | \(goal) | \(met ? "yes" : "no") |\n"
    recordRow(benchmark: "Stack of \(total) keys vs the rate limit's floor", measure: "\(phase.name): requests; wall time",
              ours: "\(requests.map(String.init).joined(separator: ", ")) requests; \(wall.text("s", digits: 2))",
              theirs: "\(phase.minimum) requests; \(String(format: "%.0f s", phase.floor))", ratio: ratio, goal: goal, met: met)
}
print(report)
if arguments.count > 3 { try report.write(toFile: arguments[3], atomically: true, encoding: .utf8) }
