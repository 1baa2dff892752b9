"""The upload store is shared by every session (each a thread): bounded, least recently
used out, and safe when sessions upload and read at once."""

import threading
import time
from collections import OrderedDict

from linreg.app.uploads import UploadStore
from linreg.csvdata import parse_csv

TABLE = parse_csv(b"x,y\n1,2\n2,4\n3,7\n")


def content(i: int) -> bytes:
    return f"upload {i}".encode()


def test_a_table_comes_back_under_its_content_key():
    store = UploadStore(max_entries=2)
    key = store.put(content(1), TABLE)
    assert store.get(key) is TABLE and store.put(content(1), TABLE) == key
    assert store.get("no such key") is None


def test_the_least_recently_used_upload_leaves_first():
    store = UploadStore(max_entries=2)
    first, second = store.put(content(1), TABLE), store.put(content(2), TABLE)
    store.get(first)  # a session still using its upload keeps it
    third = store.put(content(3), TABLE)
    assert (
        store.get(first) is TABLE
        and store.get(second) is None
        and store.get(third) is TABLE
    )


class Interleaving(OrderedDict):
    """The store's table, handing the processor to another thread inside every
    operation: interleavings of two sessions' puts and gets that a loaded server meets
    by chance come up at once."""

    def __setitem__(self, key, value):
        time.sleep(0)
        super().__setitem__(key, value)

    def move_to_end(self, key, last=True):
        time.sleep(0)
        super().move_to_end(key, last)

    def popitem(self, last=True):
        time.sleep(0)
        return super().popitem(last)

    def get(self, key, default=None):
        time.sleep(0)
        return super().get(key, default)


def test_sessions_uploading_and_reading_at_once():
    store = UploadStore(max_entries=4)
    store._tables = Interleaving()
    tables = {
        i: parse_csv(f"x,y\n1,{i}\n2,{i + 1}\n3,{i + 3}\n".encode()) for i in range(6)
    }
    errors: list[BaseException] = []
    wrong: list[int] = []
    start = threading.Barrier(8)

    def session(offset: int) -> None:
        start.wait()  # every session starts together
        try:
            for round_ in range(200):
                i = (offset * 5 + round_) % len(tables)
                key = store.put(content(i), tables[i])
                got = store.get(key)
                if got is not None and got is not tables[i]:
                    wrong.append(i)
        except BaseException as exc:  # any exception in a session is the failure
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and wrong == []
    assert len(store) <= 4
