"""Uploaded tables, shared by every session of this process (one upload store, by
content hash)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from ..csvdata import Table


class UploadStore:
    """Parsed uploads by content hash, shared by sessions (same bytes, same table),
    bounded: the least recently used leaves first.  Every session's script runs in its
    own thread: one lock makes each put and get whole.
    """

    def __init__(self, max_entries: int = 16):
        self._tables: OrderedDict[str, Table] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def put(self, content: bytes, table: Table) -> str:
        key = hashlib.sha256(content).hexdigest()[:16]
        with self._lock:
            self._tables[key] = table
            self._tables.move_to_end(key)
            while len(self._tables) > self._max:
                self._tables.popitem(last=False)
        return key

    def get(self, key: str) -> Table | None:
        """The table, now the most recently used (a session still working on its upload
        keeps it)."""
        with self._lock:
            table = self._tables.get(key)
            if table is not None:
                self._tables.move_to_end(key)
            return table

    def __len__(self) -> int:
        return len(self._tables)


UPLOADS = UploadStore()
