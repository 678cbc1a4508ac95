"""The SIECLE, STS-WEB and EDT exchange formats: hardened parsing, identifiers, codecs and XSDs."""
