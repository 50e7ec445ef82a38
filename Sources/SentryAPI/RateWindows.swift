#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Sentry's rate-limit windows as one client sees them, per operation: what the server last
/// said was left in the window, and this client's requests still unanswered. A request goes
/// out only when the server's count, less those unanswered, leaves room for it, so concurrent
/// requests do not overrun a window (each overrun costs a 429 and one request more); near the
/// window's end a request waits for the answers in flight, which tell the exact count.
final class RateWindows: Sendable {
    /// What a request may do now.
    enum Admission: Equatable {
        /// Go: it is counted as in flight until ``answered(_:remaining:reset:)``.
        case go
        /// Wait for a request in flight to be answered, then ask again.
        case waitForAnswers
        /// Wait until the window resets, then ask again.
        case waitUntil(Date)
    }

    private struct Window {
        /// What the server last said was left; `nil` when it has said nothing.
        var remaining: Int?
        /// When the window resets; `nil` when unknown.
        var reset: Date?
        /// The window's size, from `X-Sentry-Rate-Limit-Limit`: what a new window starts with.
        var limit: Int?
        var inFlight = 0
    }

    private let windows = Mutex<[String: Window]>([:])

    /// Whether a request of `operationID` fits in its window now; one that may go is counted.
    func admit(_ operationID: String, now: Date = Date()) -> Admission {
        windows.withLock { windows in
            var window = windows[operationID, default: Window()]
            defer { windows[operationID] = window }
            if let reset = window.reset, reset <= now {
                // A new window: as large as the last, when the server said how large.
                window.remaining = window.limit
                window.reset = nil
            }
            guard let remaining = window.remaining, remaining - window.inFlight <= 0 else {
                window.inFlight += 1
                return .go
            }
            if window.inFlight > 0 { return .waitForAnswers }
            guard let reset = window.reset else {
                // Nothing left, nothing in flight and no reset known: only a request can tell.
                window.inFlight += 1
                return .go
            }
            return .waitUntil(reset)
        }
    }

    /// Records the end of an admitted request: answered (with the window the server reported,
    /// when it did, and its size) or failed.
    func answered(_ operationID: String, remaining: Int?, reset: Date?, limit: Int? = nil, now: Date = Date()) {
        windows.withLock { windows in
            var window = windows[operationID, default: Window()]
            window.inFlight = max(0, window.inFlight - 1)
            if let limit { window.limit = limit }
            // An answer from a window that is over says nothing of the current one.
            if let remaining, let reset, reset > now {
                if window.reset == reset {
                    // Answers arrive in any order: the lowest count is the latest.
                    window.remaining = min(window.remaining ?? remaining, remaining)
                } else if window.reset.map({ reset > $0 }) ?? true {
                    window.remaining = remaining
                    window.reset = reset
                }
            }
            windows[operationID] = window
        }
    }
}
