/// A `.env` file: `NAME=value` lines, `export` prefixes, quotes and comments.
/// Written here because no package of ours reads them, and the format is a dozen lines.
enum DotEnv {
    static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)).trimmed }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmed
            var value = line[line.index(after: equals)...].trimmed
            if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote {
                value = String(value.dropFirst().dropLast())
            } else if let comment = value.firstRange(of: " #") {
                value = value[..<comment.lowerBound].trimmed
            }
            // A name is a shell variable's: letters, digits, `_` and `.`, not starting with a digit.
            guard let first = name.unicodeScalars.first, !("0"..."9").contains(first),
                  name.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "_" || $0 == "." })
            else { continue }
            values[name] = value
        }
        return values
    }
}
