import Foundation
import ProfileFormat

extension GrowthReport {
    static let palette = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// A line plot of the first `rowCount` rows (at most eight) over the series, as SVG: x is
    /// minutes of profile time (or the snapshot number), y the value; a legend names each line.
    public func svg(rowCount: Int) -> [UInt8] {
        let rows = Array(shown(rowCount > 0 ? min(rowCount, 8) : 8))
        let width = 960.0, height = 540.0, left = 90.0, right = 20.0, top = 40.0, plotHeight = 300.0
        let plotWidth = width - left - right
        let x: [Double] = snapshots.indices.map { i in
            if perMinute, let t = snapshots[i].timeNanos, let t0 = snapshots[0].timeNanos { return Double(t - t0) / 60e9 }
            return Double(i)
        }
        let xMax = max(x.last ?? 1, 1e-9)
        let yMax = Double(max(rows.flatMap(\.values).max() ?? 1, 1))
        func px(_ v: Double) -> Double { left + v / xMax * plotWidth }
        func py(_ v: Double) -> Double { top + plotHeight - max(0, v) / yMax * plotHeight }
        var w = ReportBytes()
        w.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n")
        w.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n")
        let title = "Growth of \(options.sampleType) over \(snapshots.count) snapshots"
        w.append("<text x=\"\(Int(left))\" y=\"24\" font-size=\"16\">\(Self.escape(title))</text>\n")
        // Axes with the value at the top and middle, and the last x.
        w.append("<g stroke=\"#888\" fill=\"none\">")
        w.append("<path d=\"M\(left) \(top) V\(top + plotHeight) H\(left + plotWidth)\"/></g>\n")
        for f in [0.0, 0.5, 1.0] {
            let y = py(yMax * f)
            w.append("<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(Self.escape(label(Int64(yMax * f))))</text>\n")
        }
        let xLabel = perMinute ? "minutes" : "snapshot"
        w.append("<text x=\"\(left)\" y=\"\(top + plotHeight + 18)\">0</text>\n")
        w.append(
            "<text x=\"\(left + plotWidth)\" y=\"\(top + plotHeight + 18)\" text-anchor=\"end\">"
                + "\(formatGoFloat((xMax * 10).rounded() / 10)) \(xLabel)</text>\n")
        for (i, r) in rows.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            w.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"")
            for (j, v) in r.values.enumerated() {
                if j > 0 { w.append(" ") }
                w.fixed2(px(x[j]))
                w.append(",")
                w.fixed2(py(Double(v)))
            }
            w.append("\"><title>\(Self.escape(r.name))</title></polyline>\n")
            let ly = top + plotHeight + 40 + Double(i) * 18
            w.append("<rect x=\"\(left)\" y=\"\(ly - 10)\" width=\"12\" height=\"12\" fill=\"\(color)\"/>\n")
            let text = "\(r.verdict.rawValue)  \(label(r.change, signed: true))  \(r.name)"
            w.append("<text x=\"\(left + 18)\" y=\"\(ly)\">\(Self.escape(text))</text>\n")
        }
        w.append("</svg>\n")
        return w.bytes
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
