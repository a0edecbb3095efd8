"""Which text encoding a file's attributes are in, decided as GIS tools decide it.

Order for a Shapefile's DBF: an encoding the user chose; else the DBF's language
driver id (byte 29) when it names a code page; else the `.cpg` file beside it; else
the bytes themselves: UTF-8 if every value decodes as UTF-8, else GB18030 (the
superset of GBK and GB2312 that Chinese Windows writes). LDID 0x57 means "the
writer's ANSI code page", which ArcMap writes on Chinese Windows for GBK text: it
names no code page, so the bytes decide. A declaration the bytes contradict (a value
that does not decode, or multi-byte Chinese text under a single-byte code page) is
refused naming the field, instead of storing mojibake.

Sources: the dBASE language driver ids as ESRI and GDAL's Shapefile driver read them
(GDAL `ogr/ogrsf_frmts/shape`), and ESRI's `.cpg` convention (a code page name or
number in a text file beside the `.shp`).
"""

import codecs
from dataclasses import dataclass

from django.utils.translation import gettext as _

UTF8 = "utf-8"
GB18030 = "gb18030"

# dBASE language driver id -> Python codec. 0x57 ("ANSI") is deliberately absent.
LANGUAGE_DRIVERS = {
    0x01: "cp437",
    0x02: "cp850",
    0x03: "cp1252",
    0x08: "cp865",
    0x09: "cp437",
    0x0A: "cp850",
    0x0B: "cp437",
    0x0D: "cp437",
    0x0E: "cp850",
    0x0F: "cp437",
    0x10: "cp850",
    0x11: "cp437",
    0x12: "cp850",
    0x13: "cp932",
    0x14: "cp850",
    0x15: "cp437",
    0x16: "cp850",
    0x17: "cp865",
    0x18: "cp437",
    0x19: "cp437",
    0x1A: "cp850",
    0x1B: "cp437",
    0x1C: "cp863",
    0x1D: "cp850",
    0x1F: "cp852",
    0x22: "cp852",
    0x23: "cp852",
    0x24: "cp860",
    0x25: "cp850",
    0x26: "cp866",
    0x37: "cp850",
    0x40: "cp852",
    0x4D: GB18030,  # Chinese GBK (PRC), Windows code page 936
    0x4E: "cp949",
    0x4F: "cp950",
    0x50: "cp874",
    0x58: "cp1252",
    0x59: "cp1252",
    0x64: "cp852",
    0x65: "cp866",
    0x66: "cp865",
    0x67: "cp861",
    0x6A: "cp737",
    0x6B: "cp857",
    0x78: "cp950",
    0x79: "cp949",
    0x7A: GB18030,  # PRC GBK, code page 936
    0x7B: "cp932",
    0x7C: "cp874",
    0x7D: "cp1255",
    0x7E: "cp1256",
    0xC8: "cp1250",
    0xC9: "cp1251",
    0xCA: "cp1254",
    0xCB: "cp1253",
    0xCC: "cp1257",
}
# Code page numbers and names as `.cpg` files and users write them.
_CODE_PAGES = {"65001": UTF8, "936": GB18030, "54936": GB18030, "88591": "latin-1"}
_CHINESE = {"gbk", "gb2312", "gb18030", "cp936", "hz"}


class EncodingRejected(Exception):
    """The attribute text cannot be decoded as declared; the message names the field."""


@dataclass(frozen=True)
class Decision:
    """The codec chosen, where the choice came from, and a note for the import report."""

    encoding: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class RawText:
    """One text value as bytes, where it was found (feature number None for a field name)."""

    field: str
    feature: int | None
    data: bytes


def codec(name: str) -> str | None:
    """A Python codec for a code page name or number (`UTF-8`, `GBK`, `936`, `ANSI 936`)."""
    text = name.strip().strip("\x00").strip()
    if not text:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    upper = text.upper()
    if upper.startswith(("ANSI", "CP", "OEM")) or text.isdigit():
        if digits in _CODE_PAGES:
            return _CODE_PAGES[digits]
        text = f"cp{digits}" if digits else text
    try:
        found = codecs.lookup(text.replace("8859_", "8859-")).name
    except LookupError:
        return None
    return GB18030 if found in _CHINESE else found


def language_driver(dbf: bytes) -> int | None:
    """The DBF header's language driver id (byte 29), or None for a file too short."""
    return dbf[29] if len(dbf) > 29 else None


