"""Hồ sơ kiểm chứng: the evidence documents of a year (and optionally a village) with their attached files.

The write path for `evidence_documents` (validation in Vietnamese, one transaction, version, audit). A file is
accepted only when its CONTENT is a PDF, a PNG or JPEG image, a Word or an Excel document (.doc/.xls: OLE
container with a WordDocument / Workbook stream; .docx/.xlsx: a ZIP package with [Content_Types].xml and a
word/ or xl/ part), is not empty, has no macros and is at most MAX_FILE_BYTES. The name the user gave is
never trusted: it is only kept, sanitised, for the download, with the extension of the detected type.

Files are stored as BLOBs in the database (table evidence_files, keyed by their sha256), so a backup of the
database file carries them. The audit log records the document row (with the sha256), never the bytes.
Which documents each indicator needs, and which are missing, is db/criteria/criteria.sql (evidence_coverage,
criteria_result).

A document is one commune's (evidence_documents.commune_id: its village's commune, or the commune chosen for a
document of the whole commune) and never counts for another. In a file of many communes (a province, a roll-up) the
reads take an optional commune_id (a village's commune when a village is given); None: every commune's. The village
argument may also be a db.core.scope.Place (places.scope).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile

import pandas as pd

from db import places
from db.core.text import shown as quoted
from db.users import authorize
from db.core.writes import (
    ValidationError, as_mapping, commune_of, check_text_fields, fetch_row, form_values, insert_row, is_missing, parse_date,
    parse_int, record_id, record_version, require, text_problems, today, transaction, update_row,
)

MAX_FILE_BYTES = 10 * 1024 * 1024  # 10 MB: a scanned report of a few dozen pages; the uploader shows the same
MAX_FILE_MB = MAX_FILE_BYTES // (1024 * 1024)
# A Word or Excel file is a ZIP package: unpacked, its parts may not pass these (a «zip bomb» of 1 GiB fits in 1 MB).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PARTS = 5000
MAX_RATIO = 200           # unpacked / packed size of one part; real documents stay far below
MAX_PDF_OBJECTS = 500_000
MAX_IMAGE_PIXELS = 80_000_000  # a photographed A4 page at 600 dpi is 35 megapixels

MIME_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Extensions a name may keep for a detected type; the first one replaces any other.
EXTENSIONS = {
    "pdf": ("pdf",), "png": ("png",), "jpeg": ("jpg", "jpeg"), "doc": ("doc",), "xls": ("xls",),
    "docx": ("docx",), "xlsx": ("xlsx",),
}
UPLOAD_EXTENSIONS = sorted({e for exts in EXTENSIONS.values() for e in exts})

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
WINDOWS_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}

DOC_FIELDS = ("year", "village_id", "kind", "doc_no", "doc_date", "note")
DOC_TEXTS = {"kind": "Loại hồ sơ", "doc_no": "Số văn bản", "note": "Ghi chú"}


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def detect_file_type(content: bytes) -> tuple[str | None, str | None]:
    """(file type, None) for an accepted file, else (None, why not) — judged by the bytes only."""
    if content.startswith(b"%PDF-"):
        return "pdf", None
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", None
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg", None
    if content.startswith(OLE_MAGIC):
        # An OLE compound file: its directory names the streams in UTF-16LE.
        if _utf16("_VBA_PROJECT") in content or _utf16("Macros") in content:
            return None, "có macro (mã lệnh tự chạy)"
        if _utf16("WordDocument") in content:
            return "doc", None
        if _utf16("Workbook") in content or _utf16("Book") in content:
            return "xls", None
        return None, "là tệp Office nhưng không phải Word hay Excel"
    if content.startswith(ZIP_MAGIC):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return None, "là tệp nén bị hỏng"
        if "[Content_Types].xml" not in names:
            return None, "là tệp nén (ZIP), không phải tài liệu Word hay Excel"
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            return None, "có macro (mã lệnh tự chạy)"
        if any(n.startswith("word/") for n in names):
            return "docx", None
        if any(n.startswith("xl/") for n in names):
            return "xlsx", None
        return None, "là tài liệu Office nhưng không phải Word hay Excel"
    if content.startswith(b"MZ") or content.startswith(b"\x7fELF"):
        return None, "là chương trình chạy được, không phải tài liệu"
    return None, None


def inspect_content(content: bytes, file_type: str) -> str | None:
    """Why a file of a detected type is still refused (None if it is not): a Word or Excel package too big once
    unpacked, not a real Word/Excel document (python-docx and openpyxl must open it) or with macros or ActiveX; a PDF
    with JavaScript, a launch action or attached files, or one that needs a password; an image that is broken or
    whose pixels would fill the memory."""
    if file_type in ("docx", "xlsx"):
        return _office_problem(content, file_type)
    if file_type == "pdf":
        return _pdf_problem(content)
    if file_type in ("png", "jpeg"):
        return _image_problem(content)
    return None


def _office_problem(content: bytes, file_type: str) -> str | None:
    package = zipfile.ZipFile(io.BytesIO(content))
    parts = package.infolist()
    if len(parts) > MAX_PARTS:
        return f"có {len(parts)} phần bên trong, quá nhiều cho một tài liệu"
    unpacked = sum(part.file_size for part in parts)  # zipfile never unpacks more than a part declares
    if unpacked > MAX_UNPACKED_BYTES or any(part.file_size > MAX_RATIO * max(part.compress_size, 1024)
                                             for part in parts):
        return "giải nén ra quá lớn (có thể là «bom nén» làm treo máy)"
    names = [part.filename.lower() for part in parts]
    if any(n.endswith("vbaproject.bin") or n.endswith("vbadata.xml") or "/activex/" in n for n in names):
        return "có macro hoặc điều khiển ActiveX (mã lệnh tự chạy)"
    if b"macroenabled" in package.read("[Content_Types].xml").lower():
        return "là tệp có macro (.docm/.xlsm)"
    try:
        if file_type == "docx":
            import docx
            docx.Document(io.BytesIO(content))
        else:
            import openpyxl
            openpyxl.load_workbook(io.BytesIO(content), read_only=True).close()
    except Exception:  # noqa: BLE001 — whatever the library says, the file is not a document it can open
        return f"không mở được như một tài liệu {'Word' if file_type == 'docx' else 'Excel'} (tệp hỏng hoặc giả)"
    return None


_PDF_SCRIPT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile)(?![A-Za-z0-9])")


def _pdf_problem(content: bytes) -> str | None:
    """Read with pypdf (maintained, pure Python): every object, also those inside compressed object streams and
    with #-escaped names, is looked at for a script, a launch action or an attached file."""
    from pypdf import PdfReader

    if _PDF_SCRIPT.search(content):
        return "có mã lệnh JavaScript, lệnh chạy chương trình hoặc tệp đính kèm bên trong"
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return "có mật khẩu mở tệp: hãy lưu bản không đặt mật khẩu rồi tải lên"
        size = int(reader.trailer.get("/Size", 0))
        if size > MAX_PDF_OBJECTS:
            return "có quá nhiều đối tượng bên trong"
        for number in range(1, size):
            try:
                obj = reader.get_object(number)
            except Exception:  # noqa: BLE001 — a missing or damaged object: nothing in it can run
                continue
            if any(_runs_something(d) for d in _dictionaries(obj)):
                return "có mã lệnh JavaScript, lệnh chạy chương trình hoặc tệp đính kèm bên trong"
    except Exception:  # noqa: BLE001 — pypdf cannot read it at all
        return "là tệp PDF hỏng, không đọc được"
    return None


