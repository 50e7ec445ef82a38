import Foundation
import SentryAPI
import SentryResources
import SentrySandbox
import SentrySandboxServer

// The four keys of the seed (a basic key, a rate-limited key, a key for a use case, an existing
// key adopted by name), declared in one stack and run twice against a sandbox on loopback: the
// first run creates or adopts them, the second changes nothing. Then the stack is destroyed.
// Against sentry.io, leave out the sandbox and the `configuration:` argument: the token comes
// from SENTRY_AUTH_TOKEN (or ./.env).

// A sandbox with the organization and project, and a token allowed to create the internal
// use cases (on sentry.io only Sentry's staff can).
let token = "example-token"
let sandbox = try Sandbox(configuration: SandboxConfiguration(
    seed: [("my-org", ["my-project"])], tokens: [SandboxToken(token, isSuperuser: true)]))
let server = try await SandboxServer.start(sandbox)
let sandboxURL = URL(string: server.url)!
let configuration: @Sendable (Secret?) throws -> SentryConfiguration = { explicit in
    SentryConfiguration(authToken: explicit ?? Secret(token), baseURL: sandboxURL)
}

// A key made by hand earlier, for the adopt example to find.
let client = SentryClient(configuration: try configuration(nil))
let existing = try await client.send(Operations.CreateProjectKey(
    organizationIdOrSlug: "my-org", projectIdOrSlug: "my-project", body: CreateProjectKeyRequest(name: "Existing Key")))
try await client.shutdown()

let state = FileManager.default.temporaryDirectory.appendingPathComponent("sentry-sdk-example-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: state) }
let stack = try Stack(app: "example", stage: "dev", store: FileStateStore(root: state), configuration: configuration)

@Sendable func declareKeys() async throws {
    // Create a basic client key.
    let basic = try await ClientKey("my-key", name: "My Key", project: "my-project", organization: "my-org")

    // Create a client key with rate limiting: 1,000 events an hour.
    let limited = try await ClientKey("rate-limited-key", name: "Rate Limited Key", project: "my-project",
                                      organization: "my-org", rateLimit: RateLimit(window: 3600, count: 1000))

    // Create a client key for a specific use case, with its own auth token.
    let profiling = try await ClientKey("profiling-key", name: "Profiling Key", project: "my-project",
                                        organization: "my-org", useCase: "profiling", authToken: Secret(token))

    // Adopt the existing key of that name instead of creating another.
    let adopted = try await ClientKey("existing-key", name: "Existing Key", project: "my-project",
                                      organization: "my-org", adopt: true)

    for key in [basic, limited, profiling, adopted] {
        let limit = key.rateLimit.map { "\($0.count) per \($0.window) s" } ?? "no rate limit"
        print("  \(key.name): \(key.dsn.public) (\(limit))")
    }
    guard adopted.id == existing.id else { throw ExampleFailure("the existing key was not adopted") }
}

print("First run:")
let first = try await stack.run { try await declareKeys() }
first.forEach { print("  \($0)") }
print("Second run:")
let second = try await stack.run { try await declareKeys() }
second.forEach { print("  \($0)") }
let destroyed = try await stack.destroy()
print("Destroyed: \(destroyed.count) keys")

let requests = await sandbox.requestLog().count
await server.stop()
guard first.map(\.action) == [.create, .create, .create, .adopt], second.allSatisfy({ $0.action == .noChange }),
      destroyed.count == 4
else { throw ExampleFailure("unexpected changes: \(first), \(second), \(destroyed)") }
print("OK: 4 keys declared, created or adopted, unchanged on the second run, destroyed (\(requests) requests).")

struct ExampleFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
