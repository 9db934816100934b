"""Pictures made by code for the tests."""

import struct
import zlib


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (only a few rows of data follow)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * (width * 3 + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def png_encoded(values, *, bit_depth: int = 16, color_type: int = 2, filters=(0, 1, 2, 3, 4), chunks=()) -> bytes:
    """A PNG written here, row by row (Pillow writes no 16-bit colour PNG).

    ``values`` is (H, W) or (H, W, C) integers; ``color_type`` 0 grey, 2 RGB,
    4 grey + alpha, 6 RGBA; rows cycle through ``filters`` (0 none, 1 sub,
    2 up, 3 average, 4 Paeth) so that the reader's unfiltering is tested too.
    ``chunks`` are (type, data) pairs written before the pixels (``iCCP``...).
    """
    import numpy as np

    values = np.asarray(values)
    height, width = values.shape[:2]
    rows = values.astype(">u2" if bit_depth == 16 else "u1").reshape(height, -1)
    step = rows.shape[1] * rows.itemsize // width  # bytes per pixel
    raw, previous = bytearray(), bytes(rows.shape[1] * rows.itemsize)
    for y in range(height):
        line = rows[y].tobytes()
        kind = filters[y % len(filters)]
        filtered = bytearray()
        for i, x in enumerate(line):
            a = line[i - step] if i >= step else 0
            b = previous[i]
            c = previous[i - step] if i >= step else 0
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)  # distances of a + b - c to a, b, c
            paeth = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            filtered.append((x - (0, a, b, (a + b) // 2, paeth)[kind]) % 256)
        raw += bytes([kind]) + filtered
        previous = line

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    extra = b"".join(chunk(kind, data) for kind, data in chunks)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", zlib.compress(bytes(raw)))
        + chunk(b"IEND", b"")
    )


# --- ICC profiles, built byte by byte (ICC.1:2001-04, version 2) ---------------------------

D65 = (0.3127, 0.3290)
SRGB_PRIMARIES = ((0.64, 0.33), (0.30, 0.60), (0.15, 0.06))
ADOBE_RGB_PRIMARIES = ((0.64, 0.33), (0.21, 0.71), (0.15, 0.06))
_D50 = (0.9642, 1.0, 0.8249)
_BRADFORD = ((0.8951, 0.2664, -0.1614), (-0.7502, 1.7135, 0.0367), (0.0389, -0.0685, 1.0296))


def rgb_to_xyz(primaries, white=D65):
    """The 3 x 3 matrix from linear RGB of these primaries to XYZ (the white's Y = 1)."""
    import numpy as np

    def xyz(xy):
        return np.array([xy[0] / xy[1], 1.0, (1 - xy[0] - xy[1]) / xy[1]])

    m = np.stack([xyz(p) for p in primaries], axis=1)
    return m * np.linalg.solve(m, xyz(white))


def icc_profile(description: str, primaries=None, gamma: float = 1.0) -> bytes:
    """A real ICC v2 display profile: RGB matrix/TRC with ``primaries`` (D65 white), or grey if None.

    The colorants are adapted to the profile connection space's D50 white
    with the Bradford transform, as the ICC asks; each channel's curve is
    ``gamma`` (1.0: linear light).
    """
    import numpy as np

    def s15(value):
        return struct.pack(">i", round(value * 65536))

    def xyz_tag(v):
        return b"XYZ " + bytes(4) + b"".join(s15(c) for c in v)

    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2)
    text = description.encode() + b"\0"
    desc = b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)
    tags = [(b"desc", desc), (b"cprt", b"text" + bytes(4) + b"none\0"), (b"wtpt", xyz_tag(_D50))]
    if primaries is None:
        space = b"GRAY"
        tags.append((b"kTRC", curve))
    else:
        space = b"RGB "
        bradford = np.array(_BRADFORD)
        white = rgb_to_xyz(primaries) @ np.ones(3)
        adapt = np.linalg.inv(bradford) @ np.diag((bradford @ _D50) / (bradford @ white)) @ bradford
        colorants = adapt @ rgb_to_xyz(primaries)
        tags += [(name, xyz_tag(colorants[:, k])) for k, name in enumerate((b"rXYZ", b"gXYZ", b"bXYZ"))]
        tags += [(name, curve) for name in (b"rTRC", b"gTRC", b"bTRC")]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for name, body in tags:
        body += bytes(-len(body) % 4)
        table += name + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = struct.pack(">I4sI4s4s4s6H4s4sI4s4sQI", size, bytes(4), 0x02100000, b"mntr", space, b"XYZ ",
                         2026, 1, 1, 0, 0, 0, b"acsp", bytes(4), 0, bytes(4), bytes(4), 0, 0)  # fmt: skip
    header += b"".join(s15(c) for c in _D50) + bytes(4 + 16 + 28)
    return header + struct.pack(">I", len(tags)) + table + data


def srgb_encode(linear):
    """Linear light -> sRGB values (IEC 61966-2-1), the reference the tests compare with."""
    import numpy as np

    v = np.clip(linear, 0.0, 1.0)
    return np.where(v <= 0.0031308, 12.92 * v, 1.055 * v ** (1 / 2.4) - 0.055)