def _dictionaries(obj, depth: int = 0):
    """obj and the dictionaries written inside it (not those it refers to: each is read on its own)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if depth > 50 or isinstance(obj, IndirectObject):
        return
    if isinstance(obj, DictionaryObject):
        yield obj
        children = obj.values()
    elif isinstance(obj, ArrayObject):
        children = obj
    else:
        return
    for child in children:
        yield from _dictionaries(child, depth + 1)


def _runs_something(d) -> bool:
    return bool({"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile"} & set(d.keys())
                or d.get("/S") in ("/JavaScript", "/Launch") or d.get("/Type") == "/EmbeddedFile")


def _image_problem(content: bytes) -> str | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return f"là ảnh {width}×{height} điểm ảnh, quá lớn (hãy chụp hoặc quét ở độ phân giải thấp hơn)"
            image.verify()
    except Image.DecompressionBombError:  # Pillow's own guard, at twice its default pixel limit
        return "là ảnh quá lớn (hãy chụp hoặc quét ở độ phân giải thấp hơn)"
    except Exception:  # noqa: BLE001 — Pillow cannot read it
        return "là ảnh hỏng, không đọc được"
    return None


def safe_file_name(name: str | None, file_type: str) -> str:
    """The user's file name made safe to store and offer for download: NFC, no folders, no control or
    direction characters, none of <>:"/\\|?*, at most 100 characters, the extension of the detected type."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[\\/]", text)[-1]
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] != "C")
    stem = re.sub(r'[<>:"|?*]', " ", stem)
    stem = " ".join(stem.split()).strip(" .")[:100].strip(" .")
    if not stem or stem.upper() in WINDOWS_NAMES:
        stem = f"tai-lieu-{stem}" if stem else "tai-lieu"
    ext = ext.lower() if ext.lower() in EXTENSIONS[file_type] else EXTENSIONS[file_type][0]
    return f"{stem}.{ext}"


