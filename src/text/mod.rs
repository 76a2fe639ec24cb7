//! Vietnamese text: normalisation, matching, numbers, dates and legacy encodings.
