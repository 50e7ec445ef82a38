/// A manifest that cannot be used: every problem, each with where it is and the rule it breaks.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The line, from 1 (`nil` for the file as a whole).
        public var line: Int?
        /// The column, from 1.
        public var column: Int?
        /// The field, as a path (`keys.web.rateLimit.window`).
        public var field: String?
        /// What is wrong, as a rule (`must be at most 86400 (it is 90000)`).
        public var rule: String

        /// A problem at a place.
        public init(line: Int?, column: Int?, field: String?, rule: String) {
            self.line = line
            self.column = column
            self.field = field
            self.rule = rule
        }

        public var description: String {
            (field.map { "`\($0)` " } ?? "") + rule
        }
    }

    /// The file, as it was given.
    public var file: String
    /// Every problem, in the file's order.
    public var problems: [Problem]

    /// An error for these problems.
    public init(file: String, problems: [Problem]) {
        self.file = file
        self.problems = problems
    }

    /// One line per problem: `file:line:column: field rule.`
    public var description: String {
        problems.map { problem in
            var place = file
            if let line = problem.line { place += ":\(line)" + (problem.column.map { ":\($0)" } ?? "") }
            return "\(place): \(problem)."
        }.joined(separator: "\n")
    }
}
