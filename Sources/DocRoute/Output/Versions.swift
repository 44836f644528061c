import CLibXML2
import DocRouteModel
import DocRouteReaders
import Foundation

/// Versions of DocRoute and of the libraries that read documents.
public enum Versions {
    public static let docroute = "0.1.0"
    public static var tesseract: String { OCREnginePool.tesseractVersion }
    public static var poppler: String { PDFReader.version }
    public static var libxml2: String { LIBXML_DOTTED_VERSION }
}
