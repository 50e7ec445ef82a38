/// A stack's name in a state store: its app and stage.
public struct StackName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The application.
    public var app: String
    /// The stage.
    public var stage: String

    /// The stack of `app` at `stage`.
    public init(app: String, stage: String) {
        self.app = app
        self.stage = stage
    }

    /// `app/stage`.
    public var description: String { "\(app)/\(stage)" }

    /// By app, then stage.
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.app, lhs.stage) < (rhs.app, rhs.stage) }
}
