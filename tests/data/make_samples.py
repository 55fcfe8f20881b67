"""Write the committed sample files (units.xlsx, roster.xlsx, items.xlsx) as an office really fills them in.

    .venv/bin/python tests/data/make_samples.py

The office is the demo office (demo/data.py): its 7 bureau leaders, 54 units, one liaison per unit and
30 key-work items. The files are valid but untidy on purpose: title rows, merged headers and leader cells, section
headings and footnotes, phone numbers typed as numbers, full-width characters, dates written every which way.
They import in that order (units, roster, items) into an office that has the bureau leaders. Output is
deterministic, so re-running the script changes nothing unless the script changed.
"""

import io
import re
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from demo import data  # noqa: E402

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2026, 1, 5, 9, 0)
LEADER_NAMES = {key: name for key, name, *_ in data.LEADERS}
ALIASES = {
    "东方红林场": "东方红", "森林调查规划队": "调查队、规划队", "森林病虫害防治检疫站": "森防站",
    "林业科学研究所": "林科所", "社会保险事业所": "社保所", "林区建筑工程公司": "建筑公司", "广播电视中心": "电视台",
    "党政办": "党政办公室", "人事劳资科": "人事科", "安全生产科": "安全科", "林产品加工厂": "加工厂",
}  # fmt: skip


def units() -> list[tuple[str, str, str, str]]:
    """(code, name, kind label, leader key) of the 54 units, in the demo office's order."""
    rows = [(f"JZ{n:02d}", name, "局直单位", leader) for n, (name, leader) in enumerate(data.AFFILIATED_UNITS, 1)]
    rows += [(f"BB{n:02d}", name, "部办", leader) for n, (name, leader) in enumerate(data.DEPARTMENTS, 1)]
    return rows


def person(n: int, salt: int) -> tuple[str, str]:
    """A deterministic Chinese name and its pinyin."""
    surname = data.SURNAMES[(n * 7 + salt) % len(data.SURNAMES)]
    given = data.GIVEN_NAMES[(n * 11 + salt * 3) % len(data.GIVEN_NAMES)]
    return surname[0] + given[0], surname[1] + given[1]


def save(workbook: Workbook, name: str) -> None:
    """Save with fixed timestamps (document properties and zip entries), so the bytes depend only on the content."""
    workbook.properties.created = FIXED_TIME
    workbook.properties.creator = "督查室"
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with the time of saving
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)


def units_file() -> None:
    """承办单位: a title row, phone numbers as numbers, a few trailing spaces and full-width letters."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "承办单位"
    sheet.append(["2026年承办单位名单"])
    sheet.merge_cells("A1:I1")
    sheet.append(
        ["单位编码", "单位名称", "单位类别", "单位负责人", "负责人邮箱", "分管领导", "单位邮箱", "办公电话", "别名"]
    )
    for n, (code, name, kind, leader) in enumerate(units(), start=1):
        head, pinyin = person(n, 1)
        domain = f"{code.lower()}.example.org"
        phone = 2345600 + n if n % 3 else f"0457-{2345600 + n}"  # typed as a number, or as text with the area code
        code_cell = code if n % 10 else code.replace("JZ", "ＪＺ")  # a few codes typed in full width
        sheet.append([code_cell, name + (" " if n % 9 == 0 else ""), kind, head, f"{pinyin}@{domain}",
                      LEADER_NAMES[leader], f"office@{domain}", phone, ALIASES.get(name)])  # fmt: skip
    save(workbook, "units.xlsx")


def roster_file() -> None:
    """联络员名录: a two-row merged header, a section heading per kind, mobiles as numbers, dates every which way."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "联络员名录"
    sheet.append(["林业局督查网络联络员名录（2026年）"])
    sheet.append(["单位", "姓名", "职务", "专兼职", "联系方式", None, None, "任职日期", "备注"])
    sheet.append([None, None, None, None, "办公电话", "手机", "电子邮箱", None, None])
    for ref in ("A1:I1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:G2", "H2:H3", "I2:I3"):
        sheet.merge_cells(ref)
    date_styles = (date(2024, 3, 5), "2024-3-5", "2023年9月1日", "2025/01/06", "2022.6.20")
    kind = None
    for n, (code, name, unit_kind, _) in enumerate(units(), start=1):
        if unit_kind != kind:
            kind = unit_kind
            sheet.append([f"{'一' if kind == '局直单位' else '二'}、{kind}"])
            sheet.merge_cells(f"A{sheet.max_row}:I{sheet.max_row}")
        liaison, pinyin = person(n, 5)
        posts = data.AFFILIATED_POSTS if unit_kind == "局直单位" else data.DEPARTMENT_POSTS
        mobile = 13904570000 + n * 37 if n % 4 else f"１３９０４５７{n:04d}"  # numbers, and some in full width
        email = f"{pinyin}@{code.lower()}.example.org"
        sheet.append([name, liaison + ("  " if n % 8 == 0 else ""), posts[n % len(posts)],
                      "专职" if n % 6 == 0 else "兼职",
                      f"0457-{2345700 + n}", mobile, email if n % 12 else email.upper(), date_styles[n % 5],
                      "新任" if n % 17 == 0 else None])  # fmt: skip
    sheet.append(["注：每个单位须至少有一名在岗联络员；手机号码为接收短信提醒使用。"])
    save(workbook, "roster.xlsx")


