import Foundation
import Logging
import SentryAPI
import SentryResources
import SentrySandbox
import SentrySandboxServer
import Synchronization
import TestSupport

// Random sequences of stack operations against the sandbox, with random faults, checking the
// SDK's promises after every step:
//
// - no duplicate key, ever;
// - once a step succeeds, the server and the stack's state match what is declared;
// - a step that fails leaves state the next run repairs (a run without faults follows each
//   failure and must succeed and match);
// - no secret (key secrets, the token, the password) in any log line, error or state file;
// - rotations (on a schedule, or asked for) never make two successors, the declared key's
//   state always points at its newest key, and every other key on the server is a predecessor
//   the state retires. The stack's clock moves a day a step.
//
// Usage: swift run Soak [--operations N] [--seed S] [--minimum-faults F] [--plant-leak]
// The seed is printed first; the same seed replays the same operations and faults.

struct Options {
    var operations = 2_000
    var seed = UInt64.random(in: 1...UInt64(UInt32.max))
    var minimumFaults = 0
    /// Writes one key secret into the log at the end, to prove the leak check finds it.
    var plantLeak = false

    init(_ arguments: [String]) {
        var index = 1
        while index < arguments.count, arguments[index] == "--plant-leak" || index + 1 < arguments.count {
            if arguments[index] == "--plant-leak" {
                plantLeak = true
                index += 1
                continue
            }
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--operations": operations = Int(value) ?? operations
            case "--seed": seed = UInt64(value) ?? seed
            case "--minimum-faults": minimumFaults = Int(value) ?? minimumFaults
            default: fatalError("unknown option \(arguments[index]); usage: Soak [--operations N] [--seed S] [--minimum-faults F]")
            }
            index += 2
        }
    }
}

/// SplitMix64: small, fast, and the same sequence for the same seed on every platform.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
}

struct Props: Equatable {
    var name: String
    var rateLimit: RateLimit?
    var isActive: Bool
    var adopt = false
    /// Rotated every 6 days, the old key active for 2 more and deleted 3 after that.
    var rotates = false
}

let rotation = Rotation(every: .days(6), grace: .days(2), retire: .days(3))
/// The stacks' clock: a day later at every step.
let soakClock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))

let options = Options(CommandLine.arguments)
print("soak: seed \(options.seed), \(options.operations) operations (replay with --seed \(options.seed))")
var random = Random(state: options.seed)

