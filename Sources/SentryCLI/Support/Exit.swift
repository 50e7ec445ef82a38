import ArgumentParser
import SentryAPI
import SentryResources

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

extension AsyncParsableCommand {
    /// Parses the command line, runs the command and ends the process with the documented exit
    /// codes: 0 on success; 2 for bad usage, with the message and the usage on stderr
    /// (ArgumentParser's own code is 64); a failure of the SDK as one sentence on stderr with
    /// its code (``CLIError``); otherwise ArgumentParser's message and code.
    ///
    /// `nonisolated`: it runs wherever its caller's task runs (the keys commands run it on their
    /// network thread), never hopping to the main actor.
    nonisolated static func runAndExit(_ command: any ParsableCommand) async -> Never {
        do {
            var command = command
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            terminate(0)
        } catch {
            if let failure = CLIError(error) {
                writeToStandardError("error: \(failure.description)\n")
                terminate(failure.exitCode)
            }
            exitOnParsingError(error)
        }
    }

    /// Ends the process for an error of ArgumentParser's, with exit code 2 for bad usage.
    nonisolated static func exitOnParsingError(_ error: any Error) -> Never {
        if exitCode(for: error) == .validationFailure {
            writeToStandardError(fullMessage(for: error) + "\n")
            terminate(2)
        }
        exit(withError: error)
    }
}

/// The C library's `exit` (inside a command type, `exit` names ArgumentParser's `exit(withError:)`).
private func terminate(_ code: Int32) -> Never {
    fflush(nil)
    exit(code)
}

/// Writes `text` to stderr at once (unbuffered, as stderr is).
func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
