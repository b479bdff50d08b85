"""Report-text ingest: candidate observations, with their quoted spans, from Chinese (or English) report text.

`extract_file(path)` reads a report, rebuilds its flattened tables, finds its prose figures and maps each
to the catalog through the lexicon; `write_review` / `read_review` round-trip the candidates through a
file an analyst corrects; `load_extraction` loads accepted candidates as one vintage.

Why only the reading side is imported here: `sectorscope extract` prints candidates without touching the
store, so `review` and `loading` (pandas, the validator, the store) are imported by whoever writes a review
file or loads.
"""
from .candidate import Ambiguity, Candidate, TableCell
from .document import MAX_REPORT_BYTES, Document, decode_report, read_report
from .extractor import ACCEPT_CONFIDENCE, Extraction, extract, extract_file
from .lexicon import Lexicon, load_lexicon

__all__ = [
    "ACCEPT_CONFIDENCE",
    "MAX_REPORT_BYTES",
    "Ambiguity",
    "Candidate",
    "Document",
    "Extraction",
    "Lexicon",
    "TableCell",
    "decode_report",
    "extract",
    "extract_file",
    "load_lexicon",
    "read_report",
]
