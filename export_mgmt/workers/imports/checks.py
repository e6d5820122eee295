"""Checks on an uploaded workbook before any parser sees it: size, zip structure, and what it would unpack to.

An .xlsx file is a zip archive of XML parts. A hostile or broken file can claim small sizes in its directory
and unpack to gigabytes (a "zip bomb"), hold thousands of entries, or not be a workbook at all. Everything here
reads the zip's central directory first (cheap), then inflates each entry once in bounded chunks, counting
bytes, so that what a parser would later unpack is known to match the directory and stay under the limits.
CPU work: call `check_workbook` through asyncio.to_thread from a request handler.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from export_mgmt.i18n import _

MiB = 1024 * 1024
MAX_FILE_BYTES = 20 * MiB  # the upload itself
MAX_UNCOMPRESSED_BYTES = 200 * MiB  # all entries together, unpacked
MAX_ENTRIES = 1000
# Deflate cannot do better than about 1,030:1; real workbooks stay under 30:1 (a generated 100,000-row sheet,
# the most repetitive content Excel writes, is about 12:1). Entries smaller than RATIO_FLOOR are not judged:
# a short run of identical bytes compresses extremely well without being a threat.
MAX_RATIO = 100
RATIO_FLOOR = 1 * MiB
WORKBOOK_PART = "xl/workbook.xml"

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and password-protected .xlsx)
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_CHUNK = 256 * 1024
# Office Open XML never declares a DTD; one in a part can only be there to define entities that expand on parsing
# ("billion laughs") or reach outside the file. UTF-8 as Excel writes, and UTF-16 either way round.
_DTD_MARKERS = tuple(m.encode(codec) for m in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le",
                                                                                        "utf-16-be"))
_MARKER_OVERLAP = max(len(m) for m in _DTD_MARKERS) - 1


class FileRefused(Exception):
    """The file cannot be imported at all; `message` is translated and says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _mb(n: int) -> int:
    return n // MiB


def _old_format() -> str:
    return _("This is an old-format .xls workbook or a password-protected file. Open it in Excel, remove any "
             "password and save it as an Excel Workbook (.xlsx).")


def _not_xlsx() -> str:
    return _("This file is not an Excel workbook (.xlsx). Save it from Excel as an Excel Workbook (.xlsx) and "
             "upload it again.")


def _damaged() -> str:
    return _("The workbook is damaged and cannot be read. Save it again from Excel.")


def check_size(data: bytes) -> None:
    if not data:
        raise FileRefused(_("Choose a file to upload."))
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(_("The file is larger than %(n)s MB. Split it into several files.",
                            n=_mb(MAX_FILE_BYTES)))


def check_workbook(data: bytes) -> None:
    """Refuse anything that is not a plausible .xlsx workbook within the limits; return quietly otherwise."""
    check_size(data)
    if data.startswith(OLE_MAGIC):
        raise FileRefused(_old_format())
    if not data.startswith(ZIP_MAGIC) or not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRefused(_not_xlsx())
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise FileRefused(_damaged()) from None
    _check_directory(entries)
    for info in entries:
        _inflate_exactly(data, info)


def _check_directory(entries: list[zipfile.ZipInfo]) -> None:
    """The limits, judged from the central directory alone (nothing is unpacked yet)."""
    if len(entries) > MAX_ENTRIES:
        raise FileRefused(_("The workbook has more than %(n)s parts inside; this is not a normal Excel file.",
                            n=MAX_ENTRIES))
    total = sum(info.file_size for info in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileRefused(_("The workbook would unpack to more than %(n)s MB. Split it into several files.",
                            n=_mb(MAX_UNCOMPRESSED_BYTES)))
    for info in entries:
        if info.file_size >= RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileRefused(_("The workbook contains a part that is compressed far more than any Excel file "
                                "would be; it was refused as unsafe."))
        if info.flag_bits & 0x1:
            raise FileRefused(_old_format())
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FileRefused(_damaged())
    if WORKBOOK_PART not in {info.filename for info in entries}:
        raise FileRefused(_not_xlsx())


def _declares_entities(text: bytes) -> bool:
    return any(marker in text for marker in _DTD_MARKERS)


def _entities_refused() -> FileRefused:
    return FileRefused(_("The workbook contains XML entity declarations, which Excel never writes; it was "
                         "refused as unsafe."))


def _inflate_exactly(data: bytes, info: zipfile.ZipInfo) -> None:
    """Unpack one entry in bounded chunks: it must give exactly the size and checksum the directory claims.

    A parser reads the same compressed bytes (the directory's offset and compressed size), so once they are known
    to unpack to `file_size` bytes, no parser can be made to unpack more.
    """
    damaged = _damaged()
    offset = info.header_offset
    header = data[offset:offset + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size:
        raise FileRefused(damaged)
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != ZIP_MAGIC:
        raise FileRefused(damaged)
    start = offset + _LOCAL_HEADER.size + fields[10] + fields[11]  # name and extra-field lengths
    compressed = memoryview(data)[start:start + info.compress_size]
    if len(compressed) != info.compress_size:
        raise FileRefused(damaged)
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size or zlib.crc32(compressed) != info.CRC:
            raise FileRefused(damaged)
        if _declares_entities(bytes(compressed)):
            raise _entities_refused()
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced, crc, tail = 0, 0, b""
    pending = bytes(compressed)
    try:
        while not inflater.eof:
            # Never more than one chunk past the claimed size: a lying directory is caught after _CHUNK bytes.
            out = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            if not out and not pending:
                break  # the stream ends early: damaged
            produced += len(out)
            if produced > info.file_size:
                raise FileRefused(_("The workbook contains a part that unpacks to more than its stated size; "
                                    "it was refused as unsafe."))
            crc = zlib.crc32(out, crc)
            # The chunk with the end of the one before, so a marker split between two chunks is still seen.
            if _declares_entities(tail + out):
                raise _entities_refused()
            tail = out[-_MARKER_OVERLAP:]
    except zlib.error:
        raise FileRefused(damaged) from None
    if not inflater.eof or produced != info.file_size or crc != info.CRC:
        raise FileRefused(damaged)
