"""Member lookup tables: a hash table of the JSON names of each struct, so
the decoders find a member with one hash and (mostly) one comparison, and
each name's first and last words, so that comparison is two loads.

The hash is socapi_key_hash() in runtime/src/internal.h; both must compute
the same slot for the same bytes (the runtime's tests would fail to find
any member otherwise)."""

from .errors import SchemaError

MASK = (1 << 64) - 1
MIX_TAIL = 0x9E3779B97F4A7C15
MIX_MIDDLE = 0xC2B2AE3D27D4EB4F
SEEDS_TRIED = 64


def _word(data):
    """Up to 8 bytes as a little-endian integer, zero-padded."""
    return int.from_bytes(data[:8].ljust(8, b"\0"), "little")


def key_hash(key, seed, bits):
    """The slot of a member name (bytes) in a table of 1 << bits slots."""
    n = len(key)
    head = _word(key)
    tail = _word(key[n - 8:]) if n >= 8 else 0
    middle = _word(key[(n - 8) // 2:]) if n > 16 else 0
    x = (head ^ (tail * MIX_TAIL) ^ (middle * MIX_MIDDLE) ^ n) & MASK
    x = (x * seed) & MASK
    x ^= x >> 29
    x = (x * MIX_TAIL) & MASK
    return x >> (64 - bits)


def key_table(names, where):
    """(seed, bits, slots): an open-addressing table of 1 << bits slots, at
    most half of them used, slots[i] = member index + 1 (0: empty). A name
    sits at its hash's slot or, when that is taken, at the next free one
    (wrapping). Of the first seeds tried, the one that displaces the fewest
    names wins: most tables are perfect, and a lookup that misses stops at
    the first empty slot."""
    keys = [n.encode("utf-8") for n in names]
    if len(set(keys)) != len(keys):
        raise SchemaError(where, "", "two members share a JSON name")
    if len(keys) >= 1 << 16:
        raise SchemaError(where, "", "too many members for a key table")
    bits = 1
    while (1 << bits) < 2 * len(keys):
        bits += 1
    size = 1 << bits
    best = None
    for seed in range(1, 2 * SEEDS_TRIED, 2):
        slots, displaced = [0] * size, 0
        for i, k in enumerate(keys):
            s = key_hash(k, seed, bits)
            while slots[s]:
                s = (s + 1) % size
                displaced += 1
            slots[s] = i + 1
        if best is None or displaced < best[0]:
            best = (displaced, seed, slots)
        if not displaced:
            break
    return best[1], bits, best[2]


def name_key(name):
    """(head, tail, length) of a member name, as struct socapi_key holds it: its
    first 8 bytes and (8 bytes or longer) its last 8, little-endian, zero-padded."""
    key = name.encode("utf-8")
    return _word(key), _word(key[-8:]) if len(key) >= 8 else 0, len(key)