let token = "soak-token-7f3c91"
let password = "soak-password-2b8e"
let sandbox = try Sandbox(configuration: SandboxConfiguration(seed: [("my-org", ["web"])], tokens: [SandboxToken(token)], defaultKeys: false))
let server = try await SandboxServer.start(sandbox)
let url = URL(string: server.url)!
let logs = LogCapture()
let logger = logs.logger(label: "soak")
let stateRoot = FileManager.default.temporaryDirectory.appendingPathComponent("soak-\(options.seed)-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: stateRoot) }
let requestTimeout = Duration.milliseconds(250)

func configuration(_ explicit: Secret?) -> SentryConfiguration {
    SentryConfiguration(authToken: explicit ?? Secret(token), baseURL: url, connectTimeout: .seconds(2), requestTimeout: requestTimeout,
                        retryBudget: 8, initialBackoff: .milliseconds(2), maximumBackoff: .milliseconds(20), logger: logger)
}

// One stack for the whole soak: every run starts from the stored state, as a new process
// would, and the sealer derives its key (scrypt, slow on purpose) once.
let soakStack = try Stack(app: "soak", stage: "run", store: FileStateStore(root: stateRoot, logger: logger), password: Secret(password),
                          logger: logger, configuration: { configuration($0) }, now: { soakClock.withLock { $0 } })

let checker = SentryClient(configuration: configuration(nil))
var secretsSeen: Set<String> = [token, password]
var violations: [String] = []
var errorTexts: [String] = []

@MainActor func serverKeys() async throws -> [ProjectKey] {
    var keys: [ProjectKey] = []
    for try await key in checker.items(Operations.ListProjectKeys(organizationIdOrSlug: "my-org", projectIdOrSlug: "web")) { keys.append(key) }
    return keys
}

/// The promises, checked with no fault pending.
@MainActor func check(_ desired: [String: Props], after step: Int, _ what: String) async throws {
    let keys = try await serverKeys()
    for key in keys {
        // The secret DSN contains the secret key, so finding the key finds the DSN too.
        if let secret = key.secret { secretsSeen.insert(secret) }
    }
    func violation(_ text: String) { violations.append("step \(step) (\(what)): \(text)") }
    let records = try await FileStateStore(root: stateRoot).records(app: "soak", stage: "run")
    // The predecessors the state retires, by key id; every other key must be a declared one.
    let retiring = records.filter { record in
        if case .string(let owner)? = record.attributes["retiredBy"] { return desired[owner] != nil }
        return false
    }
    let predecessorIDs = Set(retiring.compactMap { record -> String? in
        if case .string(let id)? = record.attributes["keyId"] { return id }
        return nil
    })
    let current = keys.filter { !predecessorIDs.contains($0.id) }
    let names = current.map(\.name)
    let duplicates = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    if !duplicates.isEmpty { violation("duplicate keys \(duplicates)") }
    let expectedByID = Dictionary(uniqueKeysWithValues: desired.map { id, props in (id, expectedName(props, records.first { $0.id == id })) })
    if Set(names) != Set(expectedByID.values) {
        violation("server has \(names.sorted()) besides \(predecessorIDs.count) predecessors, declared \(expectedByID.values.sorted())")
    }
    let byName = Dictionary(current.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    for (id, props) in desired {
        guard let key = byName[expectedByID[id]!] else { continue }
        if key.rateLimit != props.rateLimit { violation("\(id): rate limit \(String(describing: key.rateLimit)), declared \(String(describing: props.rateLimit))") }
        if key.isActive != props.isActive { violation("\(id): active \(String(describing: key.isActive)), declared \(props.isActive)") }
    }
    if Set(records.map(\.id)) != Set(desired.keys).union(retiring.map(\.id)) {
        violation("state has \(records.map(\.id).sorted()), declared \(desired.keys.sorted()) and \(retiring.count) predecessors")
    }
    for record in records {
        guard case .string(let keyId)? = record.attributes["keyId"], let props = desired[record.id] else { continue }
        let name = expectedName(props, record)
        if byName[name]?.id != keyId { violation("\(record.id): state points at \(keyId), the server's key is \(byName[name]?.id ?? "missing")") }
    }
}

/// The name a declared key has on the server: a rotation's successor carries its day.
func expectedName(_ props: Props, _ record: ResourceRecord?) -> String {
    guard case .integer(let rotatedAt)? = record?.attributes["rotatedAt"] else { return props.name }
    return Rotation.successorName(props.name, rotatedAt: Date(timeIntervalSince1970: TimeInterval(rotatedAt)))
}

/// Makes a change on the server behind the SDK's back (no fault is pending when it runs).
@MainActor func drift(_ keyId: String, delete: Bool, rename: String?) async {
    let path = "/api/0/projects/my-org/web/keys/\(keyId)/"
    let headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
    if delete {
        _ = await sandbox.handle(SandboxRequest(method: "DELETE", path: path, headers: headers))
    } else {
        let body = rename.map { #"{"name": "\#($0)"}"# } ?? #"{"isActive": false, "rateLimit": {"window": 60, "count": 7}}"#
        _ = await sandbox.handle(SandboxRequest(method: "PUT", path: path, headers: headers, body: Data(body.utf8)))
    }
}

func declare(_ desired: [String: Props]) -> @Sendable () async throws -> Void {
    let keys = desired.sorted { $0.key < $1.key }
    return {
        for (id, props) in keys {
            _ = try await ClientKey(id, name: props.name, project: "web", organization: "my-org", rateLimit: props.rateLimit,
                                    adopt: props.adopt, isActive: props.isActive, rotation: props.rotates ? rotation : nil)
        }
    }
}

let faultKinds: [SandboxFault] = [
    .status(500), .status(502), .status(503), .rateLimited(resetAfter: 0), .rateLimited(resetAfter: 0),
    .delay(requestTimeout + .milliseconds(150)), .dropBeforeApplying, .dropAfterApplying, .malformedBody,
]
let faultTargets: [String?] = [nil, nil, "createProjectKey", "updateProjectKey", "deleteProjectKey", "listProjectKeys"]

/// The state files as they are now (secrets must not be in them at any point).
func readStateFiles() -> [String] {
    (FileManager.default.enumerator(at: stateRoot, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
        .filter { !$0.hasDirectoryPath }.compactMap { try? String(contentsOf: $0, encoding: .utf8) }
}
var stateTexts: Set<String> = []

var desired: [String: Props] = [:]
var counter = 0
var failures = 0
var operationCounts: [String: Int] = [:]
let started = ContinuousClock.now

for step in 1...options.operations {
    // The operation: a change to what is declared, or to the server behind the SDK's back.
    var next = desired
    var operation: String
    let ids = next.keys.sorted()
    counter += 1
    switch random.below(100) {
    case 0..<18 where next.count < 8:
        operation = "add"
        next["k\(counter)"] = Props(name: "Key \(counter)", rateLimit: random.chance(50) ? RateLimit(window: 60 * (1 + random.below(60)), count: 1 + random.below(5000)) : nil,
                                   isActive: random.chance(85), rotates: random.chance(40))
    case 0..<30 where !ids.isEmpty:
        operation = "change props"
        let id = random.pick(ids)
        next[id]!.rateLimit = RateLimit(window: 60 * (1 + random.below(60)), count: 1 + random.below(5000))
        next[id]!.isActive.toggle()
    case 30..<42 where !ids.isEmpty:
        operation = "rename"
        next[random.pick(ids)]!.name = "Key \(counter) renamed"
    case 42..<50 where !ids.isEmpty:
        operation = "clear rate limit"
        next[random.pick(ids)]!.rateLimit = nil
    case 50..<56 where !ids.isEmpty:
        operation = "deactivate"
        next[random.pick(ids)]!.isActive = false
    case 56..<64 where !ids.isEmpty:
        operation = "remove"
        next[random.pick(ids)] = nil
    case 64..<72 where next.count < 8:
        operation = "adopt"
        let name = "Adopted \(counter)"
        _ = await sandbox.handle(SandboxRequest(method: "POST", path: "/api/0/projects/my-org/web/keys/",
                                                headers: ["Authorization": "Bearer \(token)"], body: Data(#"{"name": "\#(name)"}"#.utf8)))
        next["a\(counter)"] = Props(name: name, rateLimit: nil, isActive: true, adopt: true)
    case 72..<82 where !ids.isEmpty:
        operation = "drift"
        let id = random.pick(ids)
        let record = try await FileStateStore(root: stateRoot).records(app: "soak", stage: "run").first { $0.id == id }
        if let key = try await serverKeys().first(where: { $0.name == expectedName(next[id]!, record) }) {
            let kind = random.below(3)
            await drift(key.id, delete: kind == 0, rename: kind == 1 ? "Changed by hand \(counter)" : nil)
        }
    case 82..<86:
        operation = "destroy"
        next = [:]
    case 86..<92 where !ids.isEmpty:
        operation = "rotate"
        await soakStack.rotate(random.pick(ids))
    default:
        operation = "deploy"
    }
    operationCounts[operation, default: 0] += 1
    soakClock.withLock { $0 += 86_400 }

    // Faults for this step.
    var delayed = false
    for _ in 0..<random.below(3) {
        let fault = random.pick(faultKinds)
        if case .delay = fault { delayed = true }
        await sandbox.inject(fault, on: random.pick(faultTargets))
    }

    let failed: Bool
    do {
        if operation == "destroy" { try await soakStack.destroy() } else { try await soakStack.run(declare(next)) }
        failed = false
    } catch {
        errorTexts.append(String(describing: error))
        failed = true
        failures += 1
    }
    await sandbox.clearFaults()
    desired = next
    if failed {
        // A request delayed past the client's timeout is still applied by the server; the
        // next run comes after it, as a rerun would in life.
        if delayed { try await Task.sleep(for: .milliseconds(500)) }
        do {
            if operation == "destroy" { try await soakStack.destroy() } else { try await soakStack.run(declare(desired)) }
        } catch {
            errorTexts.append(String(describing: error))
            violations.append("step \(step) (\(operation)): the run after a failed one did not repair it: \(error)")
        }
    }
    try await check(desired, after: step, operation)
    if step % 20 == 0 { stateTexts.formUnion(readStateFiles()) }
    if violations.count > 20 { break }
}

let elapsed = ContinuousClock.now - started
// Secrets: in no log line, error, or state file.
var leaks = 0
stateTexts.formUnion(readStateFiles())
if options.plantLeak, let secret = secretsSeen.first(where: { $0.count == 32 }) {
    logger.debug("planted: dsn https://abc:\(secret)@o1.ingest.example/2")
}
let haystacks = logs.lines + errorTexts + Array(stateTexts)
// Key secrets are 32 hex digits: every run of hex digits in a text is looked up in the set of
// secrets (a DSN with its secret contains it too); the token and password are searched as is.
let keySecrets = secretsSeen.filter { $0.count == 32 && $0.allSatisfy(\.isHexDigit) }
let otherSecrets = secretsSeen.subtracting(keySecrets).filter { !$0.isEmpty }
func leakedSecret(in text: String) -> String? {
    if let other = otherSecrets.first(where: { text.contains($0) }) { return other }
    for run in text.split(whereSeparator: { !$0.isHexDigit }) where run.count >= 32 {
        if let hit = windows(of: run).first(where: keySecrets.contains) { return hit }
    }
    return nil
}
func windows(of run: Substring) -> [String] {
    let characters = Array(run)
    return (0...(characters.count - 32)).map { String(characters[$0..<$0 + 32]) }
}
for text in haystacks {
    if let secret = leakedSecret(in: text) {
        leaks += 1
        violations.append("a secret appears in: \(text.replacingOccurrences(of: secret, with: "<the secret>").prefix(200))")
    }
}
try await checker.shutdown()
let applied = await sandbox.faultsApplied
await server.stop()

print("soak: \(options.operations) operations (\(operationCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))")
print("soak: \(applied) faults applied, \(failures) steps failed and were repaired by the next run, \(logs.lines.count) log lines and \(stateTexts.count) versions of state files searched for \(secretsSeen.count) secrets")
print("soak: \(violations.count) invariant violations, in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
for violation in violations.prefix(20) { print("  \(violation)") }
if !violations.isEmpty { exit(1) }
if applied < options.minimumFaults {
    print("soak: fewer faults than the \(options.minimumFaults) asked for")
    exit(1)
}
