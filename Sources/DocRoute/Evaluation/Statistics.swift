/// The one median and percentile every report uses (eval, bench, batch summaries).
enum Statistics {
    /// The median of `values` by nearest rank: of an even count, the lower middle value (a time
    /// that was measured, not an average of two); 0 for none.
    static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    /// The `p`-th percentile (0–1) of `values` by nearest rank: the smallest value with at least
    /// that share of the values at or below it; 0 for none.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let i = min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))
        return sorted[i]
    }
}
