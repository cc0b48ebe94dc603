import Foundation

/// Go's time formatting for report headers, in the local time zone ($TZ).
public enum GoTime {
    /// Go's layout "Jan 2, 2006 at 3:04pm (MST)".
    public static func format(nanos: Int64) -> String {
        var t = time_t(nanos / 1_000_000_000)
        if nanos < 0 && nanos % 1_000_000_000 != 0 { t -= 1 }
        var tm = tm()
        localtime_r(&t, &tm)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12
        let ampm = tm.tm_hour >= 12 ? "pm" : "am"
        let minute = tm.tm_min < 10 ? "0\(tm.tm_min)" : "\(tm.tm_min)"
        var zone = tm.tm_zone.map { String(cString: $0) } ?? "UTC"
        if zone.isEmpty { zone = "UTC" }
        return "\(months[Int(tm.tm_mon)]) \(tm.tm_mday), \(Int(tm.tm_year) + 1900) at \(hour12):\(minute)\(ampm) (\(zone))"
    }
}
