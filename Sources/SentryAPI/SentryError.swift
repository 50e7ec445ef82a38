#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryModels

/// Every failure of a request, as one type. Switch on `kind`; new kinds can be added without
/// breaking callers. `description` is one sentence that says what went wrong and, where it
/// can, what to do; it never contains a token or a key secret.
public struct SentryError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. An open set: compare with the static members.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        private init(_ name: String) { description = name }

        /// 401: no token, or an unknown or expired one.
        public static let unauthorized = Kind("unauthorized")
        /// 403: the token lacks the scope the operation needs.
        public static let forbidden = Kind("forbidden")
        /// 404: the organization, project or key does not exist (or is hidden).
        public static let notFound = Kind("notFound")
        /// 400: the server refused the input; see `fieldErrors`.
        public static let validation = Kind("validation")
        /// 429 after the retry budget was spent; see `retryAfter`.
        public static let rateLimited = Kind("rateLimited")
        /// 5xx after the retry budget was spent (or at once, for a POST).
        public static let server = Kind("server")
        /// The server could not be reached, or the connection failed, and retries did not help.
        public static let transport = Kind("transport")
        /// The server's TLS certificate could not be verified (an authority the client does not
        /// trust, expired, or issued for another name); nothing was sent, and it is not retried.
        public static let untrustedCertificate = Kind("untrustedCertificate")
        /// A change was sent but its answer was lost: it may or may not have been applied.
        /// Check the server before trying again.
        public static let outcomeUnknown = Kind("outcomeUnknown")
        /// The answer was not the JSON the operation documents.
        public static let decoding = Kind("decoding")
        /// A change was applied (the server answered 2xx) but its answer was not the JSON the
        /// operation documents: do not send it again; look for what it made.
        public static let appliedButUnreadable = Kind("appliedButUnreadable")
        /// The calling task was cancelled before the request was sent; nothing was sent.
        public static let cancelled = Kind("cancelled")
        /// Any other status.
        public static let unexpectedStatus = Kind("unexpectedStatus")
    }

    /// One field's messages from a 400, with the path to the field (`["rateLimit", "window"]`).
    public struct FieldError: Hashable, Sendable, CustomStringConvertible {
        /// The field's path, outermost first (`["rateLimit", "window"]`).
        public var path: [String]
        /// What the server said about the field.
        public var messages: [String]

        public var description: String { "\(path.joined(separator: ".")): \(messages.joined(separator: " "))" }
    }

    /// What went wrong: switch on it.
    public var kind: Kind
    /// The operation, e.g. `createProjectKey`.
    public var operationID: String
    /// The HTTP status, when there was an answer.
    public var status: Int?
    /// The server's `detail` message, when it sent one.
    public var detail: String?
    /// Field errors of a 400, nested fields flattened to paths.
    public var fieldErrors: [FieldError] = []
    /// For `.forbidden`: the scopes that would allow the operation.
    public var requiredScopes: [String] = []
    /// For `.rateLimited`: when the server said the window resets.
    public var retryAfter: Date?
    /// For `.decoding` and `.appliedButUnreadable`: where in the JSON decoding failed (`[2].dsn.public`).
    public var jsonPath: String?
    /// For `.transport`, `.untrustedCertificate` and `.outcomeUnknown`: the underlying failure, described.
    public var underlying: String?

    public var description: String {
        let operation = "`\(operationID)`"
        switch kind {
        case .unauthorized:
            return "Sentry rejected the auth token for \(operation)\(detail.map { " (\($0))" } ?? ""): check SENTRY_AUTH_TOKEN or the token you passed."
        case .forbidden:
            return "The auth token may not run \(operation): it needs one of the scopes \(requiredScopes.joined(separator: ", "))."
        case .notFound:
            return "Sentry found nothing for \(operation): check the organization, project and key."
        case .validation:
            let fields = fieldErrors.map(\.description).joined(separator: "; ")
            return "Sentry refused the input of \(operation): \(fields.isEmpty ? detail ?? "bad request" : fields)."
        case .rateLimited:
            let when = retryAfter.map { " until \(Date.ISO8601FormatStyle().format($0))" } ?? ""
            return "Sentry rate-limited \(operation)\(when), and the retries allowed were used up."
        case .server:
            return "Sentry failed with status \(status.map(String.init) ?? "5xx") on \(operation)\(detail.map { " (\($0))" } ?? "")."
        case .transport:
            return "Could not reach Sentry for \(operation): \(underlying ?? "the connection failed")."
        case .untrustedCertificate:
            return "The server's certificate could not be verified for \(operation) (\(underlying ?? "certificate verification failed")), so nothing was sent: check the URL and the certificate's dates; for a server behind a private certificate authority, trust its PEM file (SentryConfiguration.trustedCertificatesFile, or sentry-sdk --ca-certificate)."
        case .outcomeUnknown:
            return "The answer to \(operation) was lost (\(underlying ?? "connection closed")), so it may or may not have been applied: check the server before trying again."
        case .appliedButUnreadable:
            return "The server applied \(operation) (status \(status.map(String.init) ?? "2xx")) but its answer was not the expected JSON\(jsonPath.map { " at \($0)" } ?? "")\(underlying.map { ": \($0)" } ?? ""); it was not sent again."
        case .decoding:
            return "Sentry's answer to \(operation) was not the expected JSON\(jsonPath.map { " at \($0)" } ?? "")\(underlying.map { ": \($0)" } ?? "")."
        case .cancelled:
            return "\(operation) was not sent: its task was cancelled."
        default:
            return "Sentry answered \(operation) with status \(status.map(String.init) ?? "?")\(detail.map { " (\($0))" } ?? "")."
        }
    }
}

