#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A held stack lock.
public protocol StateLock: Sendable {
    /// Releases the lock; safe to call more than once.
    func release() async
}

/// How a store records who holds a stack's lock, for the message a waiting run gets.
public enum StateLockHolder {
    /// This process, now: `process 4242 on ci-runner-3 since 2026-11-27T08:00:00Z`.
    public static var current: String {
        "process \(getpid()) on \(ProcessInfo.processInfo.hostName) since \(Date.ISO8601FormatStyle().format(Date()))"
    }
}
