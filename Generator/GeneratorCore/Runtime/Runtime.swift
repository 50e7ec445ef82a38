#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The operations of the API, one type each: `Operations.ListProjectKeys(...)`.
public enum Operations {}

/// An HTTP method.
public enum HTTPMethod: String, Sendable, Hashable {
    /// `GET`, `PUT`, `POST`, `DELETE`: the methods of the API.
    case get = "GET", put = "PUT", post = "POST", delete = "DELETE"
    /// The other methods OpenAPI allows.
    case options = "OPTIONS", head = "HEAD", patch = "PATCH", trace = "TRACE"
}

/// One operation of the API, with its parameters filled in: everything a transport needs to
/// send it and to decode what comes back.
public protocol APIOperation: Sendable {
    /// The JSON request body, or `NoBody`.
    associatedtype Body: Encodable & Sendable = NoBody
    /// The body of the success response, or `NoBody`.
    associatedtype Response: Decodable & Sendable = NoBody

    /// Where and how the operation is sent, and what it answers.
    static var endpoint: Endpoint { get }

    /// The path with its parameters filled in and percent-encoded.
    var path: String { get }
    /// The query parameters that are set, in spec order.
    var query: [QueryItem] { get }
    /// The header parameters that are set.
    var headers: [QueryItem] { get }
    /// The request body, if one is sent.
    var body: Body? { get }

    /// The type of the body documented for a success status, if it has one.
    static func responseBodyType(status: Int) -> (any Decodable.Type)?
}

extension APIOperation {
    public var query: [QueryItem] { [] }
    public var headers: [QueryItem] { [] }

    public static func responseBodyType(status: Int) -> (any Decodable.Type)? {
        status == endpoint.successStatus && Response.self != NoBody.self ? Response.self : nil
    }
}

extension APIOperation where Body == NoBody {
    /// No body is sent.
    public var body: NoBody? { nil }
}

/// The fixed facts of an operation, from the spec.
public struct Endpoint: Sendable, Hashable {
    /// The spec's `operationId`.
    public var operationID: String
    /// The HTTP method.
    public var method: HTTPMethod
    /// The path with `{placeholders}`, as the spec writes it.
    public var pathTemplate: String
    /// The documented success status whose body is the operation's `Response`.
    public var successStatus: Int
    /// The error statuses the spec documents.
    public var errorStatuses: [Int]
    /// The token scopes that allow the operation (any one of them suffices).
    public var requiredScopes: [String]

    /// The facts, in the order the generated operations list them.
    public init(_ operationID: String, _ method: HTTPMethod, _ pathTemplate: String, success: Int, errors: [Int], scopes: [String]) {
        self.operationID = operationID
        self.method = method
        self.pathTemplate = pathTemplate
        successStatus = success
        errorStatuses = errors
        requiredScopes = scopes
    }
}

/// The absence of a body.
public struct NoBody: Codable, Hashable, Sendable {
    /// The absence of a body.
    public init() {}
}

/// A name and value for the query string or a header.
public struct QueryItem: Hashable, Sendable {
    /// The parameter's name, as the spec spells it (`per_page`).
    public var name: String
    /// The value, not yet percent-encoded.
    public var value: String

    /// A parameter with its value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A value that can be written into a URL.
public protocol QueryValue {
    /// The value as text for a URL, before percent-encoding.
    var queryValue: String { get }
}

extension String: QueryValue {
    /// The string itself.
    public var queryValue: String { self }
}

extension Int: QueryValue {
    /// The decimal digits.
    public var queryValue: String { String(self) }
}

extension Int32: QueryValue {
    /// The decimal digits.
    public var queryValue: String { String(self) }
}

extension Int64: QueryValue {
    /// The decimal digits.
    public var queryValue: String { String(self) }
}

extension Double: QueryValue {
    /// The shortest text that reads back as the same number.
    public var queryValue: String { String(self) }
}

extension Float: QueryValue {
    /// The shortest text that reads back as the same number.
    public var queryValue: String { String(self) }
}

extension Bool: QueryValue {
    /// `true` or `false`.
    public var queryValue: String { self ? "true" : "false" }
}

extension QueryValue {
    /// The value as one path segment: everything but unreserved characters percent-encoded.
    var percentEncodedPathSegment: String { PercentEncoding.encode(queryValue, keeping: PercentEncoding.isUnreserved) }
}

/// Percent-encoding for URLs (RFC 3986): what the operations' paths need, and what the rest of
/// a client needs for queries. By hand: FoundationEssentials has no public percent-encoding,
/// and Foundation's comes with its whole library.
public enum PercentEncoding {
    /// A letter, digit, `-`, `.`, `_` or `~`: what a URL never needs to encode.
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }

    /// `text` with every UTF-8 byte that `keeping` refuses written as `%XX`. Slugs and ids
    /// need nothing encoded: then `text` itself is returned.
    public static func encode(_ text: String, keeping: (UInt8) -> Bool) -> String {
        if text.utf8.allSatisfy(keeping) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if keeping(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Array where Element == QueryItem {
    /// Appends `name=value` when `value` is set.
    public mutating func append<Value: QueryValue>(_ name: String, _ value: Value?) {
        if let value { append(QueryItem(name: name, value: value.queryValue)) }
    }

    /// Appends `name=value` once for each value (the `form`, `explode` style).
    public mutating func append<Value: QueryValue>(_ name: String, _ values: [Value]?) {
        for value in values ?? [] { append(QueryItem(name: name, value: value.queryValue)) }
    }
}

/// A string enum that stays open: values the spec does not list decode, compare and encode
/// unchanged, so a value the server adds later never breaks decoding.
public protocol OpenEnum: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible, QueryValue where RawValue == String {
    /// Any value, listed in the spec or not.
    init(rawValue: String)
    /// The values the spec lists, in its order.
    static var knownValues: [Self] { get }
}

extension OpenEnum {
    /// The value a string literal spells: `let useCase: UseCase = "profiling"`.
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    /// The raw value.
    public var description: String { rawValue }
    /// The raw value.
    public var queryValue: String { rawValue }
}

/// A field that can be absent, `null`, or a value, each encoded differently. As an optional
/// (`Nullable<T>?`): `nil` leaves the field out, `.null` sends `null` (for example to clear a
/// setting), `.value(x)` sends `x`.
public enum Nullable<Wrapped> {
    /// `null`.
    case null
    /// A value.
    case value(Wrapped)

    /// The value, or `nil` for `.null`.
    public var value: Wrapped? {
        if case .value(let wrapped) = self { return wrapped }
        return nil
    }
}

extension Nullable: Sendable where Wrapped: Sendable {}
extension Nullable: Equatable where Wrapped: Equatable {}
extension Nullable: Hashable where Wrapped: Hashable {}

extension Nullable: Encodable where Wrapped: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .value(let wrapped): try container.encode(wrapped)
        }
    }
}

extension Nullable: Decodable where Wrapped: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .null : .value(try container.decode(Wrapped.self))
    }
}

extension KeyedDecodingContainer {
    /// Keeps an explicit `null` apart from an absent key: the synthesized `Decodable`
    /// conformances pick this overload for `Nullable<T>?` properties.
    public func decodeIfPresent<Wrapped: Decodable>(_ type: Nullable<Wrapped>.Type, forKey key: Key) throws -> Nullable<Wrapped>? {
        guard contains(key) else { return nil }
        return try decodeNil(forKey: key) ? .null : .value(try decode(Wrapped.self, forKey: key))
    }
}

/// A field that is always in the JSON, `null` when it has no value. The synthesized
/// `Encodable` conformances leave a `nil` optional out; a field the spec requires but allows
/// to be null is written as `null` instead, and decodes as `nil` when `null` or absent.
@propertyWrapper
public struct AlwaysEncoded<Wrapped> {
    /// The field's value; `nil` is written as `null`.
    public var wrappedValue: Wrapped?

    /// Wraps a field's value.
    public init(wrappedValue: Wrapped?) { self.wrappedValue = wrappedValue }
}

extension AlwaysEncoded: Sendable where Wrapped: Sendable {}
extension AlwaysEncoded: Equatable where Wrapped: Equatable {}
extension AlwaysEncoded: Hashable where Wrapped: Hashable {}

