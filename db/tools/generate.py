"""Deterministic synthetic data: the demo commune's cases, and whole communes for larger scales.

Pure Python: one random.Random(seed) per call, no database, no Streamlit, so the same seed
always gives the same data. Every text a user reads is Vietnamese (NFC). All people are fictional.

`python db/tools/generate.py` rewrites seeds/demo/cases.csv from seeds/demo/commune.json with seed 2023.

A case is a dict with the columns of CASE_COLUMNS; dates are datetime.date (or None),
`mediators` is a list of mediator keys of the village's team, `parties` a list of
{full_name, age, address}. `case_to_row` flattens it to the CSV form.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import random
import unicodedata
from collections import Counter
from pathlib import Path

DEMO_DIR = Path(__file__).parents[2] / "seeds" / "demo"

CASE_COLUMNS = (
    "village_key", "received_on", "grounds", "category", "summary", "assigned_on", "result",
    "concluded_on", "agreement", "written_record", "security_incident", "note", "mediators", "parties",
)

SURNAMES = (("Nguyễn", 30), ("Trần", 10), ("Lê", 9), ("Phạm", 9), ("Hoàng", 5), ("Vũ", 6), ("Đỗ", 4),
            ("Bùi", 4), ("Đặng", 3), ("Ngô", 3), ("Đinh", 2), ("Phan", 2), ("Dương", 2), ("Lương", 1),
            ("Đào", 2), ("Trịnh", 2), ("Mạc", 2), ("Nhữ", 1), ("Tạ", 1))
MIDDLE = {"nam": ("Văn", "Văn", "Văn", "Đức", "Hữu", "Quang", "Minh", "Xuân", "Công"),
          "nu": ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh")}
GIVEN = {"nam": ("Hùng", "Dũng", "Tuấn", "Thắng", "Hải", "Long", "Nam", "Sơn", "Trung", "Khánh", "Phong",
                 "Bình", "Cường", "Đức", "Hiếu", "Thành", "Tiến", "Hòa", "Việt", "Vinh", "Toản", "Hưng",
                 "Quyết", "Chung", "Lực", "Điệp", "Thường", "Tú"),
         "nu": ("Lan", "Hoa", "Mai", "Hương", "Hằng", "Hạnh", "Nga", "Thảo", "Trang", "Linh", "Yến",
                "Nhung", "Huyền", "Liên", "Dung", "Thủy", "Loan", "Oanh", "Phương", "Hiền", "Gấm", "Tươi")}
VILLAGE_WORDS = (("Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "An", "Phú", "Bình", "Tân",
                  "Hòa", "Thanh", "Văn", "Đồng", "Phúc", "Kim", "Ngọc", "Lạc"),
                 ("Lạc", "Yên", "Hòa", "Phong", "Xá", "Cốc", "Lộc", "Thọ", "Tiến", "Lâm", "Hưng", "Thịnh",
                  "Mỹ", "Khê", "Trì", "Đoài", "Tảo", "Quan", "Bồ"))
ORGANISATIONS = ("Mặt trận Tổ quốc", "Hội Phụ nữ", "Hội Cựu chiến binh", "Công an viên", "Đoàn Thanh niên",
                 "Chi hội Nông dân", "Người có uy tín")

GROUNDS_WEIGHTS = {"yeu_cau": 55, "tu_biet": 15, "phan_cong": 20, "de_nghi": 10}
CATEGORY_WEIGHTS = {"dat_dai": 31, "lang_gieng": 29, "hon_nhan_gia_dinh": 16, "vay_muon_hop_dong": 11,
                    "vi_pham_nho": 8, "khac": 5}

# Per category: (summary, agreement if thành, each side's position if không thành, kind of parties).
# {xom} is the hamlet number, {so} an amount. Kinds of parties: "pair" (two adults), "couple",
# "family" (same surname), "inlaw" (mother-in-law and daughter-in-law), "young" (two young men), "women".
CONTENT = {
    "dat_dai": (
        ("Tranh chấp ranh giới đất giữa hai hộ liền kề tại xóm {xom}",
         "Hai bên thống nhất cắm lại mốc giới theo bản đồ địa chính, hộ lấn sang tự dỡ bỏ hàng rào",
         "Một bên yêu cầu trả lại khoảng {so} m² đất bị lấn, bên kia cho rằng ranh giới đúng theo giấy chứng nhận", "pair"),
        ("Tranh chấp thửa đất ao do cha mẹ để lại giữa các anh em ruột tại xóm {xom}",
         "Các bên thống nhất chia đều thửa đất ao và cùng làm thủ tục tách thửa",
         "Người anh đề nghị chia đều, người em cho rằng cha mẹ đã cho riêng mình khi còn sống", "family"),
        ("Tranh chấp bờ thửa ruộng canh tác giữa hai hộ ở cánh đồng xóm {xom}",
         "Hai bên thống nhất đo lại diện tích và giữ nguyên bờ ruộng theo hiện trạng",
         "Một bên yêu cầu đo lại và trả phần ruộng bị lấn, bên kia không đồng ý đo lại", "pair"),
        ("Mâu thuẫn do xây tường bao lấn sang đất hộ bên cạnh tại xóm {xom}",
         "Hộ xây tường cam kết lùi tường về đúng mốc giới trong 30 ngày",
         "Hộ bên cạnh yêu cầu phá dỡ tường, hộ xây tường chỉ đồng ý bồi thường bằng tiền", "pair"),
        ("Tranh chấp thừa kế nhà đất sau khi cha mẹ mất giữa các anh chị em tại xóm {xom}",
         "Các anh chị em thống nhất giao nhà cho người con út thờ cúng, người con út trả chênh lệch cho các anh chị",
         "Người con trưởng đề nghị giữ toàn bộ nhà đất, các anh chị em khác yêu cầu chia theo pháp luật", "family"),
    ),
    "lang_gieng": (
        ("Mâu thuẫn về lối đi chung giữa hai hộ tại xóm {xom}",
         "Hai bên thống nhất để lối đi chung rộng 1,5 m, cùng góp tiền đổ bê tông",
         "Một bên đề nghị mở lối đi qua đất hộ bên cạnh, hộ này không đồng ý vì ảnh hưởng sinh hoạt", "pair"),
        ("Mâu thuẫn do nước thải sinh hoạt chảy sang nhà hàng xóm tại xóm {xom}",
         "Hộ có nước thải cam kết làm rãnh thoát nước có nắp đậy trong 15 ngày",
         "Một bên yêu cầu làm lại cống thoát nước, bên kia cho rằng nước thải là do mưa lớn", "pair"),
        ("Mâu thuẫn do gà, vịt thả rông phá hoại hoa màu của hộ bên cạnh tại xóm {xom}",
         "Chủ vật nuôi xin lỗi, bồi thường thiệt hại và cam kết nuôi nhốt",
         "Một bên đòi bồi thường toàn bộ hoa màu, bên kia chỉ nhận bồi thường một phần", "pair"),
        ("Xích mích giữa hai hộ do hát karaoke gây ồn ào vào ban đêm tại xóm {xom}",
         "Hai bên thống nhất không hát karaoke sau 22 giờ và giữ vặn loa nhỏ",
         "Một bên yêu cầu chấm dứt hát karaoke, bên kia cho rằng chỉ hát vào dịp cuối tuần", "pair"),
        ("Mâu thuẫn do cây của hộ bên cạnh chìa cành, rụng lá sang nhà tại xóm {xom}",
         "Hộ có cây đồng ý chặt tỉa các cành chìa sang đất hàng xóm",
         "Một bên yêu cầu chặt bỏ cây, bên kia chỉ đồng ý tỉa bớt cành", "pair"),
        ("Lời qua tiếng lại giữa hai gia đình do trẻ con trêu chọc nhau tại xóm {xom}",
         "Hai gia đình xin lỗi nhau và cam kết nhắc nhở con cái",
         "Mỗi bên cho rằng con của bên kia gây sự trước và yêu cầu bên kia xin lỗi", "pair"),
    ),
    "hon_nhan_gia_dinh": (
        ("Mâu thuẫn vợ chồng do người chồng thường xuyên uống rượu, không chăm lo kinh tế gia đình",
         "Người chồng cam kết bỏ rượu, hai vợ chồng đoàn kết chăm lo gia đình",
         "Người vợ đề nghị ly hôn, người chồng không đồng ý và xin thêm thời gian", "couple"),
        ("Mâu thuẫn giữa mẹ chồng và con dâu trong sinh hoạt gia đình tại xóm {xom}",
         "Hai bên hiểu nhau hơn, cam kết tôn trọng và chia sẻ việc nhà",
         "Người mẹ chồng yêu cầu vợ chồng con trai ra ở riêng, người con dâu không đồng ý", "inlaw"),
        ("Các con chưa thống nhất việc phụng dưỡng cha mẹ già tại xóm {xom}",
         "Các con thống nhất luân phiên chăm sóc cha mẹ và cùng góp tiền phụng dưỡng hằng tháng",
         "Người con cả đề nghị chia đều tiền phụng dưỡng, người con thứ cho rằng mình đã góp nhiều hơn", "family"),
        ("Mâu thuẫn vợ chồng về chi tiêu trong gia đình, người vợ bỏ về nhà mẹ đẻ",
         "Hai vợ chồng đoàn tụ và thống nhất cách quản lý chi tiêu chung",
         "Người vợ yêu cầu được quản lý thu nhập, người chồng không đồng ý", "couple"),
    ),
    "vay_muon_hop_dong": (
        ("Tranh chấp khoản vay {so} triệu đồng quá hạn chưa trả giữa hai hộ tại xóm {xom}",
         "Bên vay cam kết trả dần hằng tháng và trả hết trong 6 tháng",
         "Bên cho vay yêu cầu trả ngay cả gốc và lãi, bên vay xin gia hạn vì khó khăn", "pair"),
        ("Tranh chấp tiền công xây nhà giữa chủ nhà và thợ xây tại xóm {xom}",
         "Hai bên thống nhất quyết toán theo khối lượng thực tế, chủ nhà trả nốt tiền công còn lại",
         "Thợ xây yêu cầu trả đủ tiền công, chủ nhà cho rằng công trình chưa đạt chất lượng", "pair"),
        ("Tranh chấp tiền thuê ruộng canh tác chưa thanh toán tại xóm {xom}",
         "Bên thuê trả đủ tiền thuê vụ chiêm và tiếp tục thuê đến hết năm",
         "Bên cho thuê đòi lại ruộng ngay, bên thuê đề nghị được canh tác hết vụ", "pair"),
        ("Tranh chấp tiền mua phân bón, vật tư nông nghiệp còn nợ tại xóm {xom}",
         "Bên mua cam kết trả hết tiền nợ sau vụ thu hoạch",
         "Bên bán yêu cầu tính lãi trên số tiền nợ, bên mua chỉ đồng ý trả tiền gốc", "pair"),
    ),
    "vi_pham_nho": (
        ("Xô xát nhẹ giữa hai thanh niên sau khi uống rượu tại đám cưới ở xóm {xom}",
         "Hai bên xin lỗi nhau và tự chi trả chi phí điều trị vết thương nhẹ",
         "Một bên đòi bồi thường chi phí khám chữa bệnh, bên kia cho rằng cả hai cùng có lỗi", "young"),
        ("Trẻ em nghịch làm vỡ kính cửa nhà hàng xóm tại xóm {xom}",
         "Gia đình có trẻ xin lỗi và bồi thường tiền lắp kính mới",
         "Chủ nhà đòi bồi thường cả khung cửa, gia đình có trẻ chỉ đồng ý trả tiền kính", "pair"),
        ("Một hộ đổ phế thải xây dựng trước cổng nhà hàng xóm tại xóm {xom}",
         "Hộ đổ phế thải cam kết dọn sạch trong 3 ngày và không tái phạm",
         "Một bên yêu cầu dọn ngay và xin lỗi công khai, bên kia chỉ đồng ý dọn dần", "pair"),
        ("Hai phụ nữ lời qua tiếng lại, xúc phạm nhau tại chợ xóm {xom}",
         "Hai bên nhận lỗi, xin lỗi nhau trước sự chứng kiến của tổ hòa giải",
         "Mỗi bên cho rằng bên kia xúc phạm mình trước và yêu cầu bên kia xin lỗi", "women"),
    ),
    "khac": (
        ("Mâu thuẫn giữa các hộ về mức đóng góp tiền làm đường ngõ xóm {xom}",
         "Các hộ thống nhất mức đóng góp theo chiều dài mặt tiền giáp ngõ",
         "Một hộ đề nghị chia đều theo hộ, hộ kia đề nghị tính theo chiều dài mặt tiền", "pair"),
        ("Mâu thuẫn giữa hai chi họ về việc tu sửa nhà thờ họ tại xóm {xom}",
         "Hai chi họ thống nhất lập ban tu sửa chung và công khai các khoản đóng góp",
         "Một chi họ muốn xây mới, chi họ kia chỉ đồng ý sửa chữa", "family"),
        ("Mâu thuẫn giữa hai hộ nuôi cá về việc tháo nước ao tại xóm {xom}",
         "Hai bên thống nhất lịch tháo nước và cùng nạo vét mương chung",
         "Một bên yêu cầu bồi thường cá chết, bên kia cho rằng cá chết do thời tiết", "pair"),
    ),
}
# Requests outside the scope of Luật Hòa giải ở cơ sở Art. 3: logged, referred, excluded from the rates.
OUT_OF_SCOPE = (
    ("dat_dai", "Đề nghị hòa giải việc một hộ lấn chiếm đất công do UBND xã quản lý tại xóm {xom}",
     "Ngoài phạm vi hòa giải (xâm phạm lợi ích công), đã hướng dẫn gửi đơn đến UBND xã", "pair"),
    ("vi_pham_nho", "Đề nghị hòa giải vụ mất trộm tài sản có giá trị lớn tại xóm {xom}",
     "Ngoài phạm vi hòa giải (có dấu hiệu tội phạm), đã chuyển Công an xã", "pair"),
    ("khac", "Đề nghị hòa giải việc cơ sở chăn nuôi gây ô nhiễm môi trường tại xóm {xom}",
     "Ngoài phạm vi hòa giải (thuộc diện xử phạt vi phạm hành chính), đã chuyển UBND xã", "pair"),
    ("hon_nhan_gia_dinh", "Đề nghị hòa giải vụ bạo lực gia đình gây thương tích tại xóm {xom}",
     "Ngoài phạm vi hòa giải (có dấu hiệu tội phạm), đã chuyển Công an xã", "couple"),
)
INVITED_NOTES = ("Có mời trưởng họ tham gia hòa giải", "Có mời đại diện Chi hội Phụ nữ thôn tham gia",
                 "Có mời Công an viên tham gia hòa giải")
STOP_NOTE = "Một bên đề nghị dừng hòa giải"
INCIDENT_NOTE = "Hai bên xô xát, Công an xã đã can thiệp"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def demo_commune() -> dict:
    """The hand-made fictional demo commune (seeds/demo/commune.json)."""
    return json.loads((DEMO_DIR / "commune.json").read_text(encoding="utf-8"))


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person(rng: random.Random, gender: str | None = None, surname: str | None = None) -> tuple[str, str]:
    gender = gender or rng.choice(("nam", "nu"))
    surname = surname or rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
    return nfc(f"{surname} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"), gender


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _active(village: dict, day: dt.date) -> list[dict]:
    """Mediators of the village's team active on `day` (joined on or before, not yet left)."""
    iso = day.isoformat()
    return [m for m in village["mediators"]
            if (m.get("joined_on") or "") <= iso and (not m.get("left_on") or m["left_on"] > iso)]


