/// A value that must never be printed: an auth token, a key's secret, a secret DSN.
///
/// `description`, `debugDescription`, string interpolation and `dump` show `<redacted>`; the
/// value is reachable only through ``revealed``, so every place that uses it is easy to find.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, ExpressibleByStringLiteral {
    private let value: String

    /// Wraps a secret value.
    public init(_ value: String) { self.value = value }

    public init(stringLiteral value: String) { self.value = value }

    /// The secret text. Use it only to send it where it belongs.
    public var revealed: String { value }

    /// Whether the secret is empty or blank (an unset token, for example).
    public var isBlank: Bool { value.allSatisfy(\.isWhitespace) }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "Secret(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
