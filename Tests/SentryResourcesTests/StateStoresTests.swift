import Foundation
import SentryResources
import Testing

/// Where `StateStores.open` and the CLI's checks find file state: one reading of a location.
@Suite struct StateStoresTests {
    @Test func pathsAndFileURLsNameDirectories() throws {
        #expect(StateStores.directory(of: "/tmp/state")?.path == "/tmp/state")
        #expect(StateStores.directory(of: "file:///tmp/state")?.path == "/tmp/state")
        #expect(StateStores.directory(of: "FILE:///tmp/state")?.path == "/tmp/state")
        #expect(StateStores.directory(of: "relative/state") == URL(fileURLWithPath: "relative/state"))
        #expect(StateStores.directory(of: "postgres://me@host/db") == nil)
        #expect(StateStores.directory(of: "redis://host") == nil)

        #expect((try StateStores.open("file:///tmp/state") as? FileStateStore)?.root.path == "/tmp/state")
        #expect((try StateStores.open("/tmp/state") as? FileStateStore)?.root.path == "/tmp/state")
        #expect { try StateStores.open("redis://host") } throws: { ($0 as? StateError)?.kind == .invalidConfiguration && "\($0)".contains("\"redis\"") }
    }
}
