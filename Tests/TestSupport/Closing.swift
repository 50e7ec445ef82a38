/// A test's fixture (servers, clients, state) whose cleanup the test awaits, rather than
/// leaving it to a task that may run after the test has ended.
public protocol AsyncClosable {
    /// Stops what the fixture started and keeps its artifacts.
    func close() async
}

extension AsyncClosable {
    /// Runs `body` with the fixture, then awaits ``close()``, whether `body` threw or not.
    public func use<Result>(_ body: (Self) async throws -> Result) async throws -> Result {
        let result: Result
        do {
            result = try await body(self)
        } catch {
            await close()
            throw error
        }
        await close()
        return result
    }
}
