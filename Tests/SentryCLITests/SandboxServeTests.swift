import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import SentryCLI

import Testing
import TestSupport

/// `sentry-sdk sandbox serve` as a user runs it: a process that prints its URL and token,
/// answers on loopback, and stops cleanly on Ctrl-C.
@Suite struct SandboxServeTests {
    @Test func serveAnswersAndStopsOnInterrupt() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestProcess.product("sentry-sdk"))
        process.arguments = ["sandbox", "serve", "--port", "0", "--org", "acme", "--project", "web", "--project", "acme/api", "--token", "T"]
        let output = Pipe()
        process.standardOutput = output
        // Not the test runner's stderr: a server left running must not hold `swift test`'s pipe open.
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        defer {
            // On an early failure: SIGTERM, and SIGKILL if that does not end it within 5 s.
            if process.isRunning {
                process.terminate()
                let deadline = Date().addingTimeInterval(5)
                while process.isRunning && Date() < deadline { usleep(20_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
        }

        // Reads and waits happen off the task threads (see TestProcess.offThePool).
        let reader = output.fileHandleForReading
        let child = process
        let text = try await TestProcess.offThePool { () -> String in
            var text = ""
            while !text.contains("Press Ctrl-C to stop.") {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return text
        }
        let firstLine = try #require(text.split(separator: "\n").first)
        #expect(firstLine.hasPrefix("Sentry sandbox listening on http://127.0.0.1:"))
        #expect(text.contains("organization acme: web, api"))
        #expect(text.contains("token: T"))
        let url = String(firstLine.split(separator: " ").last!)

        var request = URLRequest(url: URL(string: url + "/api/0/projects/acme/api/keys/")!)
        request.setValue("Bearer T", forHTTPHeaderField: "Authorization")
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"name": "From the CLI test"}"#.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)

        process.interrupt()
        // A server that does not stop is a failure of this test, not a hang of the test run.
        let stopped = try await TestProcess.offThePool { () -> Bool in
            let deadline = Date().addingTimeInterval(15)
            while child.isRunning && Date() < deadline { usleep(20_000) }
            return !child.isRunning
        }
        if !stopped { kill(process.processIdentifier, SIGKILL) }
        #expect(stopped, "sentry-sdk sandbox serve was still running 15 s after SIGINT")
        let rest = try await TestProcess.offThePool { () -> String in
            child.waitUntilExit()
            return String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "stderr: \(stderr)")
        #expect(rest.contains("Stopped."))
    }

    @Test func projectsBelongToTheirOrganizations() throws {
        let command = try ServeCommand.parse(["--org", "acme", "--project", "web", "--project", "other/api"])
        let seed = command.seed
        #expect(seed.map(\.organization) == ["acme", "other"])
        #expect(seed.map(\.projects) == [["web"], ["api"]])
        #expect(try ServeCommand.parse([]).seed.map(\.organization) == ["my-org"])
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--project", "a/b/c"]) }
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--project", "/web"]) }
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--project", "acme/"]) }
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--port", "70000"]) }
    }
}
