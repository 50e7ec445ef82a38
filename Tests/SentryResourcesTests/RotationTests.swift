import Foundation
import SentryAPI
@testable import SentryResources
import SentrySandbox
import Synchronization
import Testing
import TestSupport

/// A clock a test moves by hand, for stacks' rotations.
final class StackClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))  // 2027-01-15T08:00:00Z
    var now: Date { current.withLock { $0 } }
    func advance(days: Double) { current.withLock { $0 += days * 86_400 } }
}

extension World {
    /// A stack on the test's clock; `defaultToken`: what it sends for keys without their own.
    func stack(clock: StackClock, stage: String = "test", mode: Stack.Mode = .apply, defaultToken: String = World.token) throws -> Stack {
        let url = URL(string: server.url)!
        return try Stack(app: "shop", stage: stage, mode: mode, store: store, configuration: { token in
            SentryConfiguration(authToken: token ?? Secret(defaultToken), baseURL: url, retryBudget: 3,
                                initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(50))
        }, now: { clock.now })
    }
}

/// A declared key rotated on a schedule or when asked: the successor made once and its DSN the
/// key's at once, the predecessor kept active for the grace period, then deactivated, then
/// deleted; runs between the steps send nothing but the listing.
@Suite(.serialized) struct RotationTests {
    static let rotation = Rotation(every: .days(90), grace: .days(7), retire: .days(30))

    /// Declares `web` with the rotation, once, in `stack`; returns the changes and the key.
    static func deploy(_ stack: Stack, rotation: Rotation? = RotationTests.rotation, rotateBefore: Date? = nil) async throws -> ([Stack.Change], ClientKey?) {
        let key = Mutex<ClientKey?>(nil)
        let changes = try await stack.run {
            let web = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org", rotation: rotation, rotateBefore: rotateBefore)
            key.withLock { $0 = web }
        }
        return (changes, key.withLock { $0 })
    }

    /// `web` made, then rotated 90 days later: the original key and its successor.
    static func rotatedOnce(_ world: World, clock: StackClock) async throws -> (original: ClientKey, successor: ClientKey) {
        let (_, first) = try await deploy(try world.stack(clock: clock))
        clock.advance(days: 90)
        let (_, second) = try await deploy(try world.stack(clock: clock))
        return (try #require(first), try #require(second))
    }

    @Test func adoptionAfterLostStateTakesTheNewestSuccessorNotThePredecessor() async throws {
        try await World().use { world in
            let clock = StackClock()
            let (original, successor) = try await Self.rotatedOnce(world, clock: clock)
            #expect(successor.name == "Web (rotated 2027-04-15)")

            // The state is lost: a stack with none declares the key again, adopting it.
            let adopt: @Sendable () async throws -> Void = {
                _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org", adopt: true, rotation: Self.rotation)
            }
            let lost = try world.stack(clock: clock, stage: "lost")
            let changes = try await lost.run(adopt)
            #expect(changes.map(\.action) == [.adopt])
            #expect(changes.first?.reason == #"the newest successor of a rotation; the key named "Web" is left alone; next rotation 2027-07-14T00:00:00Z"#,
                    "its rotation counts from the day in its name")
            #expect(changes.first?.fields == [], "the successor keeps its name")
            let records = try await world.store.records(app: "shop", stage: "lost")
            #expect(records.map { $0.string("keyId") } == [successor.id])
            let keys = try await world.serverKeys()
            #expect(keys.count == 2, "nothing made")
            #expect(keys.first { $0.id == original.id }?.name == "Web", "the predecessor is left as it was")

            // The next run knows the successor's name from its record: nothing to do.
            await world.resetLog()
            let again = try await world.stack(clock: clock, stage: "lost").run(adopt)
            #expect(again.map(\.action) == [.noChange])
            #expect(await world.requests() == ["listProjectKeys": 1])
        }
    }

