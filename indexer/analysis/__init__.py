"""Words: normalisation, segmentation, index terms, names, glossary and cross-lingual expansion."""