def _parties(rng: random.Random, kind: str, village: dict, xom: int, n_xom: int) -> list[dict]:
    def address(same: bool = True) -> str:
        return f"Xóm {xom if same else rng.randint(1, n_xom)}, {village['name']}"

    if kind == "couple":
        husband, _ = _person(rng, "nam")
        wife, _ = _person(rng, "nu")
        age = rng.randint(26, 62)
        return [{"full_name": wife, "age": max(20, age - rng.randint(0, 6)), "address": address()},
                {"full_name": husband, "age": age, "address": address()}]
    if kind == "inlaw":
        age = rng.randint(50, 78)
        return [{"full_name": _person(rng, "nu")[0], "age": age, "address": address()},
                {"full_name": _person(rng, "nu")[0], "age": age - rng.randint(22, 30), "address": address()}]
    if kind == "family":
        surname, age = _person(rng)[0].split()[0], rng.randint(38, 70)
        count = 3 if rng.random() < 0.3 else 2
        return [{"full_name": _person(rng, surname=surname)[0], "age": age + rng.randint(-8, 8),
                 "address": address(rng.random() < 0.7)} for _ in range(count)]
    gender, ages = {"young": ("nam", (18, 32)), "women": ("nu", (30, 70))}.get(kind, (None, (19, 84)))
    return [{"full_name": _person(rng, gender)[0], "age": rng.randint(*ages), "address": address(rng.random() < 0.85)}
            for _ in range(2)]


