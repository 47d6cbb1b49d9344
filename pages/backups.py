"""Cài đặt → Sao lưu, khôi phục: a backup now, every backup with its date, size, schema version and kind, and a
restore (issue 13). The mechanism, its checks and its guarantees are in db/tools/backup.py."""
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

import db
from db.tools import backup
from pages.common import (connection, current_user, flash, fmt_int, log, md_text, presenting, release_connection, show_flash,
                          table)

CONFIRM_WORD = "KHÔI PHỤC"

con = connection()


def may_restore() -> bool:
    """Who may put a backup in place of the data in use: the administrator (app.py passes this page to that role
    only). Never the meeting screen."""
    return current_user().is_admin and not presenting()


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


@st.cache_data(show_spinner=False, max_entries=500)
def version_of(path: str, size: int, mtime: float) -> int | None:
    """A backup's schema version, read once per file (size and time in the key: a file replaced is read again)."""
    return backup.schema_version_of(path)


@st.cache_data(show_spinner=False, max_entries=50)
def contents(path: str, size: int, mtime: float) -> dict | str:
    """What a backup holds, or why it may not be restored (Vietnamese)."""
    try:
        return backup.check_backup(path)
    except backup.RestoreRefused as exc:
        return str(exc)


def listing() -> list[backup.BackupFile]:
    files = backup.list_backups(folder, versions=False) + backup.kept_files(database, versions=False)
    found = []
    for item in files:
        stat = item.path.stat()
        found.append(backup.BackupFile(item.path, item.made_at, item.size, item.label,
                                       version_of(str(item.path), stat.st_size, stat.st_mtime)))
    return sorted(found, key=lambda b: (b.made_at, b.path.name), reverse=True)


def current_version() -> int:
    cur = con.cursor()
    try:
        return db.core.connection.schema_version(cur)
    finally:
        cur.close()


def when(item: backup.BackupFile) -> str:
    return f"{item.made_at:%d/%m/%Y %H:%M:%S}"


database = db.core.connection.database_file(con) or Path(db.db_path()).resolve()
folder = backup.backup_dir(con)

st.title("Sao lưu, khôi phục")
st.caption(f"Cài đặt · Mỗi bản sao lưu là một tệp dữ liệu đầy đủ, được mở lại để kiểm tra ngay sau khi ghi. Ứng dụng "
           f"tự sao lưu mỗi ngày khi được dùng lần đầu, trước khi nâng cấp lược đồ và trước mỗi lần nhập dữ liệu, giữ "
           f"{backup.KEEP_AUTOMATIC} bản gần nhất của mỗi loại tự động; bản sao lưu thủ công không bao giờ bị tự xóa. "
           f"Thư mục sao lưu: {md_text(folder)}. Nên chép thư mục này sang USB hoặc máy khác định kỳ.")

# --- a backup now -----------------------------------------------------------------------------------------------------
st.subheader("Sao lưu ngay")
st.markdown(f"Tệp dữ liệu đang dùng: {md_text(database)} ({megabytes(database.stat().st_size)}, phiên bản lược đồ "
            f"{current_version()}).")
if not presenting():
    if st.button("Sao lưu ngay", type="primary", icon=":material/backup:", key="backup_now",
                 help="Chép toàn bộ dữ liệu vào thư mục sao lưu, kể cả khi người khác đang nhập liệu."):
        try:
            made = backup.backup(con, folder, label="thu-cong")
        except (backup.BackupError, OSError, duckdb.Error) as exc:
            log.exception("Sao lưu thủ công không được")
            st.error("Chưa sao lưu được: " + md_text(db.explain(exc, database) or str(exc).splitlines()[0]),
                     icon=":material/error:")
        else:
            flash(f"Đã sao lưu vào {made.name} ({megabytes(made.stat().st_size)}), đã mở lại để kiểm tra.", "backup")
            st.rerun()
    show_flash("backup")

# --- the backups ------------------------------------------------------------------------------------------------------
st.subheader("Các bản sao lưu")
backups = listing()
if not backups:
    st.info("Chưa có bản sao lưu nào.", icon=":material/info:")
