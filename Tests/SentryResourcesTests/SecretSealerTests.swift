import Foundation
import SentryAPI
@testable import SentryResources
import Testing
import TestSupport

@Suite struct SecretSealerTests {
    // Fewer scrypt rounds than the default keep the tests quick; the algorithm is the same.
    let sealer: SecretSealer
    init() throws { sealer = try SecretSealer(password: "correct horse", rounds: 1 << 10) }

    @Test func roundTrip() throws {
        let sealed = try sealer.seal("189485c3b8ccf582bf5e12c530ef8858")
        #expect(try sealer.open(sealed).revealed == "189485c3b8ccf582bf5e12c530ef8858")
        #expect(sealed.algorithm == "AES-256-GCM/scrypt")
        #expect(sealed.rounds == 1024)
    }

    @Test func theStoredFormHoldsNoClearText() throws {
        let secret = "https://a785682d:bcd99b3790b3441c85ce4b1eaa854f66@o1.ingest.sentry.io/1"
        let sealed = try sealer.seal(Secret(secret))
        let json = String(decoding: try JSONEncoder().encode(sealed), as: UTF8.self)
        #expect(!json.contains("bcd99b3790b3441c85ce4b1eaa854f66"))
        #expect(!json.contains("a785682d"))
        #expect(try sealer.seal(Secret(secret)) != sealed, "a fresh nonce every time")
    }

    @Test func aWrongPasswordIsAClearError() throws {
        let sealed = try sealer.seal("secret")
        let other = try SecretSealer(password: "wrong", rounds: 1 << 10)
        #expect(throws: SecretSealerError.wrongPassword) { try other.open(sealed) }
        #expect(SecretSealerError.wrongPassword.description.contains("SENTRY_SDK_PASSWORD"))
    }

    @Test func tamperedSecretsDoNotOpen() throws {
        var sealed = try sealer.seal("secret")
        var bytes = Data(base64Encoded: sealed.box)!
        bytes[bytes.count - 1] ^= 0x01
        sealed.box = bytes.base64EncodedString()
        #expect(throws: SecretSealerError.self) { try sealer.open(sealed) }
    }

    @Test func passwordComesFromTheEnvironment() throws {
        #expect(try SecretSealer.fromEnvironment([:]) == nil)
        #expect(try SecretSealer.fromEnvironment(["SENTRY_SDK_PASSWORD": "pw"]) != nil)
        #expect(throws: SecretSealerError.self) { try SecretSealer.fromEnvironment(["SENTRY_SDK_PASSWORD": ""]) }
    }

    @Test func theDefaultKDFIsExpensive() throws {
        let strong = try SecretSealer(password: "pw")
        #expect(try strong.seal("x").rounds == 32_768)
    }
}

@Suite struct FileStateStoreTests {
    let directory: TemporaryDirectory
    let root: URL
    let store: FileStateStore

    init() throws {
        directory = try TemporaryDirectory("state")
        root = directory.url.appendingPathComponent(".sentry-sdk")
        store = FileStateStore(root: root)
    }

    func record(_ id: String, order: Int) -> ResourceRecord {
        ResourceRecord(id: id, type: "ClientKey", order: order, attributes: ["name": .string("Key \(id)"), "projectId": .integer(7)])
    }

    @Test func recordsRoundTripInCreationOrder() async throws {
        #expect(try await store.records(app: "shop", stage: "prod").isEmpty)
        try await store.write(record("b", order: 2), app: "shop", stage: "prod")
        try await store.write(record("a", order: 1), app: "shop", stage: "prod")
        try await store.write(record("other-stage", order: 1), app: "shop", stage: "dev")
        #expect(try await store.records(app: "shop", stage: "prod").map(\.id) == ["a", "b"])
        var changed = record("a", order: 1)
        changed.attributes["name"] = .string("Renamed")
        try await store.write(changed, app: "shop", stage: "prod")
        #expect(try await store.records(app: "shop", stage: "prod").first == changed)
        try await store.delete(id: "a", app: "shop", stage: "prod")
        try await store.delete(id: "a", app: "shop", stage: "prod")
        #expect(try await store.records(app: "shop", stage: "prod").map(\.id) == ["b"])
    }

    @Test func filesArePrivateAndWrittenAtomically() async throws {
        try await store.write(record("web key/1", order: 1), app: "shop", stage: "prod")
        let directory = root.appendingPathComponent("shop/prod")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names == ["web%20key%2F1.json"], "one file per resource, no temporary files left")
        let fileMode = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(names[0]).path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        let directoryMode = try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int
        #expect(directoryMode == 0o700)
        #expect(try await store.records(app: "shop", stage: "prod").map(\.id) == ["web key/1"])
    }

    @Test func aStateDirectoryOthersCanReadIsReported() async throws {
        let directory = root.appendingPathComponent("shop/prod")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let logs = LogCapture()
        let loose = FileStateStore(root: root, logger: logs.logger(label: "state"))
        _ = try await loose.records(app: "shop", stage: "prod")
        #expect(logs.lines.contains { $0.contains("can be read by other users (mode 755); run chmod 700 on it.") }, "\(logs.lines)")
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        let tight = LogCapture()
        _ = try await FileStateStore(root: root, logger: tight.logger(label: "state")).records(app: "shop", stage: "prod")
        #expect(tight.lines.isEmpty)
    }

    @Test func aSecondRunWaitsThenFailsNamingTheHolder() async throws {
        let first = try await store.lock(app: "shop", stage: "prod", timeout: .seconds(1))
        do {
            _ = try await store.lock(app: "shop", stage: "prod", timeout: .milliseconds(200))
            Issue.record("the second lock should not be granted")
        } catch let error as StateError {
            #expect(error.kind == .locked)
            #expect(error.description.hasPrefix("The stack shop/prod is locked by another run (process \(getpid()) on "))
        }
        await first.release()
        let second = try await store.lock(app: "shop", stage: "prod", timeout: .milliseconds(200))
        await second.release()
    }

    @Test func aBrokenStateFileIsAClearError() async throws {
        try await store.write(record("a", order: 1), app: "shop", stage: "prod")
        try Data("{not json".utf8).write(to: root.appendingPathComponent("shop/prod/a.json"))
        await #expect(throws: StateError.self) { try await store.records(app: "shop", stage: "prod") }
    }
}