def generate_cases(commune: dict, seed: int, years=(2021, 2022, 2023)) -> list[dict]:
    """Synthetic cases for the commune's villages, sorted by received_on.

    Per year about 5–7 cases per village; official rate thành/(thành+không thành) steered to
    0.865–0.885 each year, with one strong village (no failure) and one weak (~70 %). Open cases
    (đang hòa giải) only in Nov–Dec of the last year; 1–2 cases of December of the year before
    it concluded in January (carry-over). Security incidents: 2 in the second-last year, 1 in the
    last, in different villages.
    """
    rng = random.Random(seed)
    villages = {v["key"]: v for v in commune["villages"]}
    keys = list(villages)
    weights = [len(villages[k]["mediators"]) * rng.uniform(0.7, 1.3) for k in keys]
    n_xom = {k: rng.randint(3, 7) for k in keys}
    strong, weak = rng.sample(keys, 2)
    cases: list[dict] = []
    seen: set = set()
    official_so_far, failed_so_far = Counter(), Counter()
    carried: list[dict] = []
    mediator_names = {m["full_name"] for v in villages.values() for m in v["mediators"]}

    for year in years:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        total = round(len(keys) * rng.uniform(5.0, 6.8))
        n_open = rng.randint(3, 5) if year == years[-1] else 0
        n_carry = rng.randint(1, 2) if len(years) > 1 and year == years[-2] else 0
        n_out = max(1, round(total * rng.uniform(0.03, 0.05)))
        plan = ([("open", _day(rng, dt.date(year, 11, 1), dt.date(year, 12, 22))) for _ in range(n_open)]
                + [("carry", _day(rng, dt.date(year, 12, 8), dt.date(year, 12, 28))) for _ in range(n_carry)]
                + [("out", _day(rng, start, dt.date(year, 12, 18))) for _ in range(n_out)]
                + [("regular", _day(rng, start, dt.date(year, 12, 18)))
                   for _ in range(total - n_open - n_carry - n_out)])
        year_cases = []
        for kind, received in plan:
            key = rng.choices(keys, weights=weights)[0]
            year_cases.append(_case(rng, villages[key], n_xom[key], kind, received, end, seen, mediator_names))

        # Steer the official rate of the year's report: cases concluded in the year, i.e. this year's
        # minus those carried into January, plus last year's carried in. Weak village first, never the strong one.
        official = [c for c in year_cases if c["result"] == "thanh" and c["concluded_on"] <= end] + carried
        carried = [c for c in year_cases if c["concluded_on"] and c["concluded_on"] > end]
        failures = round(len(official) * (1 - rng.uniform(0.865, 0.885)))
        weak_cases = [c for c in official if c["village_key"] == weak]
        failed = rng.sample(weak_cases, min(failures, round(len(weak_cases) * rng.uniform(0.25, 0.35))))
        # The rest goes, one at a time, to the village with the fewest failures per case so far,
        # so that only the strong village ends at 100 %.
        for c in official:
            official_so_far[c["village_key"]] += 1
        others = [c for c in official if c["village_key"] not in (strong, weak)]
        while len(failed) < failures and len(others) > 0:
            share = {c["village_key"]: failed_so_far[c["village_key"]] / official_so_far[c["village_key"]]
                     for c in others}
            low = min(share.values())
            case = rng.choice([c for c in others if share[c["village_key"]] == low])
            others.remove(case)
            failed.append(case)
            failed_so_far[case["village_key"]] += 1
        for c in failed:
            c["result"], c["agreement"], c["written_record"] = "khong_thanh", c.pop("_positions"), False
            c["note"] = STOP_NOTE if rng.random() < 0.3 else None
        cases += year_cases
    for c in cases:
        c.pop("_positions", None)

    # Cases that escalated into a security incident (the plan's goal is zero).
    used: set = set()
    for year, count in (zip(years[-2:], (2, 1)) if len(years) > 1 else ()):
        for _ in range(count):
            pool = [c for c in cases if c["received_on"].year == year and c["village_key"] not in used
                    and not c["security_incident"]]
            failed = [c for c in pool if c["result"] == "khong_thanh"]
            case = rng.choice(failed or pool)
            case["security_incident"], case["note"] = True, INCIDENT_NOTE
            used.add(case["village_key"])
    cases.sort(key=lambda c: (c["received_on"], c["village_key"], c["summary"]))
    return cases


