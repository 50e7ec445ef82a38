import SentryModels

/// An error answer, with the body Sentry sends for it.
enum SandboxError: Error {
    /// 400 with `{"detail": message}` (malformed JSON, cursor or page size).
    case badRequest(String)
    /// 400 with field errors: `{"name": ["..."]}`, nested for nested fields.
    case invalidFields(ErrorResponse)
    case notFound(String = "The requested resource does not exist")
    /// The change was made but the state file could not be written.
    case stateNotSaved(String)

    var response: SandboxResponse {
        switch self {
        case .badRequest(let message): .detail(400, message)
        case .invalidFields(let errors): .json(400, errors)
        case .notFound(let message): .detail(404, message)
        case .stateNotSaved(let reason): .json(500, ["detail": "Internal Error", "errorId": "state-not-saved: \(reason)"])
        }
    }
}

/// Collects field errors the way Django REST framework reports them.
struct FieldErrors {
    private(set) var errors: ErrorResponse = [:]

    var isEmpty: Bool { errors.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        errors[field] = .errorValueArray([.string(message)])
    }

    mutating func add(_ field: String, nested: String, _ message: String) {
        var inner: [String: ErrorValue] = [:]
        if case .errorValueMap(let existing)? = errors[field] { inner = existing }
        inner[nested] = .errorValueArray([.string(message)])
        errors[field] = .errorValueMap(inner)
    }

    func check() throws(SandboxError) {
        if !isEmpty { throw .invalidFields(errors) }
    }
}
