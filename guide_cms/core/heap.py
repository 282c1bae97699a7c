"""Freed memory given back to the system, where the C library allows it (glibc, as on Debian).

Python frees objects as ever; this is about the C allocator underneath. glibc keeps large blocks in its
heap once it has seen one freed (its threshold for mapping a block on its own rises to that block's
size), so Argon2's 19 MiB work area stayed in every process that had checked a password (measured: 18.9
MB kept after three checks, 0 with a fixed threshold). And an operation that makes and drops many large
strings (a publication's pages, a memory index's texts) leaves free holes in the heap that still count in
the process's resident size until they are trimmed.

- keep_large_blocks_apart(): blocks of LARGE_BLOCK bytes or more are mapped on their own and returned to
  the system when freed; once per process (CoreConfig.ready). The price: such a block's pages are new to
  the process each time, so a password check takes some 28 ms instead of 18 (Argon2's 19 MiB touched
  afresh), for 19 MB less in every process that has checked one.
- release_free_memory(): the free pages inside the heap given back (malloc_trim); after the operations
  that make and drop the most (a publication, an export, a memory index's build, a server's warm-up).

Both do nothing where the C library is not glibc.
"""
from __future__ import annotations

import ctypes
import functools

LARGE_BLOCK = 1024 * 1024  # bytes
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (glibc's malloc.h)


@functools.cache
def _glibc():
    """glibc, or None (another C library). The symbols this process is linked with: the C library Python
    itself allocates with, without searching for it (ctypes.util.find_library runs ldconfig)."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    if not all(hasattr(libc, f) for f in ("mallopt", "malloc_trim", "gnu_get_libc_version")):
        return None
    return libc


def keep_large_blocks_apart() -> bool:
    """Map blocks of LARGE_BLOCK bytes or more on their own, so that they go back to the system when freed
    (this also keeps glibc from raising the threshold as it sees large blocks freed). True if set."""
    libc = _glibc()
    return bool(libc and libc.mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK) == 1)


def release_free_memory() -> bool:
    """Give the free pages inside the C heap back to the system (glibc's malloc_trim(0): about a millisecond
    for a heap of some hundred MB). True if any were given back."""
    libc = _glibc()
    return bool(libc and libc.malloc_trim(0) == 1)