    @Test func predecessorsAreRetiredWithTheTokenTheirKeyWasDeclaredWith() async throws {
        try await World().use { world in
            let clock = StackClock()
            // The stack's own token is refused: only the key's `authToken` opens the project.
            let stack = { try world.stack(clock: clock, stage: "token", defaultToken: "refused-token") }
            let declare: @Sendable () async throws -> Void = {
                _ = try await ClientKey("web", name: "Web", project: "my-project", organization: "my-org", authToken: Secret(World.token), rotation: Self.rotation)
            }
            _ = try await stack().run(declare)
            clock.advance(days: 90)
            #expect(try await stack().run(declare).map(\.action) == [.rotate, .noChange])
            clock.advance(days: 7)
            guard let deactivated = try await world.updating("isActive", { try await stack().run(declare) }) else { return }
            #expect(deactivated.map(\.action) == [.noChange, .update])
            #expect(deactivated.last?.reason == "rotated out; its grace period is over")
            clock.advance(days: 30)
            let deleted = try await stack().run(declare)
            #expect(deleted.map(\.action) == [.noChange, .delete])
            #expect(deleted.last?.reason == "rotated out; its retirement period is over")
            #expect(try await world.serverKeys().count == 1)
        }
    }

    @Test func aRotatedKeysWholeLife() async throws {
        try await World().use { world in
            let clock = StackClock()
            let (created, first) = try await Self.deploy(try world.stack(clock: clock))
            #expect(created.map(\.action) == [.create])
            #expect(created.first?.reason == "next rotation 2027-04-15T08:00:00Z")
            let original = try #require(first)

            clock.advance(days: 1)
            await world.resetLog()
            let (quiet, _) = try await Self.deploy(try world.stack(clock: clock))
            #expect(quiet.map(\.action) == [.noChange])
            #expect(await world.requests() == ["listProjectKeys": 1], "a run before the rotation's time only reads")

            clock.advance(days: 89)  // 90 days after the key was made
            await world.resetLog()
            let (rotated, second) = try await Self.deploy(try world.stack(clock: clock))
            let successor = try #require(second)
            #expect(rotated.map(\.action) == [.rotate, .noChange])
            #expect(rotated.first?.fields == [#"name: "Web" -> "Web (rotated 2027-04-15)""#])
            #expect(rotated.last?.resource == "web~rotated~\(original.id)")
            #expect(rotated.last?.reason == "rotated out; active until 2027-04-22T08:00:00Z, then deactivated")
            #expect(successor.id != original.id)
            #expect(successor.name == "Web (rotated 2027-04-15)")
            #expect(successor.dsn.public.hasPrefix(TestServerProfile.dsnPrefix(publicKey: successor.public)), "the key's DSN is the successor's at once")
            #expect(await world.requests() == ["listProjectKeys": 1, "createProjectKey": 1])
            #expect(try await world.serverKeys().map(\.id).sorted() == [original.id, successor.id].sorted())
            #expect(try await world.serverKeys().allSatisfy { $0.isActive ?? true }, "the predecessor serves through its grace period")

            clock.advance(days: 6)
            await world.resetLog()
            let (graceful, _) = try await Self.deploy(try world.stack(clock: clock))
            #expect(graceful.map(\.action) == [.noChange, .noChange])
            #expect(await world.requests() == ["listProjectKeys": 1])

            clock.advance(days: 1)  // the grace period is over
            await world.resetLog()
            guard let deactivated = try await world.updating("isActive", { try await Self.deploy(try world.stack(clock: clock)).0 }) else { return }
            #expect(deactivated.map(\.action) == [.noChange, .update])
            #expect(deactivated.last?.reason == "rotated out; its grace period is over")
            #expect(await world.requests() == ["listProjectKeys": 1, "updateProjectKey": 1])
            #expect(try await world.serverKeys().first { $0.id == original.id }?.isActive == false)

            clock.advance(days: 1)
            await world.resetLog()
            let (inactive, _) = try await Self.deploy(try world.stack(clock: clock))
            #expect(inactive.map(\.action) == [.noChange, .noChange])
            #expect(inactive.last?.reason == "rotated out; inactive; deleted at 2027-05-22T08:00:00Z")
            #expect(await world.requests() == ["listProjectKeys": 1])

            clock.advance(days: 29)  // 30 days after the deactivation
            await world.resetLog()
            let (retired, _) = try await Self.deploy(try world.stack(clock: clock))
            #expect(retired.map(\.action) == [.noChange, .delete])
            #expect(await world.requests() == ["listProjectKeys": 1, "deleteProjectKey": 1])
            #expect(try await world.serverKeys().map(\.id) == [successor.id])
            #expect(try await world.store.records(app: "shop", stage: "test").map(\.id) == ["web"])

            // The next rotation is due 90 days after the successor was made.
            let (later, _) = try await Self.deploy(try world.stack(clock: clock))
            #expect(later.first?.reason == "next rotation 2027-07-14T08:00:00Z")
        }
    }

