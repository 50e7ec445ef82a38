#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI

extension Manifest {
    /// A JSON Schema (draft 2020-12) of the manifest format, so that editors with a YAML or JSON
    /// language server check and complete manifests as they are written. It states the same
    /// fields and rules the reader checks.
    public static var jsonSchema: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(schema)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static var schema: JSONValue {
        let help = Dictionary(uniqueKeysWithValues: ManifestFields.key.map { ($0.name, $0.help) })
        func described(_ name: String, _ value: [String: JSONValue]) -> JSONValue {
            var value = value
            value["description"] = .string(help[name] ?? "")
            return .object(value)
        }
        let text: JSONValue = .string("string")
        /// The spec's rules on a field, as JSON Schema keywords.
        func keywords(_ rules: [Rule]?) -> [String: JSONValue] {
            var keywords: [String: JSONValue] = [:]
            for rule in rules ?? [] {
                switch rule {
                case .maxLength(let count): keywords["maxLength"] = .integer(count)
                case .minLength(let count): keywords["minLength"] = .integer(count)
                case .minimum(let number): keywords["minimum"] = .integer(number)
                case .maximum(let number): keywords["maximum"] = .integer(number)
                case .pattern(let expression): keywords["pattern"] = .string(expression)
                case .oneOf(let values): keywords["enum"] = .array(values.map(JSONValue.string))
                }
            }
            return keywords
        }
        func known<Value: OpenEnum>(_: Value.Type) -> [String: JSONValue] {
            ["enum": .array(Value.knownValues.map { .string($0.rawValue) })]
        }
        let keyProperties: [String: JSONValue] = [
            "name": described("name", keywords(CreateProjectKeyRequest.rules["name"]).merging(["type": text]) { $1 }),
            "project": described("project", ["type": text, "minLength": .integer(1)]),
            "organization": described("organization", ["type": text, "minLength": .integer(1)]),
            "rateLimit": described("rateLimit", [
                "type": .array([.string("object"), .string("null")]),
                "additionalProperties": .bool(false),
                "required": .array([.string("window"), .string("count")]),
                "properties": .object([
                    "window": .object(keywords(RateLimit.rules["window"]).merging(
                        ["type": .string("integer"), "description": .string("The window, in seconds.")]) { $1 }),
                    "count": .object(keywords(RateLimit.rules["count"]).merging(
                        ["type": .string("integer"), "description": .string("Events allowed per window.")]) { $1 }),
                ]),
            ]),
            "useCase": described("useCase", known(UseCase.self)),
            "adopt": described("adopt", ["type": .string("boolean")]),
            "isActive": described("isActive", ["type": .string("boolean")]),
            "browserSdkVersion": described("browserSdkVersion", known(BrowserSDKVersion.self)),
            "dynamicSdkLoaderOptions": described("dynamicSdkLoaderOptions", [
                "type": .array([.string("object"), .string("null")]),
                "additionalProperties": .bool(false),
                "properties": .object(Dictionary(uniqueKeysWithValues: DynamicSDKLoaderOptions.options.map {
                    ($0.name, JSONValue.object(["type": .string("boolean")]))
                })),
            ]),
            "rotation": described("rotation", [
                "type": .array([.string("object"), .string("null")]),
                "additionalProperties": .bool(false),
                "required": .array([.string("grace")]),
                "properties": .object(Dictionary(uniqueKeysWithValues: [
                    ("every", "How long a key serves before it is rotated."), ("grace", "How long the old key stays active."),
                    ("retire", "How long after its deactivation the old key is deleted."),
                ].map { ($0.0, JSONValue.object([
                    // A period as text (90d, 12h, 30m, 45s), or the number 0.
                    "type": .array([text, .string("integer")]), "pattern": .string("^(0|[0-9]+[dhms])$"),
                    "minimum": .integer(0), "maximum": .integer(0), "description": .string($0.1),
                ])) })),
            ]),
            "outputName": described("outputName", ["type": text, "pattern": .string("^[A-Za-z_][A-Za-z0-9_]*$")]),
        ]
        let topHelp = Dictionary(uniqueKeysWithValues: ManifestFields.top.map { ($0.name, JSONValue.string($0.help)) })
        return .object([
            "$schema": .string("https://json-schema.org/draft/2020-12/schema"),
            "title": .string("sentry-sdk manifest"),
            "description": .string("Sentry client keys as code, for sentry-sdk plan, apply, destroy and output."),
            "type": .string("object"),
            "additionalProperties": .bool(false),
            "required": .array([.string("app"), .string("keys")]),
            "properties": .object([
                "app": .object(["type": text, "minLength": .integer(1), "description": topHelp["app"]!]),
                "stage": .object(["type": text, "minLength": .integer(1), "description": topHelp["stage"]!]),
                "organization": .object(["type": text, "minLength": .integer(1), "description": topHelp["organization"]!]),
                "keys": .object([
                    "type": .array([.string("object"), .string("null")]),
                    "description": topHelp["keys"]!,
                    "propertyNames": .object(["minLength": .integer(1)]),
                    "additionalProperties": .object([
                        "type": .string("object"),
                        "additionalProperties": .bool(false),
                        "required": .array([.string("project")]),
                        "properties": .object(keyProperties),
                    ]),
                ]),
            ]),
        ])
    }
}
