import DocRouteModel
import Foundation

extension Router {
    /// Confidence of a total computed from its line items where none was printed legibly.
    static let computedTotal = 0.8

    /// Cross-checks each field that declares a `sum` with what it sums: its line items' column
    /// plus the fields named in `plus` (all must have been read).
    ///
    /// - A total equal to the sum is confirmed (`checks.sum = agrees`) and made at least as
    ///   sure as a verified zone: two independent readings agree to the cent.
    /// - A total that differs is kept, half as sure (`disagrees`): which side holds the
    ///   misreading, the sum cannot tell.
    /// - A missing or invalid total is filled with the sum (`filled`, strategy `sum`).
    func crossCheckSums(_ document: Document, layout: TextLayout, state: inout FillState) {
        for field in spec.fields {
            guard let sum = field.sum, !sum.column.isEmpty else { continue }
            // The items end where the total, or a field it adds (tax), is named.
            let stop = field.labels + spec.fields.filter { sum.plus.contains($0.name) }.flatMap(\.labels)
            let column = LineItemColumn(
                headers: sum.column, stop: stop,
                numbers: NumberNormalizer(decimalSeparator: spec.decimalSeparator))
            guard let amounts = column.amounts(in: document, layout: layout) else { continue }
            var total = amounts.reduce(Decimal(0), +)
            var sure = true
            for name in sum.plus {
                guard let added = state.filled[name], case .number(let v)? = added.value else { sure = false; break }
                total += v
            }
            guard sure else { continue }
            let printed = state.filled[field.name]
            if var printed, case .number(let value)? = printed.value {
                if value == total {
                    printed.checks["sum"] = .agrees
                    printed.confidence = max(printed.confidence, Self.zoneConfidence)
                } else {
                    printed.checks["sum"] = .disagrees
                    printed.confidence *= Self.disagreementFactor
                    state.warnings.append(
                        "\(field.name): printed \(value) is not the sum of its line items\(sum.plus.isEmpty ? "" : " and \(sum.plus.joined(separator: ", "))") (\(total))"
                    )
                }
                state.filled[field.name] = printed
            } else {
                var filled = Record.Field(
                    value: .number(total), raw: NSDecimalNumber(decimal: total).stringValue,
                    confidence: Self.computedTotal, strategy: .sum, page: nil, box: nil, valid: true, tried: [])
                filled.checks["sum"] = .filled
                state.filled[field.name] = filled
            }
        }
    }
}
