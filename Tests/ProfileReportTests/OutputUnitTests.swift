import ProfileReport
import Testing

/// `-unit` is parsed once into an OutputUnit, and values scale by it as pprof scales them.
@Suite struct OutputUnitTests {
    @Test func parsesOnceAndPrintsAsGiven() throws {
        #expect(OutputUnit("minimum") == .minimum)
        #expect(OutputUnit("auto") == .auto)
        #expect(OutputUnit("kb") == .unit("kb"))
        for text in ["minimum", "auto", "kb", "ms", "widgets"] { #expect(OutputUnit(text).description == text) }
        var cfg = ReportConfig()
        #expect(cfg.unit == .minimum)
        let field = try #require(ReportConfig.field(named: "unit"))
        try cfg.set(field, "ms")
        #expect(cfg.unit == .unit("ms"))
        #expect(cfg.get(field) == "ms")
    }

    @Test func scalesByTheParsedUnit() {
        #expect(Measurement.scaledLabel(1536, from: "bytes", to: .unit("kb")) == "1.50kB")
        #expect(Measurement.scaledLabel(3 << 20, from: "bytes", to: .auto) == "3MB")
        #expect(Measurement.scaledLabel(2_500_000, from: "nanoseconds", to: .unit("ms")) == "2.50ms")
        // A unit no type knows is printed after the unconverted value; counts have no unit.
        #expect(Measurement.scaledLabel(7, from: "count", to: .unit("widgets")) == "7widgets")
        #expect(Measurement.scaledLabel(7, from: "count", to: .minimum) == "7")
        let scaler = Measurement.Scaler(from: "bytes", to: .minimum)
        #expect(scaler.label(1536) == Measurement.scaledLabel(1536, from: "bytes", to: "minimum"))
    }
}
