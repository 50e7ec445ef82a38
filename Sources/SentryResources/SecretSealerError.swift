/// Why a secret could not be sealed or opened.
public struct SecretSealerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why, for callers that branch on it.
    public enum Kind: Sendable, Hashable {
        /// The password differs from the one the secrets were sealed with.
        case wrongPassword
        /// The password is empty.
        case emptyPassword
        /// The scrypt parameters are not usable.
        case invalidParameters
        /// The stored secret is not in a format this version can open.
        case unknownFormat
        /// The cryptography failed (deriving the key, sealing).
        case cryptographyFailed
    }

    /// Why.
    public var kind: Kind
    public var description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    static let wrongPassword = SecretSealerError(.wrongPassword, "The password does not open the stored secrets: it differs from the one they were sealed with (SENTRY_SDK_PASSWORD or the stack's password).")
}