# (section, title, source, requirement, ordering leader key, lead unit, co-units, deadline, rhythm)
ITEMS = (
    ("一、生态建设", "完成春季人工造林任务", "“两会”重点工作", "完成人工造林5000亩，苗木成活率不低于85%。", "局长",
        "营林科", "种苗站、东方红林场、青山林场", date(2026, 6, 30), "每季度"),
    ("一、生态建设", "实施中幼龄林抚育", "“两会”重点工作", "完成中幼龄林抚育3万亩，建立抚育作业档案。", "局长",
        "营林科", "红旗林场，向阳林场", "2026年10月31日", "每季度"),
    ("一、生态建设", "落实天然林管护责任", "“两会”重点工作",
        "管护责任落实到山头地块，签订管护合同，年度核查合格率100%。", None, "资源管理科", "森林调查规划队",
            "2026/12/31", "每季度"),
    ("一、生态建设", "开展湿地保护与修复", "“两会”重点工作", "完成退化湿地修复800亩，建立湿地监测点5处。", None,
        "资源管理科", "林业科学研究所", "2026.11.30", "每季度"),
    ("一、生态建设", "做好林业有害生物防治", "“两会”重点工作",
        "完成松毛虫、落叶松鞘蛾等防治作业4万亩，成灾率控制在3‰以下。", None, "森林病虫害防治检疫站", "营林科",
            date(2026, 8, 31), "每季度"),
    ("一、生态建设", "健全森林防火责任体系", "“两会”重点工作", "春秋两季防火期实现零重大火灾，扑火队伍训练达标率100%。",
        "局长", "森林消防大队", "安全生产科;森林公安分局", date(2026, 11, 15), "每季度"),
    ("一、生态建设", "推进林地清收还林", "“两会”重点工作", "清收违规占用林地1200亩，年内完成植被恢复。", None,
        "资源管理科", "森林公安分局、东方红林场", date(2026, 12, 31), "每季度"),
    ("二、产业发展", "发展蓝莓林下经济", "“两会”重点工作", "新增蓝莓种植基地500亩，扶持种植大户30户。", "局长",
        "营林科", "种苗站", date(2026, 9, 30), "每季度"),
    ("二、产业发展", "扩大黑木耳种植规模", "“两会”重点工作", "黑木耳栽培达到800万袋，组建专业合作社2个。", None,
        "林产品加工厂", "北山林场、南沟林场", date(2026, 10, 31), "每季度"),
    ("二、产业发展", "建设良种苗木繁育基地", "“两会”重点工作", "新建温室大棚10栋，年出圃优质苗木300万株。", None,
        "种苗站", "林业科学研究所", date(2026, 9, 30), "每季度"),
    ("二、产业发展", "打造森林生态旅游线路", "“两会”重点工作", "完成翠岗至白桦沿线景点提升，接待游客同比增长20%。",
        None, "社会事务科", "翠岗林场、白桦林场、广播电视中心", date(2026, 9, 30), "每季度"),
    ("二、产业发展", "推进林产品精深加工", "“两会”重点工作", "新上林产品深加工生产线1条，注册自有品牌1个。", None,
        "林产品加工厂", "计财科", date(2026, 12, 31), "每季度"),
    ("三、民生改善", "棚户区改造回迁安置", "十项利民工程", "完成主体工程和配套设施，回迁户年底前全部入住。", "局长",
        "林区建筑工程公司", "计财科、社会事务科", date(2026, 11, 30), "每月"),
    ("三、民生改善", "供热管网改造", "十项利民工程", "改造老旧供热管网12公里，供暖期室温达标率98%以上。", None,
        "供热公司", "安全生产科", date(2026, 9, 30), "每月"),
    ("三、民生改善", "林区饮水安全工程", "十项利民工程", "新建净水设施2处，解决3个林场家属区饮水问题。", None,
        "供水公司", "向阳林场、曙光林场", date(2026, 8, 31), "每月"),
    ("三、民生改善", "城区路灯亮化", "十项利民工程", "改造LED路灯600盏，主要街路亮灯率100%。", None, "社会事务科",
        "物业公司", date(2026, 10, 31), "每月"),
    ("三、民生改善", "老旧小区综合整治", "十项利民工程", "完成5个老旧小区屋面防水、外墙保温和环境整治。", None,
        "物业公司", "林区建筑工程公司", date(2026, 10, 31), "每月"),
    ("三、民生改善", "林业医院服务能力提升", "十项利民工程", "新增CT等大型设备2台，开设远程会诊。", "书记", "林业医院",
        "计财科", date(2026, 12, 31), "每月"),
    ("三、民生改善", "义务教育学校标准化建设", "十项利民工程", "完成第一中学、实验小学运动场改造和教室设备更新。", None,
        "第一中学", "实验小学、计财科", date(2026, 8, 20), "每月"),
    ("三、民生改善", "职工养老保险扩面", "十项利民工程", "养老保险参保率达到98%，待遇按时足额发放。", None,
        "社会保险事业所", "人事劳资科", date(2026, 12, 31), "每月"),
    ("三、民生改善", "困难职工帮扶救助", "十项利民工程", "建立困难职工档案，节日走访慰问全覆盖。", None, "工会",
        "社会事务科、人事劳资科", "2026-12-31", "每月"),
    ("三、民生改善", "幼儿园扩容", "十项利民工程", "新增学位120个，秋季开学前投入使用。", None, "林业幼儿园",
        "林区建筑工程公司", date(2026, 8, 25), "每月"),
    ("四、党的建设", "深化机关作风整顿", "阶段性中心任务", "建立首问负责、限时办结制度，开展群众满意度测评。", "书记",
        "纪委", "组织部、党政办", date(2026, 6, 30), "一次性"),
    ("四、党的建设", "基层党组织标准化建设", "“两会”重点工作", "党支部标准化达标率100%，评选示范党支部10个。", "书记",
        "组织部", "宣传部", date(2026, 11, 30), "每季度"),
    ("四、党的建设", "加强意识形态和宣传工作", "“两会”重点工作", "全年发布林区新闻报道300篇，办好“林区之声”栏目。",
        None, "宣传部", "广播电视中心", date(2026, 12, 31), "每季度"),
    ("四、党的建设", "开展青年干部培训", "阶段性中心任务", "举办青年干部培训班2期，培训100人次。", None, "团委",
        "人事劳资科", "10个工作日", "一次性"),
    ("五、安全稳定", "安全生产大检查", "重要文件、会议决定事项", "重点单位全面排查，隐患整改率100%。", "局长",
        "安全生产科", "贮木场、林产品加工厂、供热公司", date(2026, 4, 30), "一次性"),
    ("五、安全稳定", "信访积案化解", "重要文件、会议决定事项", "化解信访积案10件，初信初访按期办结率100%。", None,
        "信访办", "社会事务科", date(2026, 9, 30), "每月"),
    ("五、安全稳定", "规范财务管理和内部审计", "重要文件、会议决定事项",
        "完成所属单位财务收支审计全覆盖，问题整改率100%。", None, "审计科", "计财科", date(2026, 12, 31), "每季度"),
    ("五、安全稳定", "木材运输检查", "阶段性中心任务", "加强木材检查站值守，依法查处无证运输。", None, "木材检查站",
        "森林公安分局", date(2026, 12, 31), "每季度"),
)  # fmt: skip
RESPONSIBLE = {"一": "营林", "二": "营林", "三": "民生", "四": "书记", "五": "安全"}