def check_file(content: bytes | None, file_name: str | None, errors: list[str]) -> dict | None:
    """The stored facts of an uploaded file (name, type, mime, size, sha256), or None with the reasons."""
    shown = quoted(unicodedata.normalize("NFC", str(file_name or "tệp")), 60)
    if content is None:
        errors.append("Chưa chọn tệp đính kèm.")
        return None
    if len(content) == 0:
        errors.append(f"Tệp «{shown}» rỗng (0 byte).")
        return None
    if len(content) > MAX_FILE_BYTES:
        errors.append(f"Tệp «{shown}» nặng {size_text(len(content))}, vượt giới hạn {MAX_FILE_MB} MB. "
                      "Hãy chụp, quét lại ở độ phân giải thấp hơn hoặc tách thành nhiều tệp.")
        return None
    file_type, why = detect_file_type(content)
    if file_type is not None and (why := inspect_content(content, file_type)) is not None:
        file_type = None
    if file_type is None:
        errors.append(f"Tệp «{shown}» {why or 'không phải PDF, ảnh PNG/JPEG, Word hay Excel'}: không nhận. "
                      "Ứng dụng kiểm tra nội dung tệp, không dựa vào đuôi tên tệp.")
        return None
    return {
        "file_name": safe_file_name(file_name, file_type), "file_type": file_type, "mime_type": MIME_TYPES[file_type],
        "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest(),
    }


def _validate(data, errors: list[str], as_of: dt.date) -> dict:
    """The document's fields as typed, checked without the database (the lookups are _check_codes)."""
    values = form_values({f: data.get(f) for f in DOC_FIELDS})
    require(values, {"kind": "loại hồ sơ"}, errors)
    check_text_fields(values, DOC_TEXTS, errors)
    values["year"] = parse_int(values["year"], "Năm", errors, 2000, as_of.year + 1)
    if values["year"] is None and not any(e.startswith("Năm") for e in errors):
        errors.append("Chưa nhập năm của hồ sơ.")
    values["doc_date"] = parse_date(values["doc_date"], "Ngày văn bản", errors)
    if values["doc_date"] and values["doc_date"] > as_of:
        errors.append(f"Ngày văn bản {values['doc_date']:%d/%m/%Y} ở tương lai (hôm nay là {as_of:%d/%m/%Y}).")
    village = values["village_id"]
    # No village (or the page's 0, «Toàn xã»): a document of the whole commune.
    if village is None or (village == 0 and not isinstance(village, bool)):
        values["village_id"] = None
    else:
        try:
            values["village_id"] = record_id(village, "thôn")
        except ValidationError as exc:
            errors += exc.messages
            values["village_id"] = None
    errors += text_problems(values)  # a text too long for its column, checked before the transaction
    return values


def _check_codes(cur, values: dict, errors: list[str]) -> None:
    """The kind is in the list of evidence kinds and the village exists."""
    if values["kind"] and not cur.execute("SELECT 1 FROM evidence_kinds WHERE code = ?", [values["kind"]]).fetchone():
        errors.append(f"Loại hồ sơ «{quoted(values['kind'])}» không có trong danh mục.")
    village = values["village_id"]
    if village is not None and not cur.execute("SELECT 1 FROM villages WHERE id = ?", [village]).fetchone():
        errors.append(f"Thôn số {village} không tồn tại.")


