import ArgumentParser
import SentryAPI
import SentryResources

/// A failure with its exit code: 1 API, network or state, 2 bad usage or input, 3
/// authentication or permission, 4 not found.
enum CLIError: Error, CustomStringConvertible {
    case usage(String)
    case authentication(String)
    case notFound(String)
    case api(String)

    var description: String {
        switch self {
        case .usage(let text), .authentication(let text), .notFound(let text), .api(let text): text
        }
    }

    var exitCode: Int32 {
        switch self {
        case .api: 1
        case .usage: 2
        case .authentication: 3
        case .notFound: 4
        }
    }

    /// The one mapping from the layers' errors to the program's exit codes; `nil` for
    /// ArgumentParser's own (help, version, validation, `ExitCode`).
    init?(_ error: any Error) {
        switch error {
        case let error as CLIError: self = error
        case let error as SentryError:
            switch error.kind {
            case .unauthorized, .forbidden: self = .authentication(error.description)
            case .notFound: self = .notFound(error.description)
            case .validation: self = .usage(error.description)
            default: self = .api(error.description)
            }
        case let error as ConfigurationError: self = .authentication(error.description)
        case let error as ManifestError: self = .usage(error.description)
        case let error as InvalidProp: self = .usage(error.description)
        case let error as PartialRunError:
            // Every key failed the same way (a token without access, say): its own code.
            let codes = Set(error.failures.map { CLIError($0.error)?.exitCode ?? 1 })
            self = codes.count == 1 && codes.first != 2 ? CLIError.withCode(codes.first!, error.description) : .api(error.description)
        case is ExitCode, is CleanExit, is ValidationError: return nil
        // Help, completion scripts and parsing errors come as ArgumentParser's internal types.
        case _ where String(reflecting: type(of: error)).hasPrefix("ArgumentParser."): return nil
        default: self = .api("\(error)")
        }
    }

    private static func withCode(_ code: Int32, _ text: String) -> CLIError {
        switch code {
        case 3: .authentication(text)
        case 4: .notFound(text)
        default: .api(text)
        }
    }
}
