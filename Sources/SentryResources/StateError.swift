/// A problem with stored state, or with what state says about the server, in one sentence.
public struct StateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for callers that branch on it.
    public enum Kind: Sendable, Hashable {
        /// Another run holds the stack's lock past the timeout.
        case locked
        /// The store's URL or settings are not usable (nothing was read or written).
        case invalidConfiguration
        /// The store cannot be reached, or failed or lost its connection during the run.
        case unavailable
        /// A stored record cannot be read.
        case unreadable
        /// The stored state was written by a newer sentry-sdk.
        case newerSchema
        /// Several server objects could be the one meant (an adoption by name, a lost create);
        /// nothing was done with any of them.
        case ambiguous
        /// The server accepted a write but did not apply all of it.
        case notApplied
        /// Some resources could not be deleted and stay in state.
        case incomplete
        /// The destination of a copy already has, or does not match, the state copied.
        case conflict
    }

    /// What went wrong.
    public var kind: Kind
    public var description: String

    /// An error of `kind` with its sentence.
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

extension StateError {
    /// The sentence every store gives when another run holds a stack's lock past the timeout.
    ///
    /// - Parameters:
    ///   - app: the stack's application.
    ///   - stage: the stack's stage.
    ///   - holder: who holds it, as ``StateLockHolder/current`` described it, if known.
    public static func locked(app: String, stage: String, holder: String?) -> StateError {
        let holder = holder.flatMap { $0.isEmpty ? nil : " (\($0))" } ?? ""
        return StateError(.locked, "The stack \(app)/\(stage) is locked by another run\(holder); wait for it to finish, or try again later.")
    }
}