    @Test func aRotationAskedForIsPlannedThenMadeOnce() async throws {
        try await World().use { world in
            let clock = StackClock()
            let (_, first) = try await Self.deploy(try world.stack(clock: clock), rotation: nil)
            let original = try #require(first)

            let planning = try world.stack(clock: clock, mode: .plan)
            await planning.rotate("web")
            await world.resetLog()
            let (planned, shown) = try await Self.deploy(planning, rotation: nil)
            #expect(planned.map(\.action) == [.rotate])
            #expect(planned.first?.reason == "rotation asked for; the old key stays active until 2027-01-15T08:00:00Z")
            #expect(shown?.id == original.id, "a plan changes nothing")
            #expect(await world.requests() == ["listProjectKeys": 1])

            let stack = try world.stack(clock: clock)
            await stack.rotate("web")
            // Without a rotation, the predecessor has no grace: deactivated in the same run.
            guard let rotated = try await world.updating("isActive", { try await Self.deploy(stack, rotation: nil).0 }) else { return }
            #expect(rotated.map(\.action) == [.rotate, .update])
            let (again, latest) = try await Self.deploy(stack, rotation: nil)
            #expect(again.map(\.action) == [.noChange, .noChange], "one rotation per request")
            let keys = try await world.serverKeys()
            #expect(keys.count == 2)
            #expect(keys.first { $0.id == original.id }?.isActive == false)
            #expect(keys.first { $0.id == latest?.id }?.isActive == true)
        }
    }

    @Test func aKeyMadeBeforeTheRotateBeforeDateIsRotatedOnceTheDateHasCome() async throws {
        try await World().use { world in
            let clock = StackClock()
            let leakedOn = clock.now.addingTimeInterval(86_400)
            let (first, _) = try await Self.deploy(try world.stack(clock: clock), rotation: nil, rotateBefore: leakedOn)
            #expect(first.map(\.action) == [.create], "the date has not come")
            #expect(first.first?.reason == "next rotation 2027-01-16T08:00:00Z", "made before the date, so rotated when it comes")
            let (waiting, _) = try await Self.deploy(try world.stack(clock: clock), rotation: nil, rotateBefore: leakedOn)
            #expect(waiting.first?.reason == "next rotation 2027-01-16T08:00:00Z", "a plan shows when the date comes")
            clock.advance(days: 2)
            let grace = Rotation(grace: .days(7))
            let (rotated, _) = try await Self.deploy(try world.stack(clock: clock), rotation: grace, rotateBefore: leakedOn)
            #expect(rotated.map(\.action) == [.rotate, .noChange])
            #expect(rotated.first?.reason?.hasPrefix("made before 2027-01-16T08:00:00Z, the rotateBefore date") == true)
            let (after, _) = try await Self.deploy(try world.stack(clock: clock), rotation: grace, rotateBefore: leakedOn)
            #expect(after.map(\.action) == [.noChange, .noChange], "the successor is newer than the date")
        }
    }

    @Test func aLostCreateAnswerDuringARotationMakesOneSuccessor() async throws {
        try await World().use { world in
            let clock = StackClock()
            let (_, first) = try await Self.deploy(try world.stack(clock: clock))
            clock.advance(days: 90)
            await world.sandbox.inject(.dropAfterApplying, on: "createProjectKey")
            let (rotated, successor) = try await Self.deploy(try world.stack(clock: clock))
            #expect(rotated.map(\.action) == [.rotate, .noChange])
            let keys = try await world.serverKeys()
            #expect(keys.count == 2, "\(keys.map(\.name))")
            #expect(Set(keys.map(\.id)) == Set([first?.id, successor?.id].compactMap { $0 }))
        }
    }

