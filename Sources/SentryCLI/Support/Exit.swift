import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