def _upload(content, file_name, errors: list[str]) -> tuple[bytes | None, str | None]:
    """The uploaded bytes (bytes, bytearray or memoryview; None: no file) and the name the user gave (text or None);
    anything else is refused."""
    if is_missing(content):
        content = None
    elif isinstance(content, (bytearray, memoryview)):
        content = bytes(content)
    elif not isinstance(content, bytes):
        errors.append("Tệp đính kèm không hợp lệ: không đọc được nội dung tệp.")
        content = None
    if is_missing(file_name):
        file_name = None
    elif not isinstance(file_name, str):
        errors.append("Tên tệp đính kèm không hợp lệ.")
        file_name = None
    return content, file_name


def _store_file(cur, content: bytes, facts: dict) -> None:
    cur.execute("INSERT OR IGNORE INTO evidence_files (sha256, content, size_bytes) VALUES (?, ?, ?)",
                [facts["sha256"], content, facts["size_bytes"]])


def _commune(cur, values: dict, data: dict, current: dict | None = None) -> int:
    """The document's commune: its village's; for a document of the whole commune, the commune chosen (data
    commune_id), else the one it had, else the file's only commune (writes.commune_of)."""
    if values.get("village_id") is not None:
        row = cur.execute("SELECT commune_id FROM villages WHERE id = ?", [values["village_id"]]).fetchone()
        if row is not None:
            return row[0]
    if data.get("commune_id") is None and current is not None and current.get("commune_id") is not None:
        return current["commune_id"]
    return commune_of(cur, data.get("commune_id"))


def _duplicate(cur, values: dict, sha256: str, doc_id: int | None) -> str | None:
    row = cur.execute(
        """
        SELECT id FROM evidence_documents
        WHERE deleted_at IS NULL AND sha256 = ? AND year = ? AND kind = ? AND village_id IS NOT DISTINCT FROM ?
          AND commune_id IS NOT DISTINCT FROM ? AND id <> coalesce(?, -1)
        """, [sha256, values["year"], values["kind"], values["village_id"], values.get("commune_id"),
              doc_id]).fetchone()
    if row:
        return (f"Tệp này đã có trong hồ sơ số {row[0]} (cùng loại, cùng năm, cùng phạm vi): "
                "không cần tải lên lần nữa.")
    return None


def add_document(con, data: dict, content: bytes | None, file_name: str | None, *, actor: str,
                 as_of: dt.date | None = None) -> int:
    """Record an evidence document with its file; returns its id. Nothing is written if anything is wrong."""
    authorize(con, actor, "evidence")
    as_of = as_of or today()
    data = as_mapping(data, "hồ sơ")
    errors: list[str] = []
    content, file_name = _upload(content, file_name, errors)
    facts = check_file(content, file_name, errors) if not errors else None
    values = _validate(data, errors, as_of)
    with transaction(con) as cur:
        _check_codes(cur, values, errors)
        if errors:
            raise ValidationError(errors)
        values["commune_id"] = _commune(cur, values, data)
        if facts and (dup := _duplicate(cur, values, facts["sha256"], None)):
            errors.append(dup)
        if errors:
            raise ValidationError(errors)
        _store_file(cur, content, facts)
        return insert_row(cur, "evidence_documents", {**values, **facts, "uploaded_by": str(actor)}, actor)


def update_document(con, doc_id: int, data: dict, *, actor: str, expected_version: int | None = None,
                    content: bytes | None = None, file_name: str | None = None, as_of: dt.date | None = None) -> None:
    """Correct a document's details; with content, also replace its file (the old bytes stay stored)."""
    authorize(con, actor, "evidence")
    as_of = as_of or today()
    doc_id = record_id(doc_id, "hồ sơ")
    expected_version = record_version(expected_version)
    data = as_mapping(data, "hồ sơ")
    errors: list[str] = []
    content, file_name = _upload(content, file_name, errors)
    facts = check_file(content, file_name, errors) if content is not None and not errors else None
    values = _validate(data, errors, as_of)
    with transaction(con) as cur:
        current = fetch_row(cur, "evidence_documents", doc_id)
        if current is None or current["deleted_at"] is not None:
            raise ValidationError(f"Không tìm thấy hồ sơ số {doc_id} (có thể đã bị xóa).")
        _check_codes(cur, values, errors)
        if not errors:
            values["commune_id"] = _commune(cur, values, data, current)
        sha = facts["sha256"] if facts else current["sha256"]
        if not errors and (dup := _duplicate(cur, values, sha, doc_id)):
            errors.append(dup)
        if errors:
            raise ValidationError(errors)
        if facts:
            _store_file(cur, content, facts)
            values.update(facts)
        update_row(cur, "evidence_documents", doc_id, values, actor, expected_version, f"Hồ sơ số {doc_id}")