    @Test func aStoppedRotationIsFinishedByTheNextRunWithoutASecondSuccessor() async throws {
        try await World().use { world in
            let clock = StackClock()
            let (_, first) = try await Self.deploy(try world.stack(clock: clock))
            let original = try #require(first)
            clock.advance(days: 90)
            // What a run killed after the successor's create leaves: the predecessor's record, the
            // intent to make the successor, and the successor on the server, recorded nowhere.
            let rotatedAt = Int(clock.now.timeIntervalSince1970)
            try await world.store.write(Retirement.record(for: original.id, of: "web", organization: "my-org", project: "my-project",
                                                          rotatedAt: clock.now, rotation: Self.rotation), app: "shop", stage: "test")
            try await world.store.write(ResourceRecord(id: "web", type: "ClientKey", order: 0, attributes: [
                "organization": .string("my-org"), "project": .string("my-project"), "name": .string("Web (rotated 2027-04-15)"),
                "pending": .bool(true), "rotatedAt": .integer(rotatedAt),
            ]), app: "shop", stage: "test")
            await world.sandbox.request("POST", "/api/0/projects/my-org/my-project/keys/", body: #"{"name": "Web (rotated 2027-04-15)"}"#, token: World.token)

            await world.resetLog()
            let (finished, successor) = try await Self.deploy(try world.stack(clock: clock))
            #expect(finished.map(\.action) == [.noChange, .noChange])
            #expect(finished.first?.reason?.hasPrefix("recorded the key an interrupted run created") == true)
            #expect(await world.requests() == ["listProjectKeys": 1], "found, not made again")
            let keys = try await world.serverKeys()
            #expect(keys.count == 2, "\(keys.map(\.name))")
            #expect(successor?.name == "Web (rotated 2027-04-15)")
            #expect(Set(keys.map(\.id)) == Set([original.id, successor?.id ?? ""]))
        }
    }

    /// The state a run stopped right after recording the predecessor leaves: the declared key
    /// still on its old key, and that key's retirement record.
    static func stopAfterRecordingThePredecessor(_ world: World, _ clock: StackClock) async throws -> ClientKey {
        let (_, first) = try await deploy(try world.stack(clock: clock))
        let original = try #require(first)
        clock.advance(days: 90)
        try await world.store.write(Retirement.record(for: original.id, of: "web", organization: "my-org", project: "my-project",
                                                      rotatedAt: clock.now, rotation: rotation), app: "shop", stage: "test")
        return original
    }

    @Test func aRotationStoppedBeforeTheSuccessorIsFinishedAndTheKeyInUseNeverRetired() async throws {
        try await World().use { world in
            let clock = StackClock()
            let original = try await Self.stopAfterRecordingThePredecessor(world, clock)
            // A plan while it is half-done: the predecessor is the key in use, and is left alone.
            clock.advance(days: 8)
            let (planned, _) = try await Self.deploy(try world.stack(clock: clock, mode: .plan), rotation: nil)
            #expect(planned.map(\.action) == [.rotate, .noChange])
            #expect(planned.first?.reason?.hasPrefix("finishing a rotation an interrupted run began") == true)
            #expect(planned.last?.reason == "still in use; its rotation is not finished")

            // Even with the rotation gone from the props, the next run makes the successor.
            let (finished, successor) = try await Self.deploy(try world.stack(clock: clock), rotation: nil)
            #expect(finished.map(\.action) == [.rotate, .noChange])
            #expect(successor?.id != original.id)
            let keys = try await world.serverKeys()
            #expect(keys.count == 2)
            #expect(keys.allSatisfy { $0.isActive ?? true }, "the old key gets its grace period from the rotation that finished")
        }
    }

    @Test func aRenameAfterAStoppedRotationFindsTheSuccessorByItsRecordedName() async throws {
        try await World().use { world in
            let clock = StackClock()
            let original = try await Self.stopAfterRecordingThePredecessor(world, clock)
            try await world.store.write(ResourceRecord(id: "web", type: "ClientKey", order: 0, attributes: [
                "organization": .string("my-org"), "project": .string("my-project"), "name": .string("Web (rotated 2027-04-15)"),
                "pending": .bool(true), "rotatedAt": .integer(Int(clock.now.timeIntervalSince1970)),
            ]), app: "shop", stage: "test")
            await world.sandbox.request("POST", "/api/0/projects/my-org/my-project/keys/", body: #"{"name": "Web (rotated 2027-04-15)"}"#, token: World.token)
            let changes = try await world.updating("name") {
                try await world.stack(clock: clock).run {
                    _ = try await ClientKey("web", name: "Web App", project: "my-project", organization: "my-org", rotation: Self.rotation)
                }
            }
            let keys = try await world.serverKeys()
            #expect(keys.count == 2, "found, not made again: \(keys.map(\.name))")
            guard let changes else { return }
            #expect(changes.first?.fields == [#"name: "Web (rotated 2027-04-15)" -> "Web App (rotated 2027-04-15)""#])
            #expect(Set(keys.map(\.name)) == ["Web", "Web App (rotated 2027-04-15)"])
            #expect(keys.contains { $0.id == original.id })
        }
    }

    @Test func aRotationThatWouldRunEveryTimeIsRefused() async throws {
        await #expect(throws: InvalidProp(field: "rotation.every", rule: "must be longer than 0")) {
            _ = try await ClientKey("web", name: "Web", project: "p", organization: "o", rotation: Rotation(every: .zero, grace: .days(1)))
        }
        #expect(throws: ManifestError.self) {
            try Manifest(yaml: "app: a\norganization: o\nkeys:\n  web: {project: web, rotation: {every: 0, grace: 1d}}\n", environment: [:])
        }
        #expect(Rotation.period("999999999999999999d") == nil, "too long to count in seconds")
    }

