import SentryAPI

/// What a run of a manifest did (or, planned, would do): each change, and each key's outputs.
public struct ManifestRun: Sendable {
    /// A declared key and what the server has for it.
    public struct Key: Sendable {
        /// The key as the manifest declares it.
        public var declaration: Manifest.Key
        /// The key's outputs; ``ClientKey/isPlanned`` for a key a plan would create.
        public var outputs: ClientKey
    }

    /// What changed, in the order it happened: the keys in the manifest's order, then deletions.
    public var changes: [Stack.Change]
    /// The manifest's keys, in its order.
    public var keys: [Key]
    /// False when the plan was made but not applied (``Stack/apply(_:lockTimeout:confirm:)``
    /// was told not to go on).
    public var applied: Bool
}

/// A run that did part of its work: some keys failed, the others were brought up to date, and
/// nothing was deleted. State records exactly what was done, so the next run finishes the job.
public struct PartialRunError: Error, Sendable, CustomStringConvertible {
    /// What was done (or planned) for the keys that did not fail.
    public var completed: [Stack.Change]
    /// The keys that failed, each with its error.
    public var failures: [(resource: String, error: any Error)]
    /// Whether the run wrote (`false` in a plan, whose `completed` is only planned).
    public var applied: Bool

    public var description: String {
        let failed = failures.map { "\($0.resource): \($0.error)" }.joined(separator: "; ")
        let done = completed.isEmpty ? "nothing" : completed.map(\.description).joined(separator: "; ")
        let count = "\(counted(failures.count, "key")) failed (\(failed))."
        return applied ? "\(count) Done: \(done). Nothing was deleted; the next run finishes the job." : "\(count) Planned for the others: \(done)."
    }
}

extension Stack {
    /// Declares the manifest's keys and brings the server to them, then deletes what earlier
    /// runs declared and this one does not; in `.plan`, reports what it would do.
    ///
    /// Every key is tried even when one fails; then, if any failed, nothing is deleted and a
    /// ``PartialRunError`` says what was done and what was not.
    ///
    /// - Parameters:
    ///   - manifest: the keys to declare.
    ///   - lockTimeout: how long to wait for another run that holds the stack's lock.
    public func run(_ manifest: Manifest, lockTimeout: Duration = .seconds(30)) async throws -> ManifestRun {
        var result: ManifestRun?
        try await locked(lockTimeout) { result = try await pass(manifest) }
        return result!
    }

    /// Plans the manifest, hands the plan to `confirm`, and applies it if `confirm` returns
    /// true: under one hold of the lock, and from one reading of each project's keys, so that
    /// an apply costs no more requests than a run.
    ///
    /// - Parameters:
    ///   - manifest: the keys to declare.
    ///   - lockTimeout: how long to wait for another run that holds the stack's lock.
    ///   - confirm: sees the plan; returns whether to go on, or throws to stop.
    /// - Returns: the applied run, or the plan (`applied` false) when `confirm` said no.
    public func apply(_ manifest: Manifest, lockTimeout: Duration = .seconds(30),
                      confirm: @Sendable (_ plan: [Change]) async throws -> Bool) async throws -> ManifestRun {
        var result: ManifestRun?
        try await locked(lockTimeout) {
            startPass(writes: false, rereadServer: false)
            var plan = try await pass(manifest)
            plan.applied = false
            guard try await confirm(plan.changes) else {
                result = plan
                return
            }
            // Another run of the stack cannot change the keys it tracks while the lock is held, so
            // the listings read for the plan still hold every one of them. Changes made meanwhile
            // outside the SDK (by hand, or `sentry-sdk keys`) are not seen until the next run.
            startPass(writes: mode == .apply, rereadServer: false)
            result = try await pass(manifest)
        }
        return result!
    }

    /// Lists what ``destroy(lockTimeout:)`` would delete, hands it to `confirm`, and deletes it
    /// if `confirm` returns true, under one hold of the lock.
    ///
    /// - Parameters:
    ///   - lockTimeout: how long to wait for another run that holds the stack's lock.
    ///   - confirm: sees the deletions; returns whether to go on, or throws to stop.
    /// - Returns: the deletions, done or (when `confirm` said no) planned, and whether they were done.
    public func destroy(lockTimeout: Duration = .seconds(30),
                        confirm: @Sendable (_ plan: [Change]) async throws -> Bool) async throws -> (changes: [Change], applied: Bool) {
        var result: ([Change], Bool) = ([], false)
        try await locked(lockTimeout) {
            try await loadRecords()
            startPass(writes: false, rereadServer: false)
            try await finish()
            let plan = changes
            guard try await confirm(plan) else {
                result = (plan, false)
                return
            }
            startPass(writes: mode == .apply, rereadServer: false)
            try await finish()
            result = (changes, mode == .apply)
        }
        return result
    }

    /// Declares each key; deletes the undeclared only when every key succeeded.
    private func pass(_ manifest: Manifest) async throws -> ManifestRun {
        var keys: [ManifestRun.Key] = []
        var failures: [(resource: String, error: any Error)] = []
        for key in manifest.keys {
            do {
                let outputs = try await ClientKey(
                    key.id, name: key.name, project: key.project, organization: key.organization, rateLimit: key.rateLimit,
                    useCase: key.useCase, adopt: key.adopt, isActive: key.isActive, browserSdkVersion: key.browserSdkVersion,
                    dynamicSdkLoaderOptions: key.dynamicSdkLoaderOptions, rotation: key.rotation, stack: self)
                keys.append(ManifestRun.Key(declaration: key, outputs: outputs))
            } catch {
                failures.append((key.id, error))
            }
        }
        guard failures.isEmpty else {
            let failed = Set(failures.map(\.resource))
            throw PartialRunError(completed: changes.filter { !failed.contains($0.resource) }, failures: failures, applied: writes)
        }
        try await finish()
        return ManifestRun(changes: changes, keys: keys, applied: writes)
    }
}
