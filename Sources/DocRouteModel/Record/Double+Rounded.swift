extension Double {
    /// This number rounded half away from zero to `places` decimal places (0–6): how records,
    /// reports and figures round what they print.
    package func rounded(toPlaces places: Int) -> Double {
        let scale = [1.0, 10, 100, 1000, 10000, 100_000, 1_000_000][places]
        return (self * scale).rounded() / scale
    }
}
