// Small text helpers the SDK's modules share (`package`: not part of the public API). Written
// by hand because the SDK builds on FoundationEssentials, which lacks `trimmingCharacters(in:)`
// and `CharacterSet`, and Foundation's full library would add its start-up cost and ICU to every
// program (see README, "Start-up").

extension StringProtocol {
    /// Without leading and trailing whitespace, newlines included.
    package var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}

extension Unicode.Scalar {
    /// An ASCII letter or digit.
    package var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}

/// `1 key`, `3 keys`: a count and its noun for messages (every noun the SDK counts takes a
/// plain "s").
package func counted(_ count: some BinaryInteger, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