def delete_document(con, doc_id: int, *, actor: str, expected_version: int | None = None) -> None:
    """Take a document out of the year's evidence (kept, with its file, for the audit trail)."""
    authorize(con, actor, "evidence")
    doc_id, expected_version = record_id(doc_id, "hồ sơ"), record_version(expected_version)
    with transaction(con) as cur:
        current = fetch_row(cur, "evidence_documents", doc_id)
        if current is None or current["deleted_at"] is not None:
            raise ValidationError(f"Không tìm thấy hồ sơ số {doc_id} (có thể đã bị xóa).")
        update_row(cur, "evidence_documents", doc_id, {"deleted_at": dt.datetime.now()}, actor, expected_version,
                   f"Hồ sơ số {doc_id}", action="delete")


# --- reads ----------------------------------------------------------------------------------------------

def restore_document(con, doc_id: int, *, actor, expected_version: int | None = None) -> None:
    """Bring a deleted document back into the year's evidence (the audit page's «Khôi phục»); refused when the same
    file is there again (same kind, year and scope)."""
    authorize(con, actor, "evidence")
    doc_id, expected_version = record_id(doc_id, "hồ sơ"), record_version(expected_version)
    with transaction(con) as cur:
        current = fetch_row(cur, "evidence_documents", doc_id)
        if current is None or current["deleted_at"] is None:
            raise ValidationError(f"Hồ sơ số {doc_id} không ở trạng thái đã xóa: không cần khôi phục.")
        if dup := _duplicate(cur, current, current["sha256"], doc_id):
            raise ValidationError(dup)
        update_row(cur, "evidence_documents", doc_id, {"deleted_at": None}, actor, expected_version,
                   f"Hồ sơ số {doc_id}", action="restore")


def kinds(con) -> pd.DataFrame:
    return con.cursor().execute("SELECT * FROM evidence_kinds ORDER BY sort_order").df()


