import Synchronization

/// A limit on requests in flight across a client. Waiters are served in order; the limit can
/// be lowered while requests run (when Sentry sends `X-Sentry-Rate-Limit-ConcurrentLimit`).
///
/// A lock rather than an actor: taking a free slot is the common case, and it should cost no
/// suspension on every request.
final class ConcurrencyLimiter: Sendable {
    private struct State {
        var limit: Int
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(limit: Int) { state = Mutex(State(limit: max(1, limit))) }

    var limit: Int { state.withLock { $0.limit } }

    func acquire() async {
        let acquired = state.withLock { state in
            guard state.running < state.limit else { return false }
            state.running += 1
            return true
        }
        if acquired { return }
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.running < state.limit {
                    state.running += 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            // A waiter takes over the slot, unless the limit was lowered below what runs.
            if state.running <= state.limit, !state.waiting.isEmpty { return state.waiting.removeFirst() }
            state.running -= 1
            return nil
        }
        next?.resume()
    }

    /// Never raises the limit above the configured one; only the server can lower it.
    func lower(to newLimit: Int) {
        state.withLock { $0.limit = max(1, min($0.limit, newLimit)) }
    }
}
