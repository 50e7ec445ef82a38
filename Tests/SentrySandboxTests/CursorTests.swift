import SentrySandbox
import Testing

@Suite struct CursorTests {
    @Test(arguments: ["0:0:0", "1234:1:0", "987:0:1"])
    func roundTripsSentrysFormat(_ text: String) throws {
        let cursor = try #require(Cursor(text))
        #expect(cursor.description == text)
    }

    @Test func readsTheThreeParts() throws {
        let cursor = try #require(Cursor("1234:5:1"))
        #expect(cursor == Cursor(value: 1234, offset: 5, isPrevious: true))
    }

    @Test(arguments: ["", "abc", "1:2", "1:2:3", "1:-1:0", "1:2:0:0", "a:0:0", "1::0"])
    func rejectsAnythingElse(_ text: String) {
        #expect(Cursor(text) == nil)
    }
}
