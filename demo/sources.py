"""The demo's sources as the office handles them: callers and call-backs of the hotline calls, representatives and
judgements of the proposals (one 不满意 handled a second time), and the upward reports of instructions from above
(one on time, one late, the open ones with their deadlines) — planned on the demo's timeline, so the replayed
sweeps send the upward reminders as they came due."""

from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select

from audit import record_step
from clock import china_date
from models.feedback import ReviewStatus
from models.hotline import CallbackMethod, HotlineCall
from models.item import ItemSource
from models.proposal import JudgedVia, Proposal
from models.reception import ReceptionVisit
from models.upward import HigherInstruction
from workflows.feedback import FeedbackInput, review_feedback, submit_feedback
from workflows.hotline import ensure_categories
from workflows.lifecycle import record_answer
from workflows.proposals import judge, send_judgement_link
from workflows.upward import report_upward

# (caller, phone, category) of the demo's calls, in the order of the data; the third and the ninth are one caller.
CALLERS = (
    ("赵女士", "04573561208", "供暖"),
    ("钱先生", "13845701126", "物业"),
    ("孙女士", "13945702231", "城管"),
    ("李先生", "04573568812", "城管"),
    ("周先生", "13604573390", "信访"),
    ("吴女士", "15846571102", "城管"),
    ("郑女士", "04573522716", "供暖"),
    ("王先生", "13796571458", "其他"),
    ("孙女士", "13945702231", "城管"),
    ("冯先生", "15204576621", "林政"),
    ("陈先生", "13351578802", "信访"),
    ("褚女士", "13936571305", "物业"),
)
# (number, representatives, delegation, seconders, category, e-mail) of the demo's proposals, in data order.
REPRESENTATIVES = (
    ("提案2026-03", "刘永军、韩淑芬", "东方红林场代表团", "张建国、李桂兰", "工资福利", "liuyongjun@example.org"),
    ("提案2026-11", "高志强", "工会代表团", "马晓燕", "生活设施", None),
    ("提案2026-05", "邵长春、田玉梅", "营林系统代表团", "", "生产条件", "shaochangchun@example.org"),
    ("提案2026-08", "何丽娟", "机关代表团", "黄文斌、吕秀英", "交通出行", "helijuan@example.org"),
    ("提案2026-14", "曹国庆", "团委代表团", "", "教育培训", None),
    ("提案2026-12", "许春燕", "教育系统代表团", "彭立新", "教育培训", "xuchunyan@example.org"),
)
OPEN_DUE_IN = (0, 3, 0, 8, 0, 20)  # working days from today to the upward deadline of each open one (data order)
# (issuing body, leader, document number) of the demo's instructions from above, in data order.
ISSUERS = (
    ("黑龙江省林业和草原局", "王副局长", "黑林草批〔2026〕17号"),
    ("伊春市人民政府", "刘副市长", "伊政批〔2026〕42号"),
    ("黑龙江省林业和草原局", "陈局长", "黑林草批〔2026〕23号"),
    ("伊春市林业和草原局", "赵局长", "伊林草批〔2026〕9号"),
    ("伊春市应急管理局", "孙局长", "伊应急批〔2026〕31号"),
    ("黑龙江省林业和草原局", "李副局长", "黑林草批〔2026〕38号"),
)


# 党政领导大接访: who came (names and how many).
VISITORS = (
    ("张桂兰等回迁户代表", 4),
    ("退休职工李德福、王淑珍", 2),
    ("曙光林场职工刘长山", 1),
    ("周边商户代表赵建国", 1),
    ("职工家属孙丽华", 1),
)


def add_source_history(replay, plans) -> None:
    """Plan each source's own steps on the replay's timeline, beside the items' ordinary history."""
    by_source: dict = {}
    for plan in plans:
        by_source.setdefault(plan.spec.source, []).append(plan)
    for plan, caller in zip(by_source.get(ItemSource.HOTLINE, []), CALLERS, strict=False):
        replay.at(plan.created, replay.supervisor, partial(_call, replay, plan, caller))
        if plan.answer:
            replay.at(plan.answer.at, replay.supervisor, partial(_call_back, replay, plan))
    proposals = [(p, r) for p, r in zip(by_source.get(ItemSource.STAFF_PROPOSAL, []), REPRESENTATIVES, strict=False)]
    answered = [p for p, _ in proposals if p.answer]
    for plan, fields in proposals:
        replay.at(plan.created, replay.supervisor, partial(_proposal, replay, plan, fields))
    if answered:
        _plan_second_handling(replay, answered[0])
    for plan in answered[1:]:
        replay.at(plan.answer.at + timedelta(days=2), replay.supervisor, partial(_judge, replay, plan, "satisfied"))
    for plan, visitors in zip(by_source.get(ItemSource.RECEPTION_VISIT, []), VISITORS, strict=False):
        replay.at(plan.created, replay.supervisor, partial(_reception, replay, plan, visitors))
    instructions = [(p, i) for p, i in zip(by_source.get(ItemSource.HIGHER_INSTRUCTION, []), ISSUERS, strict=False)]
    closed = [p for p, _ in instructions if p.spec.state == "closed"]
    for index, (plan, issuer) in enumerate(instructions):
        step = partial(_from_above, replay, plan, issuer, closed, OPEN_DUE_IN[index % len(OPEN_DUE_IN)])
        replay.at(plan.created, replay.supervisor, step)
        if plan in closed:
            moment = _closing(plan) - timedelta(hours=2)
            replay.at(moment, replay.supervisor, partial(_report_upward, replay, plan))


def _reception(replay, plan, visitors, moment: datetime) -> None:
    names, count = visitors
    item = replay.items[plan.spec.title]
    replay.session.add(
        ReceptionVisit(
            item_id=item.id,
            received_on=china_date(moment),
            leader=item.ordering_leader,
            visitors=names,
            visitor_count=count,
            request=item.content,
        )
    )