else:
    automatic = sum(1 for b in backups if b.automatic)
    st.caption(f"{fmt_int(len(backups))} bản ({fmt_int(automatic)} bản tự động), tổng "
               f"{megabytes(sum(b.size for b in backups))}. Mới nhất ở trên.")
    table(pd.DataFrame([{"Thời điểm": when(b), "Loại": b.kind, "Dung lượng": megabytes(b.size),
                         "Phiên bản lược đồ": str(b.schema_version) if b.schema_version else "không đọc được",
                         "Tệp": b.path.name} for b in backups]), max_rows=12)

# --- restore ----------------------------------------------------------------------------------------------------------
st.subheader("Khôi phục từ bản sao lưu")
show_flash("restore")
if not may_restore():
    st.info("Chỉ quản trị viên khôi phục được dữ liệu, và không trên màn hình trình chiếu.", icon=":material/lock:")
    st.stop()
st.caption("Để khôi phục từ một tệp ở nơi khác (USB, máy khác), chép tệp đó vào thư mục sao lưu ở trên rồi tải lại "
           "trang.")
choices = {str(b.path): b for b in backups}
chosen = st.selectbox("Bản sao lưu", list(choices), index=None, placeholder="Chọn bản sao lưu để xem và khôi phục",
                      format_func=lambda p: f"{when(choices[p])} — {choices[p].kind} ({megabytes(choices[p].size)})",
                      key="restore_choice")
if chosen:
    item = choices[chosen]
    stat = item.path.stat()
    found = contents(chosen, stat.st_size, stat.st_mtime)
    if isinstance(found, str):
        st.error(f"Không khôi phục được bản này: {md_text(found)}", icon=":material/block:")
        st.stop()
    last = f", thay đổi cuối lúc {found['last_change']:%d/%m/%Y %H:%M}" if found.get("last_change") else ""
    st.markdown(f"Bản sao lưu lúc **{when(item)}**: phiên bản lược đồ {found['schema_version']}, "
                f"{fmt_int(found['communes'])} xã, {fmt_int(found['cases'])} vụ việc{last}.")
    st.warning("Khôi phục sẽ thay toàn bộ dữ liệu đang dùng bằng dữ liệu của bản sao lưu này: mọi thay đổi sau thời "
               "điểm đó sẽ không còn trong dữ liệu đang dùng. Dữ liệu đang dùng được giữ lại nguyên vẹn thành tệp "
               "«…-truoc-khoi-phuc-…» bên cạnh tệp dữ liệu (có trong danh sách trên: khôi phục tệp đó để quay lại). "
               "Những người đang mở ứng dụng sẽ thấy dữ liệu khôi phục khi tải lại trang.", icon=":material/warning:")
    sure = st.checkbox("Tôi hiểu: dữ liệu đang dùng sẽ được thay bằng bản sao lưu đã chọn.", key="restore_sure")
    typed = st.text_input(f"Gõ chữ {CONFIRM_WORD} để xác nhận", key="restore_word", max_chars=20)
    if st.button("Khôi phục", type="primary", icon=":material/settings_backup_restore:", key="restore_now",
                 disabled=not sure):
        if unicodedata.normalize("NFC", typed).strip().upper() != CONFIRM_WORD:
            st.error(f"Chưa khôi phục: hãy gõ đúng chữ {CONFIRM_WORD} vào ô xác nhận.", icon=":material/error:")
        else:
            try:
                keep = backup.restore(chosen, database, release=lambda: release_connection(db.db_path()))
            except backup.RestoreRefused as exc:
                st.error(f"Chưa khôi phục: {md_text(exc)}", icon=":material/block:")
            except (backup.BackupError, db.DatabaseLocked, OSError, duckdb.Error) as exc:
                log.exception("Khôi phục không được")
                st.error("Chưa khôi phục được, dữ liệu đang dùng không đổi: "
                         + md_text(db.explain(exc, database) or str(exc).splitlines()[0]), icon=":material/error:")
            else:
                st.cache_data.clear()
                for key in ("restore_choice", "restore_sure", "restore_word", "nam", "thon"):
                    st.session_state.pop(key, None)
                flash(f"Đã khôi phục dữ liệu từ bản sao lưu lúc {when(item)}."
                      + (f" Dữ liệu trước khi khôi phục được giữ ở {keep.name}." if keep else ""), "restore")
                st.rerun()
