"""Random damage for the property tests of the PO readers (tests/test_pofiles.py, tests/test_poread.py):
a sample edited at random positions by bytes inserted, deleted or replaced."""

from __future__ import annotations

from hypothesis import strategies as st

Edits = list[tuple[int, int, bytes]]  # (position, 0 insert / 1 delete a byte / 2 replace a byte, the piece)


def edits(sample: bytes, pieces: list[bytes], min_size: int = 0, max_size: int = 3) -> st.SearchStrategy[Edits]:
    return st.lists(st.tuples(st.integers(0, len(sample)), st.integers(0, 2), st.sampled_from(pieces)),
                    min_size=min_size, max_size=max_size)


def damaged(data: bytes, changes: Edits) -> bytes:
    """`data` with each edit applied in turn."""
    for at, how, piece in changes:
        at = min(at, len(data))
        data = data[:at] + (piece if how != 1 else b"") + data[at + (how > 0):]
    return data
