"""The SIECLE, STS-WEB and EDT exchange formats.

* :mod:`.xmlsafe` parses untrusted XML; :mod:`.zipsafe` opens untrusted ``ExportXML_*.zip``;
* :mod:`.xmlwrite` writes ISO-8859-15 files shaped like the ministry's;
* :mod:`.identifiers` checks UAI, INE, MEF, subject and structure codes, dates and times;
* :mod:`.errors` holds :class:`~.errors.FormatError` and its stable codes;
* one module per format (``bee_eleves``...), on the declarative :mod:`.binding`;
  :mod:`.registry` finds the codec of a file by its root, :mod:`.schemas` validates against our XSDs.
"""
