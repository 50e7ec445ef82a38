#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// How Sentry-compatible servers (open-source servers that implement Sentry's keys routes)
/// shape a key differently from sentry.io, and how such a body is brought to Sentry's shape
/// before it is decoded: `projectID` for `projectId`, or no project id at all (it is then read
/// from the DSN's path, `https://KEY@host/PROJECT_ID`). Fields such servers leave out
/// (`secret`, `isActive`, `browserSdk`, ...) are optional in the spec and decode as absent.
enum CompatibleShape {
    /// Field names such servers use, and Sentry's name for each.
    static let renamedFields = ["projectID": "projectId"]

    /// The body with every key object (or array of them) in Sentry's shape; `nil` when it is not
    /// JSON or nothing needed changing.
    static func normalized(_ body: Data) -> Data? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: body) else { return nil }
        let fixed = normalized(value)
        guard fixed != value else { return nil }
        return try? JSONEncoder().encode(fixed)
    }

    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items):
            return .array(items.map(normalized))
        case .object(var fields):
            for (theirs, ours) in renamedFields where fields[ours] == nil {
                if let moved = fields.removeValue(forKey: theirs) { fields[ours] = moved }
            }
            if fields["projectId"] == nil, case .object(let dsn)? = fields["dsn"], case .string(let dsnText)? = dsn["public"],
               let id = projectID(inDSN: dsnText) {
                fields["projectId"] = .integer(id)
            }
            return .object(fields)
        default:
            return value
        }
    }

    /// The project id a DSN ends with: `https://KEY@o1.ingest.sentry.io/42` → 42.
    static func projectID(inDSN dsn: String) -> Int? {
        guard let path = URLComponents(string: dsn)?.path else { return nil }
        return path.split(separator: "/").last.flatMap { Int($0) }
    }
}
