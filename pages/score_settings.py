"""Cài đặt → Mô hình chấm điểm: weights, thresholds, bands and candidate rules, edited for a year onwards."""
import streamlit as st

from db import plan, scores
from db.core.labels import CANDIDATE_RULE_PARAMS, GRADING_PARAMS, SCORE_BANDS, SCORE_COMPONENTS, SCORE_PARAMS, UNGRADED_LABEL
from db.core.writes import ValidationError, VersionConflict
from pages.common import (WRAP_ROW_HEIGHT, Editing, actor, connection, filters, flash, is_missing, may, show_errors, show_flash, table,
                          today)

con = connection()
year, _ = filters()
model = scores.model(con, year)
values = {(r.tbl, r.code): r for r in model.itertuples()}
UNITS = {"diem": "điểm", "ty_le": "%", "ngay": "ngày", "vu": "vụ"}


def shown_value(tbl: str, code: str, value: float) -> str:
    unit = scores.setting_unit(tbl, code)
    number = value * 100 if unit == "ty_le" else value
    return (f"{number:g}%" if unit == "ty_le" else f"{number:g} {UNITS[unit]}").replace(".", ",")


def since(row) -> str:
    return f"áp dụng từ năm {row.valid_from.year}"


def model_as_opened() -> dict:
    """The year's model as the form opens it: each setting by its Vietnamese name and value (what the stale-edit
    notice compares), and as its version the stamp save_model checks. Read on this run, the stamp would never be
    stale: a save would quietly put back every value another user changed since the form opened."""
    now = scores.model(con, year)
    shown = {scores.setting_label(t, c): shown_value(t, c, v) for t, c, v in zip(now["tbl"], now["code"], now["value"])}
    return {**shown, "version": scores.model_stamp(con, year)}


def field(col, tbl: str, code: str, label: str):
    """A number input showing the stored value in the unit the officer thinks in (shares as %)."""
    row = values[(tbl, code)]
    unit = scores.setting_unit(tbl, code)
    shown = row.value * 100 if unit == "ty_le" else row.value
    key, label = f"{edit.key}_{tbl}_{code}", f"{label} ({UNITS[unit]})"
    if unit in ("ngay", "vu"):
        return col.number_input(label, min_value=0, value=int(round(shown)), step=1, format="%d",
                                help=since(row), key=key)
    return col.number_input(label, min_value=0.0, max_value=100.0, value=float(round(shown, 6)), step=1.0,
                            format="%g", help=since(row), key=key)


st.title("Mô hình chấm điểm chất lượng tổ")
st.caption(f"Cài đặt · Đang xem mô hình của năm {year} (chọn năm ở thanh bên). Sửa ở đây là sửa cho năm {year} và các "
           f"năm sau; điểm các năm trước {year} giữ nguyên như đã chấm.")

if not may("settings"):  # read-only: the model is changed by the officer only
    table(
        model.assign(setting=[scores.setting_label(t, c) for t, c in zip(model["tbl"], model["code"])],
                     shown=[shown_value(t, c, v) for t, c, v in zip(model["tbl"], model["code"], model["value"])]),
        column_order=["setting", "shown"],
        column_config={"setting": st.column_config.TextColumn("Thiết lập", width="large"),
                       "shown": st.column_config.TextColumn("Giá trị", width=100)})
    submitted = False
else:
    edit = Editing(f"model_{year}", "score_components", model_as_opened)
    with st.form(edit.key, enter_to_submit=False):
        st.subheader("Trọng số các thành phần (tổng phải bằng 100 điểm)")
        inputs = {}
        cols = st.columns(6)
        for col, (code, label) in zip(cols, SCORE_COMPONENTS.items()):
            inputs[("score_components", code)] = field(col, "score_components", code, label)
        st.subheader("Ngưỡng tính điểm")
        cols = st.columns(3)
        thresholds = [(code, label) for code, (label, _) in SCORE_PARAMS.items() if code not in GRADING_PARAMS]
        for i, (code, label) in enumerate(thresholds):
            inputs[("score_params", code)] = field(cols[i % 3], "score_params", code, label)
        st.subheader("Xếp loại: điểm tối thiểu của mỗi loại")
        cols = st.columns(4)
        for col, (code, label) in zip(cols, SCORE_BANDS.items()):
            inputs[("score_bands", code)] = field(col, "score_bands", code, label)
        st.markdown("**Dữ liệu tối thiểu để xếp loại**")
        st.caption(f"Tổ dưới mức này được ghi «{UNGRADED_LABEL}»: điểm chỉ để tham khảo, không xếp loại, không xếp "
                   "hạng, không được đề xuất khen thưởng.")
        cols = st.columns(3)
        for col, code in zip(cols, GRADING_PARAMS):
            inputs[("score_params", code)] = field(col, "score_params", code, SCORE_PARAMS[code][0])
        st.subheader("Tiêu chí đề xuất khen thưởng")
        cols = st.columns(3)
        for i, (code, (label, _)) in enumerate(CANDIDATE_RULE_PARAMS.items()):
            inputs[("candidate_rules", code)] = field(cols[i % 3], "candidate_rules", code, label)
        submitted = st.form_submit_button(f"Lưu, áp dụng từ năm {year}", type="primary", icon=":material/save:")
    show_flash("model")

    if not submitted:
        edit.show_conflict()
    else:
        changes = {key: (value / 100 if scores.setting_unit(*key) == "ty_le" else value) for key, value in inputs.items()}
        try:
            changed = scores.save_model(con, year, changes, actor=actor(), expected_stamp=edit.version)
        except VersionConflict:
            edit.conflict()
        except ValidationError as exc:
            show_errors(exc)
        else:
            flash(f"Đã lưu {changed} thay đổi, áp dụng từ năm {year}." if changed
                  else "Không có thay đổi nào để lưu.", "model")
            edit.saved()
            st.cache_data.clear()
            st.rerun()

