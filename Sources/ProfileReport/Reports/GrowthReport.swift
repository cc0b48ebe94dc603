import Foundation
import ProfileFormat

/// Growth over a series of snapshots: one row per node (at the reports' granularity) with its
/// value in each snapshot, the change from first to last, the least-squares slope per minute of
/// profile time, how steadily it grew, and a verdict; steady growers rank first. Node values
/// come from each snapshot's index (ProfileIndex.nodeRows), nothing is summed here.
public struct GrowthReport {
    public enum Verdict: String, Sendable, Encodable {
        case grows, steady, shrinks, noise
    }

    /// One snapshot of the series, in time order.
    public struct Snapshot: Sendable, Encodable {
        public let source: String
        public let timeNanos: Int64?
        /// The sum of its flat values (the nodes' total).
        public let total: Int64
    }

    public struct Row: Sendable {
        public let name: String
        public let values: [Int64]
        public var first: Int64 { values.first ?? 0 }
        public var last: Int64 { values.last ?? 0 }
        public var change: Int64 { last &- first }
        /// Least-squares slope, per minute (or per snapshot when the times are not known).
        public let slope: Double
        /// The share of steps from one snapshot to the next that did not fall.
        public let steadiness: Double
        public let verdict: Verdict
    }

    /// Thresholds of the verdicts (docs/growth.md):
    /// - a node whose values stay within `noiseFraction` of the largest snapshot total is steady;
    /// - one that moves more, rises from first to last by more than that and by more than
    ///   `noiseSamples` samples at the profiles' sampling period can move it, and does not fall
    ///   in at least `steadyShare` of the steps grows (shrinks: the same downward);
    /// - anything else moves without a direction, or by no more than sampling can: noise.
    public static let noiseFraction = 0.01
    public static let noiseSamples: Int64 = 2
    public static let steadyShare = 0.75

    public let snapshots: [Snapshot]
    /// Ranked: growers by slope (steepest first), then the rest by |change|, then name.
    public let rows: [Row]
    /// Whether slopes are per minute (every snapshot has a distinct time) or per snapshot.
    public let perMinute: Bool
    /// The value below which a node's movement is noise, in the sample unit.
    public let noiseFloor: Int64
    /// The profiles' largest sampling period in the sample unit (0 when unknown,
    /// NodeRows.samplePeriod), and the change a node must pass, beyond the noise floor, to grow
    /// or shrink: what `noiseSamples` samples at that period weigh.
    public let samplePeriod: Int64
    public let sampleFloor: Int64
    /// The last snapshot's report options: sample type, units, filters.
    public let options: ReportOptions

    /// The series of snapshots summed through the index (ProfileIndex.nodeRows), in time order,
    /// all of one sample type and unit: `timeNanos` is 0 when a profile carries no time.
    /// Cumulative values are compared when `cum` is set, flat ones otherwise.
    public init(_ series: [(source: String, timeNanos: Int64, rows: NodeRows)], cum: Bool) {
        var byName: [String: [Int64]] = [:]
        var snapshots: [Snapshot] = []
        let n = series.count
        for (i, (source, t, rows)) in series.enumerated() {
            var total: Int64 = 0
            for k in rows.names.indices {
                total &+= rows.flat[k]
                let v = cum ? rows.cum[k] : rows.flat[k]
                if v == 0 { continue }
                byName[rows.names[k], default: Array(repeating: 0, count: n)][i] &+= v
            }
            snapshots.append(Snapshot(source: source, timeNanos: t != 0 ? t : nil, total: total))
        }
        let times = snapshots.compactMap(\.timeNanos)
        let perMinute = times.count == n && Set(times).count == n
        self.perMinute = perMinute
        let x: [Double] = (0..<n).map { i in
            perMinute ? Double(times[i] - times[0]) / 60e9 : Double(i)
        }
        let largest = snapshots.map { $0.total.magnitude }.max() ?? 0
        noiseFloor = Int64(clamping: UInt64(Double(largest) * Self.noiseFraction))
        let period = series.map(\.rows.samplePeriod).max() ?? 0
        let (product, overflow) = period.multipliedReportingOverflow(by: Self.noiseSamples)
        let floor = noiseFloor, sampleFloor = overflow ? .max : product
        samplePeriod = period
        self.sampleFloor = sampleFloor
        let rows = byName.map { name, values in Self.row(name, values, x: x, floor: floor, sampleFloor: sampleFloor) }
        self.rows = rows.sorted(by: Self.ranks)
        self.snapshots = snapshots
        options = series.last?.rows.options ?? ReportOptions()
    }

    /// One node's row from its values at `x` (minutes or snapshot numbers), `floor` being the
    /// noise floor and `sampleFloor` what a couple of samples can move (0 when the sampling
    /// period is not known): slope, steadiness and verdict by the thresholds above.
    public static func row(_ name: String, _ values: [Int64], x: [Double], floor: Int64, sampleFloor: Int64 = 0) -> Row {
        let slope = leastSquaresSlope(x, values.map(Double.init))
        var up = 0, down = 0
        for i in values.indices.dropFirst() {
            if values[i] >= values[i - 1] { up += 1 }
            if values[i] <= values[i - 1] { down += 1 }
        }
        let steps = max(values.count - 1, 1)
        let rising = Double(up) / Double(steps), falling = Double(down) / Double(steps)
        let span = (values.max() ?? 0) &- (values.min() ?? 0)
        let change = (values.last ?? 0) &- (values.first ?? 0)
        // A change must pass both floors to have a direction.
        let moved = max(floor, sampleFloor)
        let verdict: Verdict
        if span <= floor {
            verdict = .steady
        } else if change > moved && rising >= steadyShare && slope > 0 {
            verdict = .grows
        } else if change < -moved && falling >= steadyShare && slope < 0 {
            verdict = .shrinks
        } else {
            verdict = .noise
        }
        return Row(name: name, values: values, slope: slope, steadiness: rising, verdict: verdict)
    }

    /// The slope of the least-squares line through (x, y); 0 when x does not vary.
    public static func leastSquaresSlope(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        guard x.count > 1 else { return 0 }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
        }
        return sxx == 0 ? 0 : sxy / sxx
    }

    static func ranks(_ a: Row, _ b: Row) -> Bool {
        let ga = a.verdict == .grows, gb = b.verdict == .grows
        if ga != gb { return ga }
        if ga && a.slope != b.slope { return a.slope > b.slope }
        let ca = a.change.magnitude, cb = b.change.magnitude
        if ca != cb { return ca > cb }
        return a.name < b.name
    }

    /// The eight-level sparkline of `values`, lowest to highest of the row.
    public static func sparkline(_ values: [Int64]) -> String {
        let bars = Array("▁▂▃▄▅▆▇█")
        guard let lo = values.min(), let hi = values.max(), hi > lo else {
            return String(repeating: "▁", count: values.count)
        }
        let range = Double(hi - lo)
        return String(values.map { bars[min(7, Int((Double($0 - lo) / range * 7).rounded()))] })
    }
}
