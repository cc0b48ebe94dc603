/// Go's `int64(f)` on amd64: NaN, infinities and values out of range become math.MinInt64
/// (Swift would trap). pprof relies on it when an entropy score of a diff comes out NaN.
@inline(__always)
public func goInt64(_ f: Double) -> Int64 {
    if f.isNaN || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 { return Int64.min }
    return Int64(f)
}

/// pprof's abs64: wraps for math.MinInt64 instead of trapping.
@inline(__always)
public func goAbs(_ v: Int64) -> Int64 {
    v < 0 ? 0 &- v : v
}

/// Go's int64 division: math.MinInt64 / -1 wraps to math.MinInt64 (the caller rules out 0).
@inline(__always)
func goDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a.dividedReportingOverflow(by: b).partialValue
}

/// A sum over its divisor as pprof's reports take it (`-mean`): the sum itself when the divisor
/// is 0, and Go's wrapping int64 division otherwise (math.MinInt64 / -1 is math.MinInt64).
@inline(__always)
public func meanValue(_ sum: Int64, _ divisor: Int64) -> Int64 {
    divisor == 0 ? sum : goDiv(sum, divisor)
}
