"""Khóa số liệu: after a year's report is sent, the officer locks the year; its cases, payments and team reviews then
refuse edits (the message names the lock). Leadership or an administrator unlocks it, with a reason. Both acts are
kept here and in the audit log."""
import streamlit as st

from db.core import locks
from db.core.writes import ValidationError
from pages.common import (actor, connection, filters, flash, fmt_date, is_missing, may, show_errors, show_flash,
                          table, today)

con = connection()
year, _village = filters()
history = locks.locks(con)
open_lock = history[(history["year"] == year) & history["unlocked_at"].isna()]

st.title("Khóa số liệu")
st.caption("Khi đã gửi báo cáo năm, khóa số liệu của năm đó để con số đã báo cáo không bị đổi: vụ việc nhận trong năm, "
           "chứng từ chi và bản rà soát tổ của năm không sửa được nữa (vụ việc kỳ trước chuyển sang vẫn ghi kết quả "
           "được ở năm sau). Mở khóa do lãnh đạo UBND xã hoặc quản trị viên làm, phải ghi lý do.")
show_flash()

if not open_lock.empty:
    lock = open_lock.iloc[0]
    st.warning(f"Năm {year} đang khóa từ {fmt_date(lock['locked_at'])} ({lock['locked_by']})"
               + ("" if is_missing(lock["reason"]) else f": {lock['reason']}") + ".", icon=":material/lock:")
    if may("unlock"):
        with st.form(f"unlock_{year}", enter_to_submit=False):
            reason = st.text_input("Lý do mở khóa *", key=f"unlock_{year}_reason",
                                   placeholder="VD: sửa số liệu theo yêu cầu của Phòng Tư pháp")
            unlocking = st.form_submit_button(f"Mở khóa năm {year}", icon=":material/lock_open:")
        if unlocking:
            try:
                locks.unlock_year(con, year, reason, actor=actor())
            except ValidationError as exc:
                show_errors(exc)
            else:
                flash(f"Đã mở khóa số liệu năm {year}.", "lock")
                st.rerun()
elif year >= today().year:
    st.info(f"Năm {year} chưa kết thúc: khóa số liệu sau khi gửi báo cáo năm.", icon=":material/info:")
elif may("lock"):
    with st.form(f"lock_{year}", enter_to_submit=False):
        reason = st.text_input("Ghi chú (không bắt buộc)", key=f"lock_{year}_reason",
                               placeholder="VD: đã gửi Báo cáo số 61/BC-UBND ngày 30/11")
        locking = st.form_submit_button(f"Khóa số liệu năm {year}", type="primary", icon=":material/lock:")
    if locking:
        try:
            locks.lock_year(con, year, reason, actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            flash(f"Đã khóa số liệu năm {year}.", "lock")
            st.rerun()
show_flash("lock")

st.subheader("Các lần khóa, mở khóa")
if history.empty:
    st.caption("Chưa khóa năm nào.")
else:
    table(history.assign(
        locked=history["locked_at"].map(fmt_date),
        unlocked=[("" if is_missing(at) else f"{fmt_date(at)} ({by}): {why}")
                  for at, by, why in zip(history["unlocked_at"], history["unlocked_by"], history["unlock_reason"])]),
        column_order=["year", "locked", "locked_by", "reason", "unlocked"],
        column_config={"year": st.column_config.NumberColumn("Năm", format="%d", width=70),
                       "locked": st.column_config.TextColumn("Khóa ngày", width=100),
                       "locked_by": st.column_config.TextColumn("Người khóa", width=130),
                       "reason": st.column_config.TextColumn("Ghi chú", width=300),
                       "unlocked": st.column_config.TextColumn("Mở khóa", width=380)}, max_rows=10)
