import CLeptonica
import DocRouteExtraction
import DocRouteModel
import DocRouteReaders
import Foundation
import Synchronization

import struct DocRouteModel.Box

extension FormReader {
    /// Where a template's frame stands on an image: frame fractions (u, v) to pixels (x, y)
    /// by x = a·u + b·v + c, y = d·u + e·v + f — a shift, a scale per axis, and the small
    /// rotation left between the copy and the document the template was learned from.
    struct Map: Sendable, Hashable {
        var a: Double, b: Double, c: Double
        var d: Double, e: Double, f: Double

        func callAsFunction(_ u: Double, _ v: Double) -> (x: Double, y: Double) {
            (a * u + b * v + c, d * u + e * v + f)
        }

        /// The box around the four corners of `area` once mapped.
        func pixels(_ area: LearnedForm.Area) -> Box {
            let corners = [
                self(area.x0, area.y0), self(area.x1, area.y0), self(area.x0, area.y1), self(area.x1, area.y1),
            ]
            return Box(
                x0: corners.map(\.x).min()!, y0: corners.map(\.y).min()!, x1: corners.map(\.x).max()!,
                y1: corners.map(\.y).max()!)
        }

        /// The map that puts the frame of the template on `frame`, with no rotation.
        static func frame(_ frame: Box) -> Map {
            Map(a: frame.width, b: 0, c: frame.x0, d: 0, e: frame.height, f: frame.y0)
        }

        /// Whether this fitted map can be the copy's, against the frame's `coarse` map: scales
        /// within 0.8–1.25 of the frame's, and a small rotation (else what was fitted to is not
        /// the template's print).
        func plausible(against coarse: Map) -> Bool {
            a >= 0.8 * coarse.a && a <= 1.25 * coarse.a && e >= 0.8 * coarse.e && e <= 1.25 * coarse.e
                && abs(b) <= 0.1 * coarse.e && abs(d) <= 0.1 * coarse.a
        }

        /// The least-squares map of the points (u, v) onto (x, y); nil when they stand on one line.
        static func fit(_ points: [(u: Double, v: Double, x: Double, y: Double)]) -> Map? {
            guard points.count >= 3 else { return nil }
            // Normal equations of [u v 1]·[a b c]ᵀ = x (and = y), solved by Cramer's rule.
            var m = [[Double]](repeating: [0, 0, 0], count: 3), rx = [0.0, 0, 0], ry = [0.0, 0, 0]
            for p in points {
                let row = [p.u, p.v, 1]
                for i in 0..<3 {
                    for j in 0..<3 { m[i][j] += row[i] * row[j] }
                    rx[i] += row[i] * p.x
                    ry[i] += row[i] * p.y
                }
            }
            func det(_ q: [[Double]]) -> Double {
                q[0][0] * (q[1][1] * q[2][2] - q[1][2] * q[2][1]) - q[0][1] * (q[1][0] * q[2][2] - q[1][2] * q[2][0])
                    + q[0][2] * (q[1][0] * q[2][1] - q[1][1] * q[2][0])
            }
            let d0 = det(m)
            guard abs(d0) > 1e-9 else { return nil }
            func solve(_ r: [Double]) -> [Double] {
                (0..<3).map { k in
                    det(m.enumerated().map { i, row in row.enumerated().map { j, v in j == k ? r[i] : v } }) / d0
                }
            }
            let x = solve(rx), y = solve(ry)
            return Map(a: x[0], b: x[1], c: x[2], d: y[0], e: y[1], f: y[2])
        }
    }
}
