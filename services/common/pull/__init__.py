"""What `bee` and `sts` share to serve pull flows: the change journal and its cursors, tables of records
kept by natural key, consistent read snapshots, and the incremental writers of XML, JSON and zip.

- :mod:`.journal`: every write goes through a :class:`~.journal.ChangeSet` flushed into the service's
  journal in the same transaction; a delta reads it back;
- :mod:`.cursors`: the opaque, signed cursor naming a position in that journal;
- :mod:`.store`: a :class:`~.store.RecordTable` keeps one format record per natural key and journals
  every change it makes;
- :mod:`.snapshot`: the read transaction an export runs in;
- :mod:`.layout` and :mod:`.render`: what a file is made of, and how it is written piece by piece.
"""