def _case(rng, village, n_xom, kind, received, end, seen, mediator_names) -> dict:
    """One case; `kind` is regular, out (of scope), open (đang hòa giải) or carry (ends next January)."""
    xom = rng.randint(1, n_xom)
    so = rng.choice((5, 10, 15, 20, 30, 50, 80))
    if kind == "out":
        category, summary, referral, party_kind = rng.choice(OUT_OF_SCOPE)
        summary, agreement, positions = summary.format(xom=xom), None, None
    else:
        category = _pick(rng, CATEGORY_WEIGHTS)
        summary, agreement, positions, party_kind = rng.choice(CONTENT[category])
        summary, agreement, positions = (t.format(xom=xom, so=so) for t in (summary, agreement, positions))
    while True:  # no repeated case (same village, day and parties), no party named like a mediator
        parties = _parties(rng, party_kind, village, xom, n_xom)
        names = frozenset(p["full_name"] for p in parties)
        ident = (village["key"], received, names)
        if ident not in seen and len(names) == len(parties) and not names & mediator_names:
            seen.add(ident)
            break

    assigned = received + dt.timedelta(days=rng.randint(0, 3) if rng.random() < 0.88 else rng.randint(4, 6))
    duration = rng.randint(3, 28) if rng.random() < 0.85 else rng.randint(29, 40)
    concluded = assigned + dt.timedelta(days=duration)
    if kind == "open":
        assigned, concluded = min(assigned, end), None
    elif kind == "carry":
        concluded = _day(rng, max(dt.date(end.year + 1, 1, 2), assigned + dt.timedelta(days=3)),
                         min(dt.date(end.year + 1, 1, 25), assigned + dt.timedelta(days=40)))
    elif concluded > end:
        concluded = assigned + dt.timedelta(days=rng.randint(3, (end - assigned).days))

    active = _active(village, received)
    leader = [m for m in active if m.get("is_leader")]
    team = rng.sample(active, min(len(active), rng.choices((1, 2, 3), weights=(3, 5, 2))[0]))
    if leader and leader[0] not in team and rng.random() < 0.5:
        team[0] = leader[0]
    order = {m["key"]: i for i, m in enumerate(village["mediators"])}

    result = {"out": "ngoai_pham_vi", "open": "dang_hoa_giai"}.get(kind, "thanh")
    note = referral if kind == "out" else (rng.choice(INVITED_NOTES) if rng.random() < 0.08 else None)
    return {
        "village_key": village["key"], "received_on": received,
        "grounds": "yeu_cau" if kind == "out" else _pick(rng, GROUNDS_WEIGHTS),
        "category": category, "summary": nfc(summary), "assigned_on": assigned, "result": result,
        "concluded_on": concluded, "agreement": nfc(agreement) if result == "thanh" else None,
        "written_record": result == "thanh" and rng.random() < 0.7, "security_incident": False,
        "note": note, "mediators": sorted((m["key"] for m in team), key=order.get),
        "parties": parties, "_positions": nfc(positions) if positions else None,
    }


