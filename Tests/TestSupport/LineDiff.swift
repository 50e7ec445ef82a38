/// The lines where `old` and `new` differ, as a unified-style excerpt: the common lines at the
/// start and the end are left out, the rest shown as `-` and `+` lines (at most `limit` each)
/// after the number of the first line that differs. Empty when the texts are equal.
public func lineDiff(_ old: String, _ new: String, limit: Int = 30) -> String {
    let before = old.split(separator: "\n", omittingEmptySubsequences: false)
    let after = new.split(separator: "\n", omittingEmptySubsequences: false)
    var start = 0
    while start < before.count, start < after.count, before[start] == after[start] { start += 1 }
    if start == before.count, start == after.count { return "" }
    var end = 0
    while end < before.count - start, end < after.count - start, before[before.count - 1 - end] == after[after.count - 1 - end] { end += 1 }
    let removed = before[start..<(before.count - end)]
    let added = after[start..<(after.count - end)]
    func excerpt(_ lines: ArraySlice<Substring>, _ mark: String) -> [String] {
        lines.prefix(limit).map { mark + $0 } + (lines.count > limit ? ["\(mark)... (\(lines.count - limit) more lines)"] : [])
    }
    return (["@@ line \(start + 1)"] + excerpt(removed, "-") + excerpt(added, "+")).joined(separator: "\n")
}
