import Foundation

/// Turning spec names (`otlp_traces`, `organization_id_or_slug`, `7.x`, `$schema`) into Swift
/// identifiers that compile and read naturally.
enum Naming {
    /// Keywords that must be written in backticks where they are used as names.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import",
        "init", "inout", "internal", "let", "open", "operator", "private", "precedencegroup",
        "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var",
        "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough",
        "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while",
        "Any", "as", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
        "await", "async", "consume", "copy", "discard", "borrowing", "consuming", "some", "any",
    ]

    /// Type names that would shadow the standard library, Foundation or our runtime support.
    static let reservedTypeNames: Set<String> = [
        "Any", "Self", "Type", "Protocol", "String", "Int", "Int32", "Int64", "Double", "Float",
        "Bool", "Array", "Dictionary", "Optional", "Set", "Data", "Date", "URL", "Error", "Never",
        "Codable", "Decodable", "Encodable", "Hashable", "Sendable", "Character", "Result",
        "JSONValue", "DateTime", "Nullable", "NoBody", "OpenEnum", "APIOperation", "HTTPMethod",
        "QueryItem", "QueryValue", "Operations", "Runtime", "CodingKeys", "Endpoint", "PercentEncoding",
        "AlwaysEncoded", "Rule", "RuleViolation", "Validatable", "PartialKeyPath", "Regex",
    ]

    /// Splits a name into words at non-alphanumerics and at lower-to-upper case changes.
    static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in name {
            // Swift identifiers may hold non-ASCII letters (`café`), but digits only from ASCII.
            if character.isLetter || (character.isNumber && character.isASCII) {
                if character.isUppercase, previousWasLower, !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current.append(character)
                previousWasLower = character.isLowercase || character.isNumber
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `project_key` -> `ProjectKey`; keeps inner capitals (`ProjectKeyDSN` stays as it is).
    static func typeName(_ name: String) -> String {
        var result = words(name).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if result.isEmpty { result = "Unnamed" }
        if result.first!.isNumber { result = "_" + result }
        if reservedTypeNames.contains(result) { result += "Schema" }
        return result
    }

    /// `otlp_traces` -> `otlpTraces`, `ID` -> `id`, `isActive` stays.
    static func memberName(_ name: String) -> String {
        let parts = words(name)
        guard let first = parts.first else { return "_unnamed" }
        var result = lowercasedLeadingWord(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if result.first!.isNumber { result = "_" + result }
        return result
    }

    /// `ID` -> `id`, `URLPath` -> `urlPath`, `Name` -> `name`.
    private static func lowercasedLeadingWord(_ word: String) -> String {
        let characters = Array(word)
        var upperPrefix = 0
        while upperPrefix < characters.count, characters[upperPrefix].isUppercase { upperPrefix += 1 }
        if upperPrefix == 0 { return word }
        if upperPrefix == characters.count || upperPrefix == 1 {
            return String(characters[..<upperPrefix]).lowercased() + String(characters[upperPrefix...])
        }
        return String(characters[..<(upperPrefix - 1)]).lowercased() + String(characters[(upperPrefix - 1)...])
    }

    /// A name as written in declarations: keywords in backticks.
    static func escaped(_ identifier: String) -> String {
        keywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// A Swift string literal for any text.
    static func literal(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value) {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Escapes a key for a JSON pointer (RFC 6901).
    static func pointerEscaped(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}

/// Hands out names that are unique within one scope, by appending 2, 3, ... on a clash.
struct NameScope {
    private var taken: Set<String>

    init(reserved: Set<String> = []) { taken = reserved }

    mutating func claim(_ base: String) -> String {
        var candidate = base
        var counter = 2
        while taken.contains(candidate) {
            candidate = base + String(counter)
            counter += 1
        }
        taken.insert(candidate)
        return candidate
    }
}
