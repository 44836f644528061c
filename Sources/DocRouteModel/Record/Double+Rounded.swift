extension Double {
    /// This number rounded half away from zero to `places` decimal places (0–6): how records,
    /// reports and figures round what they print.
    package func rounded(toPlaces places: Int) -> Double {
        let scale = Self.decimalScales[places]
        return (self * scale).rounded() / scale
    }

    /// 10 to the power of 0 to 6, exactly.
    private static let decimalScales: [Double] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000]
}