def _call(replay, plan, caller, moment: datetime) -> None:
    name, phone, category = caller
    categories = {c.name: c for c in ensure_categories(replay.session)}
    item = replay.items[plan.spec.title]
    replay.session.add(
        HotlineCall(
            item=item,
            called_at=moment - timedelta(minutes=7),
            caller=name,
            phone=phone,
            category=categories.get(category),
            said=item.content or item.title,
        )
    )


def _call_back(replay, plan, moment: datetime) -> None:
    call = replay.session.scalar(select(HotlineCall).where(HotlineCall.item_id == replay.items[plan.spec.title].id))
    call.callback_on, call.callback_method = china_date(moment), CallbackMethod.PHONE
    call.callback_note, call.satisfaction = plan.answer.text, plan.answer.satisfaction
    call.callback_by_name = str(replay.supervisor) if replay.supervisor else "督查室"
    record_step(replay.session, "回访", call, f"电话回访，{plan.answer.satisfaction.label}", now=moment)


def _proposal(replay, plan, fields, moment: datetime) -> None:
    number, representatives, delegation, seconders, category, email = fields
    replay.session.add(
        Proposal(
            item=replay.items[plan.spec.title],
            number=number,
            representatives=representatives,
            delegation=delegation,
            seconders=seconders or None,
            category=category,
            email=email,
        )
    )


def _proposal_of(replay, plan) -> Proposal:
    return replay.session.scalar(select(Proposal).where(Proposal.item_id == replay.items[plan.spec.title].id))


def _judge(replay, plan, satisfaction: str, moment: datetime, *, via=JudgedVia.OFFICE, comment: str = "") -> None:
    proposal = _proposal_of(replay, plan)
    by_name = proposal.representatives.split("、")[0] if via == JudgedVia.LINK else str(replay.supervisor)
    judge(
        replay.session, proposal, satisfaction, comment, via=via, by_name=by_name, now=moment, actor=replay.supervisor
    )


def _plan_second_handling(replay, plan) -> None:
    """The first answered proposal: the representative judges 不满意 from the link, every unit handles it again,
    the second answer is judged 基本满意."""
    answer = plan.answer.at
    replay.at(answer + timedelta(minutes=5), replay.supervisor, partial(_send_link, replay, plan))
    replay.at(
        answer + timedelta(days=1, hours=2),
        None,
        partial(_judge, replay, plan, "dissatisfied", via=JudgedVia.LINK, comment="补贴标准仍低于周边林区，请再研究。"),
    )
    for share in plan.assignments:
        key = (plan.spec.title, share.unit)
        replay.at(answer + timedelta(days=4), None, partial(_second_report, replay, key))
        replay.at(answer + timedelta(days=5), replay.supervisor, partial(_second_review, replay, key))
    second = "经再次测算，自下季度起野外作业补贴每天提高10元，并与代表当面沟通。"
    replay.at(answer + timedelta(days=6), replay.supervisor, partial(_second_answer, replay, plan, second))
    replay.at(
        answer + timedelta(days=7),
        None,
        partial(_judge, replay, plan, "basically", via=JudgedVia.LINK, comment="基本认可，望按时兑现。"),
    )


def _send_link(replay, plan, moment: datetime) -> None:
    send_judgement_link(replay.session, _proposal_of(replay, plan), now=moment)


def _second_report(replay, key, moment: datetime) -> None:
    assignment = replay.assignments[key]
    name, phone = replay.contacts[key[1]]
    report = FeedbackInput(
        progress="按提案人意见重新测算补贴标准，形成调整方案并报局审定。",
        percent_complete=100,
        contact_name=name,
        contact_phone=phone,
    )
    submit_feedback(replay.session, assignment, report, [], by_name=name, now=moment)


def _second_review(replay, key, moment: datetime) -> None:
    feedback = replay.assignments[key].feedbacks[-1]
    comment = "二次办理情况属实，同意办结。"
    review_feedback(replay.session, feedback, ReviewStatus.ACCEPTED, comment, actor=replay.supervisor, now=moment)


def _second_answer(replay, plan, text: str, moment: datetime) -> None:
    record_answer(replay.session, replay.items[plan.spec.title], text, None, actor=replay.supervisor, now=moment)


def _closing(plan) -> datetime:
    """When the last share of a closed item was accepted (its last review)."""
    return max(r.reviewed for share in plan.assignments for r in share.reports if r.reviewed)


def _from_above(replay, plan, issuer, closed, due_in: int, moment: datetime) -> None:
    body, leader, number = issuer
    received = china_date(moment)
    if plan in closed:
        reported = china_date(_closing(plan) - timedelta(hours=2))
        # the first closed one reported in time, the second three days late
        due = reported + timedelta(days=2) if plan is closed[0] else max(received, reported - timedelta(days=3))
    else:
        due = replay.calendar.add_working_days(max(china_date(replay.now), received), due_in)
        if plan.spec.state == "overdue":
            due = max(received, china_date(replay.now) - timedelta(days=4))
    replay.session.add(
        HigherInstruction(
            item=replay.items[plan.spec.title],
            issuing_body=body,
            issuing_leader=leader,
            document_number=number,
            received_on=received,
            report_due=due,
        )
    )


def _report_upward(replay, plan, moment: datetime) -> None:
    item = replay.items[plan.spec.title]
    record = replay.session.scalar(select(HigherInstruction).where(HigherInstruction.item_id == item.id))
    text = "已将各承办单位办理情况汇总成文，经局领导审签后报送来文单位。"
    report_upward(replay.session, record, on=china_date(moment), text=text, actor=replay.supervisor, now=moment)