st.subheader("Các phiên bản đã có")
history = scores.model_history(con)
labels = {(t, c): scores.setting_label(t, c) for t, c in zip(history["tbl"], history["code"])}


view = history.assign(
    group=history["tbl"].map(scores.TABLE_LABELS),
    setting=[labels[(t, c)] for t, c in zip(history["tbl"], history["code"])],
    shown=[shown_value(t, c, v) for t, c, v in zip(history["tbl"], history["code"], history["value"])],
    period=[f"{f.year} – {'nay' if is_missing(t) else t.year}"
            for f, t in zip(history["valid_from"], history["valid_to"])],
)
changed_years = scores.changed_years(con)
st.caption("Mỗi dòng là một phiên bản của một thiết lập và các năm nó áp dụng. "
           + (f"Năm có thay đổi: {', '.join(map(str, changed_years))}." if changed_years
              else "Chưa có thay đổi nào so với mặc định."))
table(
    view, column_order=["group", "setting", "shown", "period"],
    column_config={
        "group": st.column_config.TextColumn("Nhóm", width=170),
        "setting": st.column_config.TextColumn("Thiết lập", width="large"),
        "shown": st.column_config.TextColumn("Giá trị", width=90),
        "period": st.column_config.TextColumn("Áp dụng các năm", width=130),
    },
)

# --- thresholds of law and of the «Tổ hòa giải 5 tốt» model (plan_targets) ------------------------------------
st.subheader("Ngưỡng theo luật và mô hình «Tổ hòa giải 5 tốt»")
limits = plan.thresholds(con, year)
st.caption(f"Áp dụng năm {year}: thành phần tổ theo Điều 12 Luật Hòa giải ở cơ sở; tỷ lệ hòa giải thành tối thiểu "
           "của mô hình «Tổ hòa giải 5 tốt» (các nguồn nêu 80% hoặc 85%: cần xác minh). Sửa có hiệu lực từ năm đã "
           "chọn trở đi; các năm trước giữ ngưỡng đã dùng.")
table(limits.assign(
          shown=[f"{v * 100:g}%".replace(".", ",") if plan.THRESHOLD_UNITS.get(k) == "ty_le" else f"{v:g}"
                 for k, v in zip(limits["key"], limits["value"])],
          since=limits["valid_from"].map(lambda d: f"từ năm {d.year}")),
      column_order=["label", "shown", "since", "source"], row_height=WRAP_ROW_HEIGHT,
      column_config={"label": st.column_config.TextColumn("Ngưỡng", width=330),
                     "shown": st.column_config.TextColumn("Giá trị", width=70),
                     "since": st.column_config.TextColumn("Áp dụng", width=110),
                     "source": st.column_config.TextColumn("Căn cứ", width=380)})
if may("settings"):
    editable = limits[limits["key"].isin(list(plan.THRESHOLD_UNITS))]
    with st.form("threshold_form", enter_to_submit=False):
        t1, t2, t3 = st.columns([3, 1, 1])
        picked = t1.selectbox("Ngưỡng cần sửa", list(editable["key"]),
                              format_func=dict(zip(editable["key"], editable["label"])).get, key="threshold_key")
        typed = t2.number_input("Giá trị mới (% với tỷ lệ)", min_value=0.0, max_value=100.0, step=1.0, format="%g",
                                value=None, key="threshold_value")
        start = t3.number_input("Từ năm", min_value=year, max_value=2100, step=1, value=max(year, today().year),
                                key="threshold_year")
        saved = st.form_submit_button("Lưu ngưỡng", icon=":material/save:", key="threshold_save")
    show_flash("threshold")
    if saved:
        value = (None if typed is None else typed / 100 if plan.THRESHOLD_UNITS[picked] == "ty_le"
                 else int(typed) if float(typed).is_integer() else typed)
        try:
            plan.save_threshold(con, picked, value, from_year=int(start), actor=actor())
        except ValidationError as exc:
            show_errors(exc)
        else:
            flash("Đã lưu ngưỡng.", "threshold")
            st.cache_data.clear()
            st.rerun()