extension AlwaysEncoded: Encodable where Wrapped: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension AlwaysEncoded: Decodable where Wrapped: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Wrapped.self)
    }
}

extension KeyedDecodingContainer {
    /// Lets an `@AlwaysEncoded` field be absent: the synthesized `Decodable` conformances
    /// pick this overload for it.
    public func decode<Wrapped: Decodable>(_ type: AlwaysEncoded<Wrapped>.Type, forKey key: Key) throws -> AlwaysEncoded<Wrapped> {
        AlwaysEncoded(wrappedValue: try decodeIfPresent(Wrapped.self, forKey: key))
    }

    /// Reads a list of string lists (such as a key's `browserSdk.choices`) through nested
    /// containers instead of the generic `Array` path, which looks up type metadata for each
    /// inner list: `browserSdk` decodes 1.7x faster, about 4 µs less of a key's 24 µs
    /// (Benchmarks/api DecodeBenchmark). Internal, so that only these models pick it.
    func decodeIfPresent(_ type: [[String]].Type, forKey key: Key) throws -> [[String]]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        var lists = try nestedUnkeyedContainer(forKey: key)
        var result: [[String]] = []
        while !lists.isAtEnd {
            var list = try lists.nestedUnkeyedContainer()
            var strings: [String] = []
            while !list.isAtEnd { strings.append(try list.decode(String.self)) }
            result.append(strings)
        }
        return result
    }
}

/// A date and time exactly as the server wrote it (RFC 3339). Kept as text so that a value
/// round-trips unchanged and an unusual format never fails decoding; `date` parses it.
public struct DateTime: Codable, Hashable, Sendable, CustomStringConvertible, QueryValue {
    /// The text, exactly as the server sent it.
    public var rawValue: String

    /// A date and time from its text, unchecked.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The RFC 3339 form of `date`, in UTC with fractional seconds.
    public init(_ date: Date) {
        rawValue = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The instant, or `nil` when the text is not RFC 3339.
    public var date: Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(rawValue))
            ?? (try? Date.ISO8601FormatStyle().parse(rawValue))
    }

    /// The text.
    public var description: String { rawValue }
    /// The text.
    public var queryValue: String { rawValue }
}

/// Any JSON value, for parts of the spec without a precise type.
public enum JSONValue: Codable, Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number without a fraction that fits an `Int`.
    case integer(Int)
    /// Any other number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// A rule the spec sets for a value: `maxLength`, `minLength`, `minimum`, `maximum`, `pattern`,
/// or the values of an `enum`.
public enum Rule: Hashable, Sendable, CustomStringConvertible {
    /// At most this many characters.
    case maxLength(Int)
    /// At least this many characters.
    case minLength(Int)
    /// At least this number.
    case minimum(Int)
    /// At most this number.
    case maximum(Int)
    /// Text the regular expression finds a match in.
    case pattern(String)
    /// One of these values.
    case oneOf([String])

    /// The rule as a sentence fragment: `must be at most 64 characters`.
    public var description: String {
        switch self {
        case .maxLength(let count): "must be at most \(count) characters"
        case .minLength(let count): "must be at least \(count) characters"
        case .minimum(let number): "must be at least \(number)"
        case .maximum(let number): "must be at most \(number)"
        case .pattern(let expression): "must match \(expression)"
        case .oneOf(let values): "must be one of \(values.joined(separator: ", "))"
        }
    }
}

extension Array where Element == Rule {
    /// The `maxLength` among the rules.
    public var maxLength: Int? { lazy.compactMap { if case .maxLength(let count) = $0 { count } else { nil } }.first }
    /// The `minimum` among the rules.
    public var minimum: Int? { lazy.compactMap { if case .minimum(let number) = $0 { number } else { nil } }.first }
    /// The `maximum` among the rules.
    public var maximum: Int? { lazy.compactMap { if case .maximum(let number) = $0 { number } else { nil } }.first }
}

