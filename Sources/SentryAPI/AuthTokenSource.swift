#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the auth token came from, in the order they are tried:
/// 1. an explicit token (`authToken:` in code, `--auth-token` on the command line);
/// 2. `SENTRY_AUTH_TOKEN` in the environment;
/// 3. `SENTRY_AUTH_TOKEN` in a `.env` file in the current directory;
/// 4. `token` under `[auth]` in `~/.sentryclirc` (sentry-cli's file).
public enum AuthTokenSource: String, Sendable, Equatable {
    /// An `authToken` passed in code (or `--auth-token`).
    case explicit
    /// `SENTRY_AUTH_TOKEN` in the process environment.
    case environment
    /// `SENTRY_AUTH_TOKEN` in `./.env`.
    case dotEnv = ".env"
    /// `token` under `[auth]` in `~/.sentryclirc`.
    case sentryCLIRC = "~/.sentryclirc"

    /// The first token found, and where. The directories are looked up only when their file is
    /// read (finding the home directory reads the user database).
    public static func resolve(
        explicit: Secret?, environment: [String: String], currentDirectory: @autoclosure () -> URL, homeDirectory: @autoclosure () -> URL
    ) throws(ConfigurationError) -> (token: Secret, source: AuthTokenSource) {
        if let explicit {
            guard !explicit.isBlank else { throw ConfigurationError(.emptyToken, "The auth token given is empty: pass a Sentry auth token.") }
            return (explicit, .explicit)
        }
        if let value = environment["SENTRY_AUTH_TOKEN"] {
            guard !value.allSatisfy(\.isWhitespace) else {
                throw ConfigurationError(.emptyToken, "SENTRY_AUTH_TOKEN is set but empty: set it to a Sentry auth token, or unset it.")
            }
            return (Secret(value.trimmed), .environment)
        }
        if let contents = try? String(contentsOf: currentDirectory().appendingPathComponent(".env"), encoding: .utf8),
           let value = DotEnv.parse(contents)["SENTRY_AUTH_TOKEN"] {
            guard !value.isEmpty else {
                throw ConfigurationError(.emptyToken, "SENTRY_AUTH_TOKEN in .env is empty: set it to a Sentry auth token.")
            }
            return (Secret(value), .dotEnv)
        }
        if let contents = try? String(contentsOf: homeDirectory().appendingPathComponent(".sentryclirc"), encoding: .utf8),
           let value = INI.parse(contents)["auth"]?["token"], !value.isEmpty {
            return (Secret(value), .sentryCLIRC)
        }
        throw ConfigurationError(
            .missingToken, "No Sentry auth token: set SENTRY_AUTH_TOKEN (in the environment or a .env file), pass one explicitly, or log in with sentry-cli. Create a token at https://sentry.io/settings/account/api/auth-tokens/."
        )
    }
}
