import Foundation

/// The median of measurements with their smallest and largest, as the tables print them.
public struct Spread: Sendable {
    public var median: Double
    public var min: Double
    public var max: Double

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        median = sorted[sorted.count / 2]
        min = sorted.first!
        max = sorted.last!
    }

    /// `0.261 s (0.252-0.274)`
    public func text(_ unit: String, digits: Int = 3) -> String {
        let format = "%.\(digits)f"
        return "\(String(format: format, median)) \(unit) (\(String(format: format, min))-\(String(format: format, max)))"
    }
}

public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Appends one row of the combined table of `Benchmarks/run` to the file named by the
/// `BENCH_ROWS` environment variable, when it is set.
public func recordRow(benchmark: String, measure: String, ours: String, theirs: String = "", ratio: String = "",
                      goal: String = "", met: Bool? = nil) {
    guard let path = ProcessInfo.processInfo.environment["BENCH_ROWS"] else { return }
    var row: [String: Any] = ["benchmark": benchmark, "measure": measure, "ours": ours, "theirs": theirs, "ratio": ratio, "goal": goal]
    row["met"] = met.map { $0 as Any } ?? NSNull()
    guard let data = try? JSONSerialization.data(withJSONObject: row, options: [.sortedKeys]),
          let handle = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil)
    else { return }
    handle.seekToEndOfFile()
    handle.write(data + Data("\n".utf8))
    try? handle.close()
}
