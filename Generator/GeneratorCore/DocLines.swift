import Foundation

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Lines for a `///` comment: no line breaks of any kind inside, no trailing blanks.
    /// Markdown soft line breaks inside a paragraph are joined (they render as spaces anyway);
    /// lists, headings, tables, quotes and code blocks keep their lines.
    var docLines: [String] {
        let raw = split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline })
            .map { String($0).replacingOccurrences(of: "\t", with: "    ").trimmingTrailingWhitespace }
        var lines: [String] = []
        var inCode = false
        var previousJoinable = false
        for line in raw {
            let stripped = line.drop { $0 == " " }
            if stripped.hasPrefix("```") || stripped.hasPrefix("~~~") { inCode.toggle() }
            let structural = inCode || stripped.hasPrefix("```") || stripped.isEmpty || line.hasPrefix("    ")
                || stripped.first.map { "-*+#|>".contains($0) } == true
                || stripped.prefix { $0.isNumber }.count > 0 && stripped.drop { $0.isNumber }.hasPrefix(".")
            if !structural, previousJoinable, let last = lines.last {
                lines[lines.count - 1] = last + " " + stripped
            } else {
                lines.append(line)
            }
            previousJoinable = !structural || (!inCode && !stripped.isEmpty && !stripped.hasPrefix("```") && !line.hasPrefix("    ") && !stripped.hasPrefix("#") && !stripped.hasPrefix("|"))
        }
        return lines
    }

    var trimmingTrailingWhitespace: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
