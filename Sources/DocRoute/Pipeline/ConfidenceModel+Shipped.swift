import DocRouteModel
import DocRouteReaders
// Written by `docroute fit-confidence` (see scripts/fit-confidence.sh): do not edit by hand.
extension ConfidenceModel {
    /// The model fitted across pipelines on `Calibration/outcomes/` (cards-31337, cards-31337-labels, docile, invoice2data, invoices-31338, kleister-nda, mindee, samples-identity).
    public static let shipped = ConfidenceModel(weights: [
        "bias": 3.1864,
        "raw": 0.3765,
        "label_edit": -0.9864,
        "label_in_text": -1.7711,
        "short_label": -0.6247,
        "unlabelled": -0.7813,
        "repeated_label": -0.8258,
        "later_page": -1.0237,
        "ambiguous_date": -0.5739,
        "ocr": 0.726,
        "ocr_doubt": -1.1239,
        "ocr_low": -1.1645,
        "ocr_accents": 0.3326,
        "repaired": -1.0506,
        "reread": 0.9146,
        "reread_disagrees": -1.7894,
        "rival": -0.5867,
        "weaker_rival": 0.1766,
        "agree": -0.2435,
        "check_agrees": 0.8379,
        "check_disagrees": -1.0085,
        "free_text": -2.2452,
        "long_text": -2.4188,
        "lower_words": -1.4378,
        "next_column": 1.1799,
        "below": -0.0732,
        "cell": 0.2334,
        "total_row": 0.1247,
        "by_sum": 0.0679,
        "pattern": 0.1269,
        "template": 0.1887,
        "mrz": -0.7997,
        "typed": 0.2936,
    ])
}
