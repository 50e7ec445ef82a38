/// A page cursor exactly as Sentry writes it: `value:offset:is_prev`, three integers.
///
/// For key lists `value` is a row id (keys are ordered newest first), `offset` counts rows to
/// skip past `value`, and `isPrevious` tells the direction.
public struct Cursor: Sendable, Hashable, CustomStringConvertible {
    /// The sort value the page starts at (a row id).
    public var value: Int
    /// Rows with that value to skip.
    public var offset: Int
    /// Whether the cursor points backwards.
    public var isPrevious: Bool

    /// A cursor from its parts.
    public init(value: Int, offset: Int, isPrevious: Bool) {
        self.value = value
        self.offset = offset
        self.isPrevious = isPrevious
    }

    /// Parses `value:offset:is_prev`; anything else is `nil` (Sentry answers it with 400
    /// "Invalid cursor parameter.").
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let value = Int(parts[0]), let offset = Int(parts[1]), offset >= 0,
              let previous = Int(parts[2]), previous == 0 || previous == 1
        else { return nil }
        self.init(value: value, offset: offset, isPrevious: previous == 1)
    }

    public var description: String { "\(value):\(offset):\(isPrevious ? 1 : 0)" }
}