extension SentryError {
    /// The error for an error status, from Sentry's body when it has one.
    static func from(status: Int, body: Data, operationID: String, requiredScopes: [String]) -> SentryError {
        let parsed = try? JSONDecoder().decode(ErrorResponse.self, from: body)
        var detail: String?
        if case .string(let text)? = parsed?["detail"] { detail = text }
        if case .errorValueMap(let map)? = parsed?["detail"], case .string(let text)? = map["message"] { detail = text }
        let kind: Kind = switch status {
        case 400, 422: .validation
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 429: .rateLimited
        case 500...599: .server
        default: .unexpectedStatus
        }
        var error = SentryError(kind: kind, operationID: operationID, status: status, detail: detail)
        if kind == .validation, let parsed {
            error.fieldErrors = fieldErrors(parsed.filter { $0.key != "detail" }, path: [])
            if case .errorValueArray(let items)? = parsed["detail"] { error.fieldErrors += locatedErrors(items) }
        }
        if kind == .forbidden { error.requiredScopes = requiredScopes }
        return error
    }

    private static func fieldErrors(_ map: [String: ErrorValue], path: [String]) -> [FieldError] {
        map.keys.sorted().flatMap { key -> [FieldError] in
            switch map[key]! {
            case .string(let message): return [FieldError(path: path + [key], messages: [message])]
            case .errorValueArray(let items):
                let messages = items.compactMap { if case .string(let text) = $0 { text } else { nil } }
                let nested = items.flatMap { item -> [FieldError] in
                    if case .errorValueMap(let inner) = item { return fieldErrors(inner, path: path + [key]) }
                    return []
                }
                return (messages.isEmpty ? [] : [FieldError(path: path + [key], messages: messages)]) + nested
            case .errorValueMap(let inner): return fieldErrors(inner, path: path + [key])
            }
        }
    }

    /// The field errors of a 422 as some Sentry-compatible servers send them:
    /// `{"detail": [{"loc": ["body", "rateLimit", "window"], "msg": "..."}]}`.
    private static func locatedErrors(_ items: [ErrorValue]) -> [FieldError] {
        items.compactMap { item -> FieldError? in
            guard case .errorValueMap(let entry) = item, case .string(let message)? = entry["msg"],
                  case .errorValueArray(let location)? = entry["loc"] else { return nil }
            let path = location.compactMap { if case .string(let name) = $0 { name } else { nil } }
            // The first element says where the field is (`body`, `query`, `path`), not which it is.
            let field = ["body", "query", "path"].contains(path.first ?? "") ? Array(path.dropFirst()) : path
            return FieldError(path: field, messages: [message])
        }
    }

    /// Where a `DecodingError` happened, as a JSON path (`[0].dsn.public`).
    static func jsonPath(of error: DecodingError) -> String {
        let context: DecodingError.Context? = switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context
        case .keyNotFound(let key, let context):
            DecodingError.Context(codingPath: context.codingPath + [key], debugDescription: context.debugDescription)
        @unknown default: nil
        }
        let path = (context?.codingPath ?? []).map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        return path.hasPrefix(".") ? String(path.dropFirst()) : (path.isEmpty ? "(root)" : path)
    }

    /// What kind of JSON problem it was, without quoting values (which could be secrets).
    static func summary(of error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, _): "expected \(type)"
        case .valueNotFound(let type, _): "missing \(type) value"
        case .keyNotFound: "missing field"
        case .dataCorrupted: "not valid JSON"
        @unknown default: "unreadable"
        }
    }
}