    @Test func keysDeletedOutsideTheSDKAroundARotation() async throws {
        try await World().use { world in
            let clock = StackClock()
            let (original, successor) = try await Self.rotatedOnce(world, clock: clock)

            // The predecessor deleted by hand: its phase ends.
            await world.sandbox.request("DELETE", "/api/0/projects/my-org/my-project/keys/\(original.id)/", token: World.token)
            let (ended, _) = try await Self.deploy(try world.stack(clock: clock))
            #expect(ended.last?.action == .delete)
            #expect(ended.last?.reason == "deleted outside the SDK; its rotation phase ends")
            #expect(try await world.store.records(app: "shop", stage: "test").map(\.id) == ["web"])

            // The successor deleted by hand: a key is made again, and its rotation starts over.
            clock.advance(days: 10)
            await world.sandbox.request("DELETE", "/api/0/projects/my-org/my-project/keys/\(successor.id)/", token: World.token)
            let (recreated, third) = try await Self.deploy(try world.stack(clock: clock))
            #expect(recreated.map(\.action) == [.create])
            #expect(recreated.first?.reason == "the key was deleted outside the SDK; created again; its rotation starts over; next rotation 2027-07-24T08:00:00Z")
            #expect(third?.name == "Web")
        }
    }

    @Test func destroyDeletesThePredecessorsToo() async throws {
        try await World().use { world in
            let clock = StackClock()
            _ = try await Self.deploy(try world.stack(clock: clock))
            clock.advance(days: 90)
            _ = try await Self.deploy(try world.stack(clock: clock))
            #expect(try await world.serverKeys().count == 2)
            let changes = try await world.stack(clock: clock).destroy()
            #expect(changes.map(\.action) == [.delete, .delete])
            #expect(try await world.serverKeys().isEmpty)
        }
    }

    @Test func successorNamesFitSentrysLimit() {
        let day = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(Rotation.successorName("Web", rotatedAt: day) == "Web (rotated 2027-01-15)")
        let long = Rotation.successorName(String(repeating: "x", count: 64), rotatedAt: day)
        #expect(long.count == 64)
        #expect(long.hasSuffix(" (rotated 2027-01-15)"))
        #expect(Rotation.successorName("Web (rotated 2026-10-01)", rotatedAt: day) == "Web (rotated 2027-01-15)", "one day in a name, the newest")
        #expect(Rotation.successorName("Web (rotated soon)", rotatedAt: day) == "Web (rotated soon) (rotated 2027-01-15)")
    }
}
