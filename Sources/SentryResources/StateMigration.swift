#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Moves a stack's state from one store to another (files to PostgreSQL, or back), holding
/// both stores' locks so that no run changes either meanwhile.
public enum StateMigration {
    /// Copies every record of a stack from `source` to `destination`, then reads the
    /// destination back and checks that it holds exactly the same records. The source is left
    /// as it was, so that the move can be undone until it is deleted by hand.
    ///
    /// Sealed secrets are copied as they are: the same password opens them in either store.
    ///
    /// - Parameters:
    ///   - app: the stack's application.
    ///   - stage: the stack's stage.
    ///   - source: where the state is now.
    ///   - destination: where it goes.
    ///   - replace: when the destination already has state for this stack, replace it;
    ///     otherwise that is an error, so that nothing there is lost by accident.
    ///   - lockTimeout: how long to wait for a run that holds either store's lock.
    /// - Returns: how many records were copied.
    @discardableResult
    public static func copy(app: String, stage: String, from source: any StateStore, to destination: any StateStore,
                            replace: Bool = false, lockTimeout: Duration = .seconds(30)) async throws -> Int {
        let sourceLock = try await source.lock(app: app, stage: stage, timeout: lockTimeout)
        let destinationLock: any StateLock
        do {
            destinationLock = try await destination.lock(app: app, stage: stage, timeout: lockTimeout)
        } catch {
            await sourceLock.release()
            throw error
        }
        do {
            let count = try await copyLocked(app: app, stage: stage, from: source, to: destination, replace: replace)
            await destinationLock.release()
            await sourceLock.release()
            return count
        } catch {
            await destinationLock.release()
            await sourceLock.release()
            throw error
        }
    }

    private static func copyLocked(app: String, stage: String, from source: any StateStore, to destination: any StateStore,
                                   replace: Bool) async throws -> Int {
        let records = try await source.records(app: app, stage: stage)
        let existing = try await destination.records(app: app, stage: stage)
        if !existing.isEmpty && existing != records && !replace {
            throw StateError(.conflict, "The destination already has state for \(app)/\(stage) (\(existing.count) resources); nothing was copied. Pass replace (--replace) to overwrite it.")
        }
        for record in records { try await destination.write(record, app: app, stage: stage) }
        let copied = Set(records.map(\.id))
        for record in existing where !copied.contains(record.id) { try await destination.delete(id: record.id, app: app, stage: stage) }

        let written = try await destination.records(app: app, stage: stage)
        guard written == records else {
            throw StateError(.conflict, "The copy of \(app)/\(stage) differs from its source after writing (\(written.count) of \(records.count) records match); the source is unchanged.")
        }
        return records.count
    }
}
