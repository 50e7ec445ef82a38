/// A limit on requests in flight across a client. Waiters are served in order; the limit can
/// be lowered while requests run (when Sentry sends `X-Sentry-Rate-Limit-ConcurrentLimit`).
actor ConcurrencyLimiter {
    private(set) var limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if running <= limit, !waiting.isEmpty {
            waiting.removeFirst().resume()
        } else {
            running -= 1
        }
    }

    /// Never raises the limit above the configured one; only the server can lower it.
    func lower(to newLimit: Int) {
        limit = max(1, min(limit, newLimit))
    }
}
