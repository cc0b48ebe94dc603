/// `POST /batch`: `{"urls": [...], "width": W, "quality": Q}`.
public struct BatchRequest: Codable, Sendable {
    public var urls: [String]
    public var width: Int
    public var quality: Int?

    public init(urls: [String], width: Int, quality: Int? = nil) {
        self.urls = urls
        self.width = width
        self.quality = quality
    }
}

/// The answer to a batch: one result per URL, in the order given, and totals.
public struct BatchSummary: Codable, Sendable {
    public struct Failure: Codable, Sendable, Equatable {
        public var status: Int
        public var code: String
        public var message: String
    }

    public struct Result: Codable, Sendable {
        public var url: String
        public var ok: Bool
        public var originalBytes: Int?
        public var thumbnailBytes: Int?
        public var width: Int?
        public var height: Int?
        public var cached: Bool?
        public var milliseconds: Double
        public var error: Failure?
    }

    public var results: [Result]
    public var succeeded: Int
    public var failed: Int
    public var totalOriginalBytes: Int
    public var totalThumbnailBytes: Int
    public var milliseconds: Double
}

extension Thumbnailer {
    /// Recompresses every URL of the batch, `batchConcurrency` at a time.
    public func batch(_ request: BatchRequest) async throws(ServiceError) -> BatchSummary {
        let quality = request.quality ?? 85
        guard !request.urls.isEmpty else { throw .badParameter("urls is empty: give at least one URL") }
        guard request.urls.count <= configuration.maxBatchURLs else {
            throw .badParameter("a batch has at most \(configuration.maxBatchURLs) URLs, not \(request.urls.count)")
        }
        try validate(width: request.width, quality: quality)
        let started = Self.now()
        var results = [BatchSummary.Result?](repeating: nil, count: request.urls.count)
        await withTaskGroup(of: (Int, BatchSummary.Result).self) { group in
            var next = 0
            func addNext() {
                let index = next
                let url = request.urls[index]
                next += 1
                group.addTask { (index, await self.batchItem(url, width: request.width, quality: quality)) }
            }
            while next < min(configuration.batchConcurrency, request.urls.count) { addNext() }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < request.urls.count { addNext() }
            }
        }
        let done = results.map { $0! }
        return BatchSummary(
            results: done, succeeded: done.filter(\.ok).count, failed: done.filter { !$0.ok }.count,
            totalOriginalBytes: done.reduce(0) { $0 + ($1.originalBytes ?? 0) },
            totalThumbnailBytes: done.reduce(0) { $0 + ($1.thumbnailBytes ?? 0) },
            milliseconds: (Self.now() - started) * 1000)
    }

    private func batchItem(_ url: String, width: Int, quality: Int) async -> BatchSummary.Result {
        let started = Self.now()
        do {
            let t = try await thumbnail(url: url, width: width, quality: quality)
            return BatchSummary.Result(
                url: url, ok: true, originalBytes: t.originalBytes, thumbnailBytes: t.jpeg.count, width: t.width,
                height: t.height, cached: t.cached, milliseconds: t.milliseconds, error: nil)
        } catch {
            return BatchSummary.Result(
                url: url, ok: false, milliseconds: (Self.now() - started) * 1000,
                error: .init(status: Int(error.status.code), code: error.code, message: error.message))
        }
    }
}
