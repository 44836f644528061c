/// The typed failure of reading one document. Each case has a stable `code` for records.
public enum DocRouteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file has no bytes.
    case emptyFile
    /// The content is not a format DocRoute reads; `kind` names what it is when known
    /// (e.g. "legacy OLE2 Word document (.doc)", "ZIP archive that is not OOXML").
    case unsupportedFormat(kind: String)
    /// A password-protected document DocRoute cannot open without the password.
    case encrypted(String)
    /// The file claims a format but its content is broken.
    case corrupt(String)
    /// A limit on untrusted input was exceeded (pages, pixels, ZIP size or ratio, XML entities).
    case limitExceeded(String)
    /// The per-document time budget ran out.
    case timeout(seconds: Double)
    /// The file could not be read from disk.
    case io(String)
    /// An OCR engine failed (initialisation, recognition).
    case ocr(String)
    /// The worker process reading the document died (a signal, a runtime trap, the memory
    /// cap); the message names the signal and what the worker printed.
    case crashed(String)

    /// A stable, machine-readable name of the error kind.
    public var code: String {
        switch self {
        case .emptyFile: "empty_file"
        case .unsupportedFormat: "unsupported_format"
        case .encrypted: "encrypted"
        case .corrupt: "corrupt"
        case .limitExceeded: "limit_exceeded"
        case .timeout: "timeout"
        case .io: "io"
        case .ocr: "ocr"
        case .crashed: "crashed"
        }
    }

    public var description: String {
        switch self {
        case .emptyFile: "empty file"
        case .unsupportedFormat(let kind): "unsupported format: \(kind)"
        case .encrypted(let m): "encrypted: \(m)"
        case .corrupt(let m): "corrupt: \(m)"
        case .limitExceeded(let m): "limit exceeded: \(m)"
        case .timeout(let s): "timed out after \(s) s"
        case .io(let m): "cannot read file: \(m)"
        case .ocr(let m): "OCR failed: \(m)"
        case .crashed(let m): "worker crashed: \(m)"
        }
    }
}