def items_file() -> None:
    """重点工作任务分解表: a title, section headings, 分工领导 merged over each section, a footnote."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "分解表"
    sheet.append(["2026年重点工作任务分解表"])
    sheet.merge_cells("A1:K1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(
        [
            "序号",
            "事项名称",
            "来源",
            "具体要求",
            "交办领导",
            "分工领导",
            "牵头单位",
            "协办单位",
            "责任人",
            "完成时限",
            "办理周期",
        ]
    )
    section, first_row, serial = None, None, 0
    for title_section, title, source, requirement, ordering, lead, co, deadline, rhythm in ITEMS:
        if title_section != section:
            if section is not None:
                sheet.merge_cells(f"F{first_row}:F{sheet.max_row}")
            section = title_section
            sheet.append([section])
            sheet.merge_cells(f"A{sheet.max_row}:K{sheet.max_row}")
            first_row = sheet.max_row + 1
        serial += 1
        leader = LEADER_NAMES[RESPONSIBLE[section[0]]] if sheet.max_row + 1 == first_row else None
        head, _ = person(serial, 9)
        sheet.append([serial, title, source, requirement, LEADER_NAMES[ordering] if ordering else None, leader,
                      lead, co, head, deadline, rhythm])  # fmt: skip
        sheet.cell(row=sheet.max_row, column=10).number_format = "yyyy-mm-dd"
    sheet.merge_cells(f"F{first_row}:F{sheet.max_row}")
    sheet.append(["注：完成时限可填写日期或“N个工作日”；协办单位有多个时用顿号分隔。"])
    save(workbook, "items.xlsx")


if __name__ == "__main__":
    units_file()
    roster_file()
    items_file()
    print("已生成：", ", ".join(str(HERE / name) for name in ("units.xlsx", "roster.xlsx", "items.xlsx")))
