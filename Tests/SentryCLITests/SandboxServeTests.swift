import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import SentryCLI
import SentryAPI

import Testing
import TestSupport

/// `sentry-sdk sandbox serve` as a user runs it: a process that prints its URL and token,
/// answers on loopback, and stops cleanly on Ctrl-C.
@Suite struct SandboxServeTests {
    @Test func serveAnswersAndStopsOnInterrupt() async throws {
        let serving = try await Serving(["--org", "acme", "--project", "web", "--project", "acme/api", "--token", "T"])
        #expect(serving.banner.hasPrefix("Sentry sandbox listening on http://127.0.0.1:"))
        #expect(serving.banner.contains("organization acme: web, api"))
        #expect(serving.banner.contains("token: T"))

        var request = URLRequest(url: URL(string: serving.url + "/api/0/projects/acme/api/keys/")!)
        request.setValue("Bearer T", forHTTPHeaderField: "Authorization")
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"name": "From the CLI test"}"#.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)

        let stopped = try await serving.stop(with: SIGINT)
        #expect(stopped, "sentry-sdk sandbox serve was still running 15 s after SIGINT")
        #expect(serving.process.terminationStatus == 0, "stderr: \(serving.errors())")
        #expect(try await serving.rest().contains("Stopped."))
    }

    @Test func seedsAnOrganizationAtScaleForAnAudit() async throws {
        let serving = try await Serving(["--org", "big", "--token", "T", "--no-default-key", "--seed-projects", "150", "--keys-per-project", "2"])
        #expect(serving.banner.contains("organization big: project-1 ... project-150 (2 keys each)"), "\(serving.banner)")
        let audit = try await CLIProcess.run(["audit", "--org", "big", "--url", serving.url, "--auth-token", "T", "--format", "json"])
        #expect(audit.status == 0, "\(audit.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let projects = try #require(report["projects"] as? [[String: Any]])
        #expect(projects.count == 150)
        #expect(projects.allSatisfy { $0["keys"] as? Int == 2 })
        #expect(try await serving.stop(with: SIGTERM))
    }

    /// A `sandbox serve` process in the background, with its banner read; stopped by `stop`, or
    /// killed when the test ends early.
    final class Serving {
        let process = Process()
        let url: String
        let banner: String
        private let output = Pipe()
        // Not the test runner's stderr: a server left running must not hold `swift test`'s pipe open.
        private let errorOutput = Pipe()

        init(_ arguments: [String], in directory: URL? = nil) async throws {
            process.executableURL = URL(fileURLWithPath: TestProcess.product("sentry-sdk"))
            process.arguments = ["sandbox", "serve", "--port", "0"] + arguments
            process.currentDirectoryURL = directory
            process.standardOutput = output
            process.standardError = errorOutput
            try process.run()
            // Reads and waits happen off the task threads (see TestProcess.offThePool).
            let reader = output.fileHandleForReading
            banner = try await TestProcess.offThePool { () -> String in
                var text = ""
                while !text.contains("Press Ctrl-C to stop.") {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                return text
            }
            url = banner.split(separator: "\n").first.map { String($0.split(separator: " ").last ?? "") } ?? ""
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }

        /// Sends `signal` and waits up to 15 s for the process to end (then kills it, so that a
        /// server that does not stop fails its test instead of hanging the run); whether it ended.
        @discardableResult
        func stop(with signal: Int32 = SIGTERM) async throws -> Bool {
            kill(process.processIdentifier, signal)
            let child = process
            let stopped = try await TestProcess.offThePool { () -> Bool in
                let deadline = Date().addingTimeInterval(15)
                while child.isRunning && Date() < deadline { usleep(20_000) }
                return !child.isRunning
            }
            if !stopped { kill(process.processIdentifier, SIGKILL) }
            return stopped
        }

        /// What it printed after the banner, once it has ended.
        func rest() async throws -> String {
            let (child, reader) = (process, output.fileHandleForReading)
            return try await TestProcess.offThePool { () -> String in
                child.waitUntilExit()
                return String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
            }
        }

        func errors() -> String { String(decoding: errorOutput.fileHandleForReading.availableData, as: UTF8.self) }
    }

    @Test func projectsStartWithADefaultKeyAndDSNsPointAtTheServer() async throws {
        for (flags, expected) in [([String](), ["Default"]), (["--no-default-key"], [])] {
            let serving = try await Serving(["--org", "acme", "--project", "web", "--token", "T"] + flags)
            let listed = try await CLIProcess.run(["keys", "list", "--url", serving.url, "--auth-token", "T", "--org", "acme", "--project", "web", "--format", "json"])
            try await serving.stop()
            #expect(listed.status == 0, "\(listed.stderr)")
            let keys = try JSONDecoder().decode([ProjectKey].self, from: Data(listed.stdout.utf8))
            #expect(keys.map(\.name) == expected, "\(flags)")
            for key in keys {
                #expect(key.dsn.public == serving.url.replacing("http://", with: "http://\(key.public)@") + "/\(key.projectId)")
            }
            #expect(serving.banner.contains("/_sandbox/events/"))
        }
    }

    @Test func tlsServesAGivenCertificateOrWritesItsAuthorityNextToTheState() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let made = try await TestProcess.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", directory.appendingPathComponent("key.pem").path, "-out", directory.appendingPathComponent("cert.pem").path,
        ])
        #expect(made.status == 0, "\(made.output)")

        let own = try await Serving(["--token", "T", "--tls", "--cert", "cert.pem", "--key", "key.pem"], in: directory)
        let listed = try await CLIProcess.run(["keys", "list", "--url", own.url, "--auth-token", "T", "--org", "my-org", "--project", "my-project",
                                               "--ca-certificate", directory.appendingPathComponent("cert.pem").path])
        try await own.stop()
        #expect(own.url.hasPrefix("https://127.0.0.1:"))
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("Default"))

        let state = directory.appendingPathComponent("state").appendingPathComponent("sandbox.json")
        try FileManager.default.createDirectory(at: state.deletingLastPathComponent(), withIntermediateDirectories: true)
        let made2 = try await Serving(["--token", "T", "--tls", "--state", state.path], in: directory)
        let authority = state.deletingLastPathComponent().appendingPathComponent("sentry-sandbox-ca.pem")
        let trusted = try await CLIProcess.run(["keys", "list", "--url", made2.url, "--auth-token", "T", "--org", "my-org", "--project", "my-project",
                                                "--ca-certificate", authority.path])
        try await made2.stop()
        #expect(made2.banner.contains(authority.path))
        #expect(trusted.status == 0, "the authority written next to the state is the server's: \(trusted.stderr)")
    }

    @Test func tlsFlagsAreCheckedTogether() {
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--tls", "--cert", "c.pem"]) }
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--cert", "c.pem", "--key", "k.pem"]) }
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--ca-file", "ca.pem"]) }
        #expect(throws: (any Error).self) { try ServeCommand.parse(["--tls", "--cert", "c.pem", "--key", "k.pem", "--ca-file", "ca.pem"]) }
        #expect(throws: Never.self) { try ServeCommand.parse(["--tls", "--cert", "c.pem", "--key", "k.pem"]) }
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
