/// The generator's intermediate representation: what the Swift renderer needs to know, and
/// nothing about where in the spec it came from but a pointer for doc comments.
public struct IR: Sendable {
    public var types: [TypeDeclaration] = []
    public var operations: [Operation] = []
    /// `oneOf` enums that must be `indirect`: they hold, through their cases, a type that holds them.
    public var indirectTypes: Set<String> = []
}

/// A reference to a Swift type, as it is used in a property, a parameter or a response.
public indirect enum TypeReference: Sendable, Hashable {
    case string, int, int32, int64, double, float, bool
    case dateTime
    /// Any JSON: used where the spec gives no type or one we cannot map.
    case json
    case named(String)
    case array(TypeReference)
    case dictionary(TypeReference)
    /// No body (a 204, or an operation without a request body).
    case noBody

    public var swift: String {
        switch self {
        case .string: "String"
        case .int: "Int"
        case .int32: "Int32"
        case .int64: "Int64"
        case .double: "Double"
        case .float: "Float"
        case .bool: "Bool"
        case .dateTime: "DateTime"
        case .json: "JSONValue"
        case .named(let name): name
        case .array(let element): "[\(element.swift)]"
        case .dictionary(let value): "[String: \(value.swift)]"
        case .noBody: "NoBody"
        }
    }
}

/// Documentation carried from the spec to the generated declaration.
public struct Documentation: Sendable, Hashable {
    public var summary: String?
    public var text: String?
    /// A JSON pointer into the spec, e.g. `#/components/schemas/ProjectKey`.
    public var pointer: String

    public init(summary: String? = nil, text: String? = nil, pointer: String) {
        self.summary = summary
        self.text = text
        self.pointer = pointer
    }
}

public struct TypeDeclaration: Sendable {
    public enum Kind: Sendable {
        case object([Property])
        /// An open string enum: known values, and any other value survives a round trip.
        /// `descriptions` are the values' own, from `x-enum-descriptions`, when the spec has them.
        case stringEnum([String], descriptions: [String: String])
        /// One of several shapes (`oneOf`, `anyOf`, or a type array), tried in order.
        case oneOf([Variant])
        /// Another name for a type (a named schema that is an array, a map or a primitive, or
        /// one structurally identical to a schema already generated).
        case alias(TypeReference)
    }

    public var name: String
    public var kind: Kind
    public var documentation: Documentation
    /// Which file the declaration is written to (a schema's own name, or its operation's).
    public var group: String
}

public struct Property: Sendable, Hashable {
    public var jsonName: String
    public var swiftName: String
    public var type: TypeReference
    public var isRequired: Bool
    public var isNullable: Bool
    /// Absent, `null` and a value encode differently (`Nullable<T>?`): an optional, nullable
    /// field of a request body, where `null` means "clear it".
    public var isTriState: Bool
    /// The spec's rules on the value (`maxLength`, `minimum`, ...), checked by the generated
    /// `validate(prefix:)`.
    public var rules: [ValueRule]
    public var documentation: Documentation
}

/// A rule of the spec on a string or an integer, as the runtime's `Rule` spells it.
public enum ValueRule: Sendable, Hashable {
    case maxLength(Int), minLength(Int), minimum(Int), maximum(Int), pattern(String)

    /// The rule as a Swift expression of the runtime's `Rule`: `.maxLength(64)`.
    var swift: String {
        switch self {
        case .maxLength(let count): ".maxLength(\(count))"
        case .minLength(let count): ".minLength(\(count))"
        case .minimum(let number): ".minimum(\(number))"
        case .maximum(let number): ".maximum(\(number))"
        case .pattern(let expression): ".pattern(\(Naming.literal(expression)))"
        }
    }
}

public struct Variant: Sendable, Hashable {
    public var caseName: String
    public var type: TypeReference
    /// The variant schema's description, if it has one.
    public var description: String?
}

public struct Operation: Sendable {
    public struct Parameter: Sendable {
        public enum Location: String, Sendable { case path, query, header }
        public var name: String
        public var swiftName: String
        public var location: Location
        public var type: TypeReference
        public var isRequired: Bool
        public var documentation: Documentation
    }

    public var operationID: String
    public var name: String
    public var method: String
    public var path: String
    public var summary: String?
    public var documentation: Documentation
    public var parameters: [Parameter]
    public var body: TypeReference
    public var isBodyRequired: Bool
    public var successStatus: Int
    public var response: TypeReference
    /// Every documented success status with a JSON body, and its type.
    public var responseBodies: [(status: Int, type: TypeReference)]
    public var errorStatuses: [Int]
    public var requiredScopes: [String]
}

/// Something the generator could not map faithfully, and the fallback it used instead.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case warning, error }
    public var severity: Severity
    public var message: String
    public var pointer: String

    public var description: String { "\(severity.rawValue): \(message) (at \(pointer))" }
}