def decide(
    values: list[RawText],
    *,
    chosen: str | None = None,
    ldid: int | None = None,
    cpg: str | None = None,
    how_to_declare: str = "",
) -> Decision:
    """Choose the codec for `values` (only non-ASCII values matter); EncodingRejected if none fits.

    `chosen` is a codec the user named; `ldid` the DBF language driver id; `cpg` the
    text of the `.cpg` file. `how_to_declare` is appended to refusals.
    """
    declared = None
    if chosen:
        declared = (_valid_codec(chosen, _("the encoding you chose")), _("the encoding you chose"))
    elif ldid in LANGUAGE_DRIVERS:
        declared = (
            LANGUAGE_DRIVERS[ldid],
            _("the DBF's language driver id 0x%(ldid)02X") % {"ldid": ldid},
        )
    elif cpg is not None and cpg.strip():
        declared = (_valid_codec(cpg, _("the .cpg file")), _("the .cpg file"))
    texts = [v for v in values if not v.data.isascii()]
    if declared is not None:
        encoding, source = declared
        _check_declared(texts, encoding, source, how_to_declare)
        return Decision(encoding, source)
    if _first_failing(texts, UTF8) is None:
        return Decision(UTF8, _("the bytes"))
    failing = _first_failing(texts, GB18030)
    if failing is None:
        return Decision(
            GB18030,
            _("the bytes"),
            _(
                "The file does not declare its text encoding; its text was read as GB18030 "
                "(GBK), the only encoding its bytes fit."
            ),
        )
    raise EncodingRejected(
        _(
            "Field %(field)s%(where)s holds text that is neither UTF-8 nor GBK/GB18030 "
            "(bytes %(bytes)s). %(how)s"
        )
        % {
            "field": failing.field,
            "where": _where(failing),
            "bytes": failing.data[:24].hex(" "),
            "how": how_to_declare,
        }
    )


def _valid_codec(name: str, source: str) -> str:
    found = codec(name)
    if found is None:
        raise EncodingRejected(
            _("%(source)s names the encoding %(name)s, which is not known; use UTF-8 or GBK.")
            % {"source": source, "name": repr(name.strip()[:40])}
        )
    return found


def _check_declared(texts: list[RawText], encoding: str, source: str, how: str) -> None:
    failing = _first_failing(texts, encoding)
    if failing is not None:
        raise EncodingRejected(
            _(
                "Field %(field)s%(where)s is not %(encoding)s text, as %(source)s says%(reads)s. "
                "%(how)s"
            )
            % {
                "field": failing.field,
                "where": _where(failing),
                "encoding": encoding.upper(),
                "source": source,
                "reads": _reads_as(failing.data),
                "how": how,
            }
        )
    if _single_byte(encoding):
        for text in texts:
            if _looks_multibyte(text.data):
                raise EncodingRejected(
                    _(
                        "Field %(field)s%(where)s holds multi-byte text%(reads)s, but "
                        "%(source)s says %(encoding)s, which would garble it. %(how)s"
                    )
                    % {
                        "field": text.field,
                        "where": _where(text),
                        "reads": _reads_as(text.data),
                        "source": source,
                        "encoding": encoding.upper(),
                        "how": how,
                    }
                )


def _single_byte(encoding: str) -> bool:
    return codecs.lookup(encoding).name not in {UTF8, GB18030, "cp932", "cp949", "cp950"}


def _looks_multibyte(data: bytes) -> bool:
    """Valid UTF-8 with multi-byte sequences, or GB18030 that reads as Chinese characters."""
    try:
        data.decode(UTF8)
        return True
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode(GB18030)
    except UnicodeDecodeError:
        return False
    return all(
        ch.isascii() or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text
    )


def _reads_as(data: bytes) -> str:
    for encoding, label in ((UTF8, "UTF-8"), (GB18030, "GBK/GB18030")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _("; as %(encoding)s it reads «%(text)s»") % {"encoding": label, "text": text[:40]}
    return ""


def _first_failing(texts: list[RawText], encoding: str) -> RawText | None:
    for text in texts:
        try:
            text.data.decode(encoding)
        except UnicodeDecodeError:
            return text
    return None


def _where(text: RawText) -> str:
    if text.feature is None:
        return _(" (a field name)")
    return _(" of feature %(number)s") % {"number": text.feature}
