import Crypto
import CryptoExtras
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SentryAPI
import Synchronization

/// A secret as it is stored at rest: AES-256-GCM, under a key derived from a password by
/// scrypt. Everything needed to open it, but the password, is stored with it.
public struct SealedSecret: Codable, Sendable, Equatable {
    /// How it was sealed: `AES-256-GCM/scrypt`.
    public var algorithm: String
    /// scrypt's salt, base64.
    public var salt: String
    /// scrypt's cost parameters: N (rounds), r (block size), p (parallelism).
    public var rounds: Int
    /// scrypt's block size (`r`).
    public var blockSize: Int
    /// scrypt's parallelism (`p`).
    public var parallelism: Int
    /// Nonce, ciphertext and tag, base64.
    public var box: String

    /// The algorithm new secrets are sealed with.
    public static let currentAlgorithm = "AES-256-GCM/scrypt"
}

/// Seals and opens secrets with one password. Deriving a key costs on purpose (about 0.1 s
/// and 32 MB with the default scrypt parameters), so each salt's key is derived once and kept.
public final class SecretSealer: Sendable {
    /// The environment variable that holds the password.
    public static let environmentVariable = "SENTRY_SDK_PASSWORD"

    private let password: Secret
    private let rounds: Int
    private let salt: Data
    private let keys = Mutex<[Data: SymmetricKey]>([:])

    /// A sealer for one password.
    ///
    /// - Parameters:
    ///   - password: the password keys are derived from; must not be empty.
    ///   - rounds: scrypt's N, a power of two (2^15 by default; tests may use less).
    public init(password: Secret, rounds: Int = 1 << 15) throws(SecretSealerError) {
        guard !password.isBlank else { throw SecretSealerError(.emptyPassword, "The password for sealing secrets is empty: set \(Self.environmentVariable) to a non-empty value.") }
        guard rounds >= 2, rounds & (rounds - 1) == 0 else { throw SecretSealerError(.invalidParameters, "scrypt rounds must be a power of two (got \(rounds)).") }
        self.password = password
        self.rounds = rounds
        var generator = SystemRandomNumberGenerator()
        salt = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// A sealer for the password in `SENTRY_SDK_PASSWORD`, or `nil` when it is not set
    /// (then secrets are not stored at all).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(SecretSealerError) -> SecretSealer? {
        guard let value = environment[environmentVariable] else { return nil }
        return try SecretSealer(password: Secret(value))
    }

    /// Seals a secret under a fresh salt and nonce.
    public func seal(_ secret: Secret) throws(SecretSealerError) -> SealedSecret {
        let key = try key(salt: salt, rounds: rounds, blockSize: 8, parallelism: 1)
        do {
            let box = try AES.GCM.seal(Data(secret.revealed.utf8), using: key)
            guard let combined = box.combined else { throw SecretSealerError(.cryptographyFailed, "AES-GCM produced no sealed box.") }
            return SealedSecret(
                algorithm: SealedSecret.currentAlgorithm, salt: salt.base64EncodedString(),
                rounds: rounds, blockSize: 8, parallelism: 1, box: combined.base64EncodedString()
            )
        } catch let error as SecretSealerError {
            throw error
        } catch {
            throw SecretSealerError(.cryptographyFailed, "Sealing a secret failed: \(error).")
        }
    }

    /// Opens a sealed secret; fails when the password or the data is not the one it was sealed with.
    public func open(_ sealed: SealedSecret) throws(SecretSealerError) -> Secret {
        guard sealed.algorithm == SealedSecret.currentAlgorithm,
              let salt = Data(base64Encoded: sealed.salt), let combined = Data(base64Encoded: sealed.box)
        else { throw SecretSealerError(.unknownFormat, "A stored secret is not in a format this version can open (\(sealed.algorithm)).") }
        let key = try key(salt: salt, rounds: sealed.rounds, blockSize: sealed.blockSize, parallelism: sealed.parallelism)
        let plain: Data
        do {
            plain = try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key)
        } catch {
            // Authentication failed: the key (so the password) is not the one it was sealed with.
            throw .wrongPassword
        }
        guard let text = String(data: plain, encoding: .utf8) else { throw .wrongPassword }
        return Secret(text)
    }

    private func key(salt: Data, rounds: Int, blockSize: Int, parallelism: Int) throws(SecretSealerError) -> SymmetricKey {
        if let known = keys.withLock({ $0[salt] }) { return known }
        let derived: SymmetricKey
        do {
            derived = try KDF.Scrypt.deriveKey(
                from: Data(password.revealed.utf8), salt: salt, outputByteCount: 32,
                rounds: rounds, blockSize: blockSize, parallelism: parallelism
            )
        } catch {
            throw SecretSealerError(.cryptographyFailed, "Deriving the key from the password failed: \(error).")
        }
        keys.withLock { $0[salt] = derived }
        return derived
    }
}
