import PostgresNIO
import SentryResources
import Synchronization

/// A held advisory lock, on the connection it was taken on.
final class PostgresStateLock: StateLock {
    let store: PostgresStateStore
    let connection: PostgresConnection
    let app: String
    let stage: String
    let key: Int64
    private let released = Mutex(false)

    init(store: PostgresStateStore, connection: PostgresConnection, app: String, stage: String, key: Int64) {
        self.store = store
        self.connection = connection
        self.app = app
        self.stage = stage
        self.key = key
    }

    func release() async {
        guard released.withLock({ done in defer { done = true }; return !done }) else { return }
        await store.release(self)
    }
}
