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
        let keyProperties: [String: JSONValue] = [
            "name": described("name", ["type": text, "maxLength": .integer(ClientKeyRules.maximumNameLength)]),
            "project": described("project", ["type": text, "minLength": .integer(1)]),
            "organization": described("organization", ["type": text, "minLength": .integer(1)]),
            "rateLimit": described("rateLimit", [
                "type": .array([.string("object"), .string("null")]),
                "additionalProperties": .bool(false),
                "required": .array([.string("window"), .string("count")]),
                "properties": .object([
                    "window": .object(["type": .string("integer"), "description": .string("The window, in seconds."),
                                       "minimum": .integer(ClientKeyRules.rateLimitWindowRange.lowerBound),
                                       "maximum": .integer(ClientKeyRules.rateLimitWindowRange.upperBound)]),
                    "count": .object(["type": .string("integer"), "description": .string("Events allowed per window."),
                                      "minimum": .integer(0)]),
                ]),
            ]),
            "useCase": described("useCase", ["enum": .array(ClientKeyRules.knownUseCases.map { .string($0.rawValue) })]),
            "adopt": described("adopt", ["type": .string("boolean")]),
            "isActive": described("isActive", ["type": .string("boolean")]),
            "browserSdkVersion": described("browserSdkVersion", ["type": text]),
            "dynamicSdkLoaderOptions": described("dynamicSdkLoaderOptions", [
                "type": .array([.string("object"), .string("null")]),
                "additionalProperties": .bool(false),
                "properties": .object(Dictionary(uniqueKeysWithValues: ClientKeyRules.loaderOptions.map {
                    ($0.name, JSONValue.object(["type": .string("boolean")]))
                })),
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
