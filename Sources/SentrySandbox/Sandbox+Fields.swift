#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// Reading request bodies the way Sentry's Django REST framework serializers do: the same
/// coercions (a number is a valid name, `"yes"` is a valid boolean) and the same messages.
enum Fields {
    static func body(_ data: Data) throws(SandboxError) -> [String: JSONValue] {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .badRequest("JSON parse error - \(parseErrorSummary(error))")
        }
        guard case .object(let object) = value else {
            var errors = FieldErrors()
            errors.add("non_field_errors", "Invalid data. Expected a dictionary, but got \(pythonTypeName(value)).")
            throw .invalidFields(errors.errors)
        }
        return object
    }

    private static func parseErrorSummary(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return context.underlyingError.map { String(describing: $0) } ?? context.debugDescription
        }
        return "Expecting value"
    }

    /// The Python type name DRF puts in "Expected a dictionary, but got str."
    static func pythonTypeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "NoneType"
        case .bool: "bool"
        case .integer: "int"
        case .number: "float"
        case .string: "str"
        case .array: "list"
        case .object: "dict"
        }
    }

    /// A `CharField` with `allow_null`: numbers become text, surrounding blanks are trimmed; at
    /// most the spec's `maxLength` among `rules` long.
    static func string(_ value: JSONValue, rules: [Rule]? = nil) -> Result<String?, Message> {
        let text: String?
        switch value {
        case .null: text = nil
        case .string(let string): text = string.trimmed
        case .integer(let number): text = String(number)
        case .number(let number): text = String(number)
        case .bool, .array, .object: return .failure("Not a valid string.")
        }
        if let text, let maxLength = rules?.maxLength, text.count > maxLength {
            return .failure("Ensure this field has no more than \(maxLength) characters.")
        }
        return .success(text)
    }

    /// Sentry's `EmptyIntegerField`: `""` and `null` are no value; numeric text is a number,
    /// within the spec's `minimum` and `maximum` among `rules`.
    static func integer(_ value: JSONValue, rules: [Rule]?) -> Result<Int?, Message> {
        let number: Int
        switch value {
        case .null: return .success(nil)
        case .string(let text) where text.isEmpty: return .success(nil)
        case .string(let text):
            guard let parsed = Int(text.trimmed) else { return .failure("A valid integer is required.") }
            number = parsed
        case .integer(let parsed): number = parsed
        case .number(let parsed) where parsed.rounded() == parsed && abs(parsed) < 1e15: number = Int(parsed)
        default: return .failure("A valid integer is required.")
        }
        if let maximum = rules?.maximum, number > maximum { return .failure("Ensure this value is less than or equal to \(maximum).") }
        if let minimum = rules?.minimum, number < minimum { return .failure("Ensure this value is greater than or equal to \(minimum).") }
        return .success(number)
    }

    private static let trueWords: Set<String> = ["true", "t", "y", "yes", "on", "1"]
    private static let falseWords: Set<String> = ["false", "f", "n", "no", "off", "0"]

    /// A `BooleanField`: booleans, 1 and 0, and the usual words in any case.
    static func boolean(_ value: JSONValue) -> Result<Bool, Message> {
        switch value {
        case .bool(let flag): return .success(flag)
        case .integer(1): return .success(true)
        case .integer(0): return .success(false)
        case .string(let text):
            if trueWords.contains(text.lowercased()) { return .success(true) }
            if falseWords.contains(text.lowercased()) { return .success(false) }
            return .failure("Must be a valid boolean.")
        case .null: return .failure("This field may not be null.")
        default: return .failure("Must be a valid boolean.")
        }
    }

    /// A `ChoiceField`.
    static func choice(_ value: JSONValue, in choices: [String]) -> Result<String, Message> {
        if case .string(let text) = value, choices.contains(text) { return .success(text) }
        if value == .null { return .failure("This field may not be null.") }
        return .failure("\"\(display(value))\" is not a valid choice.")
    }

    /// A `RegexField` for 32 lowercase hex characters, `null` allowed.
    static func hexKey(_ value: JSONValue) -> Result<String?, Message> {
        switch string(value) {
        case .failure(let message): return .failure(message)
        case .success(nil): return .success(nil)
        case .success(let text?):
            let isHex = text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
            return isHex ? .success(text) : .failure("This value does not match the required pattern.")
        }
    }

    private static func display(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .bool(let flag): flag ? "True" : "False"
        default: "\(value)"
        }
    }

    /// A field error message.
    struct Message: Error, ExpressibleByStringInterpolation {
        var text: String
        init(stringLiteral value: String) { text = value }
        init(stringInterpolation: DefaultStringInterpolation) { text = String(stringInterpolation: stringInterpolation) }
    }
}