def documents(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """The year's documents (not deleted) of the commune in scope (commune_id, else the village's commune; None: every
    commune's): with a village filter, that village's and its whole commune's. scope: the village, or «Toàn xã» (with
    the commune's name when the file has several)."""
    frame = con.cursor().execute(
        """
        SELECT d.id, d.year, d.village_id, coalesce(v.name, 'Toàn xã') AS scope, d.kind, k.label AS kind_label,
               d.doc_no, d.doc_date, d.note, d.file_name, d.file_type, d.mime_type, d.size_bytes, d.sha256,
               d.uploaded_at, d.uploaded_by, d.version, d.commune_id
        FROM evidence_documents d
        JOIN evidence_kinds k ON k.code = d.kind
        LEFT JOIN villages v ON v.id = d.village_id
        WHERE d.deleted_at IS NULL AND d.year = $year
          AND ($village IS NULL OR d.village_id IS NULL OR d.village_id = $village)
          AND in_commune(d.commune_id, $commune, $province)
        ORDER BY k.sort_order, d.commune_id, d.village_id NULLS FIRST, v.name COLLATE vi, d.id
        """, {"year": year, **places.scope(con, village_id, commune_id)}).df()
    if not frame.empty and places.commune_count(con) > 1:
        labels = places.village_labels(con, with_commune=True)
        frame["scope"] = [places.commune_label(con, c) if pd.isna(v) else labels.get(v, s)
                          for v, c, s in zip(frame["village_id"], frame["commune_id"], frame["scope"])]
    return frame


def villages_of(con, commune_id: int) -> dict[int, str]:
    """The villages a document of the commune may be for (those of the past too, for its older documents), by id: the
    choices of the page's «Của» beside «Toàn xã», in the order of places.villages (current first, then by name)."""
    return dict(con.cursor().execute(
        "SELECT id, name FROM villages WHERE commune_id = ? ORDER BY valid_to IS NOT NULL, name COLLATE vi, id",
        [commune_id]).fetchall())


def get_document(con, doc_id: int) -> dict | None:
    row = fetch_row(con.cursor(), "evidence_documents", doc_id)
    return row if row and row["deleted_at"] is None else None


def file_content(con, doc_id: int) -> tuple[bytes, str, str] | None:
    """(bytes, file name, mime type) of a document's current file, for st.download_button."""
    row = con.cursor().execute(
        """
        SELECT f.content, d.file_name, d.mime_type FROM evidence_documents d JOIN evidence_files f ON f.sha256 = d.sha256
        WHERE d.id = ?
        """, [doc_id]).fetchone()
    return None if row is None else (bytes(row[0]), row[1], row[2])


def requirements(con, year: int, village_id: int | None = None, commune_id: int | None = None) -> pd.DataFrame:
    """Every evidence kind for the year and scope — a village, a whole commune (commune_id; None: the file's only
    commune) —: how many documents, whether it is there (evidence_coverage), the villages still lacking it, and the
    indicators in force that need it (criteria_scoped_of, criteria_evidence_required: what criteria_result reads). In a file of several communes with none chosen: summed over
    the communes, a kind present only when every commune has it, the villages lacking it named with their commune."""
    where = places.scope(con, village_id, commune_id)
    several = where["commune"] is None and places.commune_count(con) > 1
    return con.cursor().execute(
        """
        WITH needed AS (
            SELECT k.code AS kind, list(DISTINCT r.code ORDER BY r.code) AS required_by
            FROM criteria_scoped_of($year, $commune, $province) r
            JOIN criteria_evidence_required er ON er.indicator_id = r.indicator_id, unnest(er.kinds) AS k(code)
            WHERE r.village_id IS NOT DISTINCT FROM $village
            GROUP BY k.code
        ), covered AS (
            SELECT ec.kind, sum(ec.docs)::BIGINT AS docs, bool_and(ec.present) AS present,
                   flatten(list(CASE WHEN $several
                                     THEN list_transform(ec.missing_villages, lambda n: n || ' (' || c.name || ')')
                                     ELSE ec.missing_villages END ORDER BY c.name COLLATE vi, c.id)) AS missing_villages
            FROM evidence_coverage_of($year, $commune, $province) ec JOIN communes c ON c.id = ec.commune_id
            WHERE ec.village_id IS NOT DISTINCT FROM $village
            GROUP BY ec.kind
        )
        SELECT k.code AS kind, k.label, k.per_village, k.note, coalesce(ec.docs, 0) AS docs,
               coalesce(ec.present, FALSE) AS present, coalesce(ec.missing_villages, []) AS missing_villages,
               coalesce(n.required_by, []) AS required_by
        FROM evidence_kinds k
        LEFT JOIN covered ec ON ec.kind = k.code
        LEFT JOIN needed n ON n.kind = k.code
        ORDER BY k.sort_order
        """, {"year": year, **where, "several": several}).df()


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size / 1024, 0.1):.1f} KB".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


# --- demo documents (seeds/demo/evidence.json), through add_document ------------------------------------------

def demo_pdf(lines: list[str]) -> bytes:
    """A small valid PDF showing the lines (accents dropped: the built-in PDF font has no Vietnamese glyphs)."""
    def ascii_text(text: str) -> str:
        text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
        return text.encode("ascii", "replace").decode().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 14 Tf 60 780 Td 20 TL " + " ".join(f"({ascii_text(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def load_demo_evidence(con, plan: dict, *, actor: str) -> None:
    """The demo commune's evidence documents (seeds/demo/evidence.json). A document with "each_village"
    is filed once per village ({village} in its texts is the village's name). Kinds the plan leaves out
    stay missing on purpose, so the Tiêu chí page shows «Thiếu hồ sơ»."""
    villages = con.cursor().execute("SELECT id, name FROM villages ORDER BY name COLLATE vi").fetchall()
    for doc in plan["documents"]:
        targets = villages if doc.get("each_village") else [(None, "")]
        for number, (village_id, name) in enumerate(targets, start=1):
            def fill(text: str | None) -> str | None:
                return None if text is None else text.replace("{village}", name).replace("{n}", str(number))
            data = {"year": doc["year"], "village_id": village_id, "kind": doc["kind"], "doc_no": fill(doc.get("doc_no")),
                    "doc_date": doc.get("doc_date"), "note": fill(doc.get("note"))}
            lines = [fill(line) for line in doc["pdf_lines"]] + ["(Du lieu minh hoa, hu cau)"]
            add_document(con, data, demo_pdf(lines), fill(doc["file_name"]), actor=actor)
