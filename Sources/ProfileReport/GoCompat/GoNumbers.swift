/// Go's `int64(f)` on amd64: NaN, infinities and values out of range become math.MinInt64
/// (Swift would trap). pprof relies on it when an entropy score of a diff comes out NaN.
@inline(__always)
func goInt64(_ f: Double) -> Int64 {
    if f.isNaN || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 { return Int64.min }
    return Int64(f)
}

/// pprof's abs64: wraps for math.MinInt64 instead of trapping.
@inline(__always)
func goAbs(_ v: Int64) -> Int64 {
    v < 0 ? 0 &- v : v
}
