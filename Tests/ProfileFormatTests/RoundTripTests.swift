import Testing
@testable import ProfileFormat

@Suite struct RoundTripTests {
    static func smallProfile() -> Profile {
        var p = Profile()
        p.sampleTypes = [ValueType(type: "alloc_objects", unit: "count"), ValueType(type: "alloc_space", unit: "bytes")]
        p.periodType = ValueType(type: "space", unit: "bytes")
        p.period = 524288
        p.mappings = [Mapping(id: 1, start: 0x400000, limit: 0x500000, file: "/bin/app", hasFunctions: true)]
        p.functions = [
            Function(id: 1, name: "main.main", filename: "main.go", startLine: 10),
            Function(id: 2, name: "main.leaf", filename: "leaf.go", startLine: 3),
        ]
        p.locations = [
            Location(id: 1, mapping: 0, address: 0x401000, lines: [Line(function: 0, line: 12)]),
            Location(id: 2, mapping: 0, address: 0x402000, lines: [Line(function: 1, line: 5)]),
        ]
        p.samples = [
            Sample(locations: [1, 0], values: [3, 3000], numLabels: [NumLabel(key: "bytes", value: 1000)]),
            Sample(locations: [0], values: [1, 64], labels: [Label(key: "worker", value: "a")]),
        ]
        p.comments = ["made by a test"]
        p.timeNanos = 1_700_000_000_000_000_000
        return p
    }

    @Test func encodeThenDecodeKeepsEverything() throws {
        let p = Self.smallProfile()
        let q = try Profile.parse(p.serialized())
        #expect(q.sampleTypes == p.sampleTypes)
        #expect(q.samples == p.samples)
        #expect(q.locations == p.locations)
        #expect(q.functions == p.functions)
        #expect(q.mappings == p.mappings)
        #expect(q.comments == p.comments)
        #expect(q.period == 524288 && q.periodType == p.periodType && q.timeNanos == p.timeNanos)
    }

    @Test func rawProtobufIsReadToo() throws {
        let p = Self.smallProfile()
        let q = try Profile.parse(p.serialized(compress: false))
        #expect(q.samples == p.samples)
    }
}
