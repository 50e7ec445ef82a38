import Foundation
import Logging

/// Every log line a logger wrote, for checks that no secret is ever written.
public final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var captured: [String] = []

    public init() {}

    public func append(_ line: String) { lock.withLock { captured.append(line) } }
    public var lines: [String] { lock.withLock { captured } }

    /// A logger at trace level that writes into this capture.
    public func logger(label: String) -> Logger {
        var logger = Logger(label: label) { _ in LogCaptureHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }
}

/// A swift-log handler that appends each line, with its metadata, to a `LogCapture`.
public struct LogCaptureHandler: LogHandler {
    public let capture: LogCapture
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(capture: LogCapture) { self.capture = capture }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        capture.append("\(event.level) \(event.message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
}
