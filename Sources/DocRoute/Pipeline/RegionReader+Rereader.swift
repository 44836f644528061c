import DocRouteExtraction
import DocRouteModel
import DocRouteReaders

/// The values model's region reader is what answers the router's re-reads.
extension RegionReader: Rereader {
    package func reread(page: Int, box: Box, lines: Int, whitelist: String?) throws(DocRouteError) -> Reread? {
        try read(page: page, box: box, lines: lines, whitelist: whitelist).map {
            Reread(text: $0.text, confidence: $0.confidence)
        }
    }
}