/// A value that breaks one of the spec's rules.
public struct RuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the value is, as a path of JSON names from the value validated: `rateLimit.window`.
    public var field: String
    /// The rule it breaks.
    public var rule: Rule
    /// What the value is, when saying so reveals nothing: `it has 70`, `it is 90000`. A value
    /// that breaks a `pattern` is never repeated (it may be a secret).
    public var actual: String?

    /// A violation of `rule` at `field`.
    public init(field: String, rule: Rule, actual: String? = nil) {
        self.field = field
        self.rule = rule
        self.actual = actual
    }

    /// The rule and what the value is, as in "must be at most 86400 (it is 90000)".
    public var requirement: String { "\(rule)\(actual.map { " (\($0))" } ?? "")" }

    /// One sentence: the field in backticks and the requirement, as in
    /// "\`rateLimit.window\` must be at most 86400 (it is 90000)."
    public var description: String { "`\(field)` \(requirement)." }
}

/// A model that request bodies hold: its fields by JSON name, and the rules the spec sets on
/// them, which `validate()` checks (with those of the enums and models inside it).
public protocol Validatable {
    /// Each field's JSON name and key path, in spec order.
    static var fields: [(name: String, keyPath: PartialKeyPath<Self>)] { get }
    /// The spec's rules on the fields, by JSON name; none by default.
    static var rules: [String: [Rule]] { get }
}

extension Validatable {
    public static var rules: [String: [Rule]] { [:] }

    /// Every value that breaks one of the spec's rules, in field order, each named by its path.
    public func validate() -> [RuleViolation] { validate(prefix: "") }

    /// Every value that breaks one of the spec's rules, each named by its path after `prefix`.
    public func validate(prefix: String) -> [RuleViolation] {
        Self.fields.flatMap { name, keyPath in Self.validate(self[keyPath: keyPath], as: name, prefix: prefix) }
    }

    /// Every rule of the field `name` that `value` breaks, before a whole model is built (a
    /// rate limit's window given without its count).
    public static func validate(_ value: Any, as name: String, prefix: String = "") -> [RuleViolation] {
        var violations: [RuleViolation] = []
        violations.check(value, at: prefix + name, rules[name] ?? [])
        return violations
    }
}

/// A `Nullable`, whatever it wraps.
private protocol NullableField {
    var wrapped: Any? { get }
}

extension Nullable: NullableField {
    fileprivate var wrapped: Any? { value }
}

extension Array where Element == RuleViolation {
    /// Checks a field's value, whatever its type: a string or an integer against `rules`, an
    /// enum against the values the spec lists, a model against its own rules, each element of
    /// an array. An absent value (`nil`) breaks no rule.
    fileprivate mutating func check(_ value: Any, at field: String, _ rules: [Rule]) {
        switch value {
        case let text as String: check(text, at: field, rules)
        case let number as any BinaryInteger: check(Int(exactly: number), at: field, rules)
        case let value as any OpenEnum: check(value, at: field)
        case let model as any Validatable: self += model.validate(prefix: field + ".")
        case let nullable as any NullableField: if let wrapped = nullable.wrapped { check(wrapped, at: field, rules) }
        case let values as [Any]: for (index, value) in values.enumerated() { check(value, at: "\(field)[\(index)]", rules) }
        default: break
        }
    }

    private mutating func check<Value: OpenEnum>(_ value: Value, at field: String) {
        check(value.rawValue, at: field, [.oneOf(Value.knownValues.map(\.rawValue))])
    }

    private mutating func check(_ value: String, at field: String, _ rules: [Rule]) {
        for rule in rules {
            switch rule {
            case .maxLength(let count) where value.count > count, .minLength(let count) where value.count < count:
                append(RuleViolation(field: field, rule: rule, actual: "it has \(value.count)"))
            case .pattern(let expression):
                // An expression Swift cannot read (OpenAPI allows ECMA-262's) is not checked.
                if let regex = try? Regex(expression), !value.contains(regex) {
                    append(RuleViolation(field: field, rule: rule))
                }
            case .oneOf(let values) where !values.contains(value):
                append(RuleViolation(field: field, rule: rule, actual: "it is \"\(value)\""))
            default:
                break
            }
        }
    }

    private mutating func check(_ value: Int?, at field: String, _ rules: [Rule]) {
        guard let value else { return }
        for rule in rules {
            switch rule {
            case .minimum(let bound) where value < bound, .maximum(let bound) where value > bound:
                append(RuleViolation(field: field, rule: rule, actual: "it is \(value)"))
            default:
                break
            }
        }
    }
}
