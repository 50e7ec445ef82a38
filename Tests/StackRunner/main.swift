import Foundation
import SentryAPI
import SentryPostgresState
import SentryResources

// One run of a stack in a process of its own, for the tests that run two at once or kill one
// with SIGKILL half-way: declares keys `<prefix>k0` ... `<prefix>k<N-1>` named `Key <i> <suffix>` in
// my-org/web.
//
// Usage: StackRunner --url URL --token TOKEN --state DIR|POSTGRES_URL --keys N [--suffix S] [--id-prefix P] [--rotate ID]
//                    [--hold-ms MS] [--lock-timeout-ms MS]
// --rotate asks for a rotation of that key in this run (its old key serves a week more).
// Exit status: 0 done (prints the changes), 3 the stack was locked by another run, 1 any other error.

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst(), let value = arguments.popFirst() { options[name] = value }
guard let url = options["--url"].flatMap(URL.init(string:)), let token = options["--token"], let state = options["--state"],
      let count = options["--keys"].flatMap(Int.init)
else {
    FileHandle.standardError.write(Data("usage: StackRunner --url URL --token TOKEN --state DIR --keys N [--suffix S] [--hold-ms MS] [--lock-timeout-ms MS]\n".utf8))
    exit(2)
}
let suffix = options["--suffix"] ?? ""
let prefix = options["--id-prefix"] ?? ""
let rotate = options["--rotate"]
let hold = Int(options["--hold-ms"] ?? "0") ?? 0
let lockTimeout = Int(options["--lock-timeout-ms"] ?? "30000") ?? 30_000

PostgresStateStore.register()
let stack = try Stack(app: "runner", stage: "test", store: StateStores.open(state)) { explicit in
    SentryConfiguration(authToken: explicit ?? Secret(token), baseURL: url, retryBudget: 3,
                        initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(50))
}
if let rotate { await stack.rotate(rotate) }
do {
    let changes = try await stack.run(lockTimeout: .milliseconds(lockTimeout)) {
        for index in 0..<count {
            // Rotated only when asked; the old key then serves a week more.
            _ = try await ClientKey("\(prefix)k\(index)", name: "Key \(index) \(suffix)", project: "web", organization: "my-org",
                                    rotation: Rotation(grace: .days(7)))
        }
        if hold > 0 { try await Task.sleep(for: .milliseconds(hold)) }
    }
    print("done: \(changes.map(\.description).joined(separator: "; "))")
} catch {
    print("\(error)")
    exit((error as? StateError)?.kind == .locked ? 3 : 1)
}