def generate_commune(seed: int, n_villages: int, name: str, district, province) -> dict:
    """A synthetic commune of the same shape as seeds/demo/commune.json (villages 2021–2023)."""
    rng = random.Random(seed)
    names: list[str] = []
    while len(names) < n_villages:
        first, second = rng.choice(VILLAGE_WORDS[0]), rng.choice(VILLAGE_WORDS[1])
        candidate = nfc(f"Thôn {first} {second}")
        if first != second and candidate not in names:
            names.append(candidate)
    villages, mediators = [], []
    for i, village_name in enumerate(names, start=1):
        members = []
        count = rng.randint(5, 8)
        women = rng.randint(1, 3) if rng.random() < 0.9 else 0
        for j in range(1, count + 1):
            gender = "nu" if 2 <= j <= women + 1 else "nam"
            joined = _day(rng, dt.date(2015, 1, 1), dt.date(2020 if j == 1 else 2022, 12, 31))
            left = _day(rng, max(joined, dt.date(2021, 1, 1)) + dt.timedelta(days=30), dt.date(2023, 12, 31)) \
                if j > 1 and rng.random() < 0.1 else None
            members.append({
                "key": f"v{i}m{j}", "full_name": _person(rng, gender)[0], "gender": gender,
                "birth_year": rng.randint(1948, 1998), "ethnic_minority": False, "is_leader": j == 1,
                "joined_on": joined.isoformat(), "left_on": left.isoformat() if left else None,
                "phone": f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
                "organisation": "Trưởng thôn" if j == 1 else ("Hội Phụ nữ" if gender == "nu" and j == 2
                                                               else rng.choice(ORGANISATIONS)),
            })
        mediators += members
        villages.append({
            "key": f"v{i}", "name": village_name, "ethnic_area": False,
            "team": {"name": nfc(f"Tổ hòa giải thôn {village_name.removeprefix('Thôn ')}"),
                     "decision_no": f"{rng.randint(10, 90)}/QĐ-UBND",
                     "decision_date": _day(rng, dt.date(2021, 3, 1), dt.date(2021, 3, 31)).isoformat()},
            "mediators": members,
        })
    trainings = []
    for year in (2021, 2022, 2023):
        for month, title in ((4, "Bồi dưỡng kiến thức pháp luật cho hòa giải viên"),
                             (9, "Tập huấn kỹ năng hòa giải ở cơ sở")):
            held = _day(rng, dt.date(year, month, 1), dt.date(year, month, 28))
            iso = held.isoformat()
            attendees = [m["key"] for m in mediators if m["joined_on"] < iso
                         and (not m["left_on"] or m["left_on"] > iso) and rng.random() < 0.6]
            trainings.append({"held_on": iso, "title": f"{title} năm {year}",
                              "organiser": "Công chức Tư pháp – Hộ tịch", "hours": 4,
                              "place": "Hội trường UBND xã", "attendees": attendees})
    return {"demo_notice": "Dữ liệu minh họa, hư cấu — không phải người thật",
            "commune": {"name": nfc(name), "district": district, "province": province},
            "villages": villages, "trainings": trainings}


def case_to_row(case: dict) -> dict:
    """The CSV form of a case: ISO dates, true/false, `;`-joined mediators and `Name|age|address` parties."""
    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    row = {col: text(case[col]) for col in CASE_COLUMNS if col not in ("mediators", "parties")}
    row["mediators"] = ";".join(case["mediators"])
    row["parties"] = ";".join(f"{p['full_name']}|{p['age']}|{p['address']}" for p in case["parties"])
    return row


def write_demo_cases_csv(path=DEMO_DIR / "cases.csv", seed: int = 2023) -> int:
    """Regenerate the demo cases CSV (UTF-8, header line); returns the number of cases."""
    cases = generate_cases(demo_commune(), seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CASE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(case_to_row(c) for c in cases)
    return len(cases)


if __name__ == "__main__":
    print(f"Đã ghi {write_demo_cases_csv()} vụ việc vào {DEMO_DIR / 'cases.csv'}")
