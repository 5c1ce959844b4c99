"""What the demo's staff tell reporters: reasons for not accepting, and answers."""

from __future__ import annotations

import random

from portal.models import CaseKind

#: (kind of reason, the public explanation)
REJECTIONS = [
    (
        "out_of_scope",
        "所反映事项不属于组织部门受理范围，建议向有关主管部门反映，我们已告知相关渠道。",
    ),
    (
        "insufficient_detail",
        "反映内容缺少时间、地点、人员等具体事实，无法进行核查。如有补充材料，欢迎重新提交。",
    ),
    (
        "out_of_scope",
        "该事项已进入诉讼程序，依法应通过司法途径解决，不属于本渠道受理范围。",
    ),
    (
        "spam",
        "内容与干部作风和选人用人工作无关，且含有辱骂性语言，不予受理。",
    ),
]

#: What checking a report found.
FINDINGS = [
    "反映情况基本属实，已对相关人员进行批评教育，责令作出书面检查，并在单位内部通报。",
    "反映情况部分属实，相关单位已制定整改措施，将在一个月内完成整改并向社会公开。",
    "经调查，未发现所反映的违规问题，已将核查情况向相关单位反馈，请其进一步改进工作方式。",
    "反映问题属实，已按干部管理权限对当事人进行诫勉谈话，相关单位正在开展专项整治。",
]

#: How a suggestion was taken up.
RESPONSES = [
    "该建议切实可行，已纳入下一步工作计划。",
    "建议中提到的问题确实存在，相关措施正在制定中，进展将在网站上公开。",
    "受现有条件限制暂时无法全部实施，将先在部分窗口试行，再总结推广。",
]


def answer_for(rng: random.Random, kind: CaseKind, title: str, unit_name: str) -> str:
    """Return the answer a reporter reads when the handling of their case is done."""
    if kind == CaseKind.REPORT:
        return (
            f"您好！您反映的“{title.removeprefix('反映')}”问题，我部已交{unit_name}核查。经核实，"
            f"{rng.choice(FINDINGS)}感谢您对组织工作的关心和监督。"
        )
    if kind == CaseKind.OPINION:
        return (
            f"您好！您提出的“{title}”已收悉。经{unit_name}研究，{rng.choice(RESPONSES)}"
            "感谢您的宝贵意见。"
        )
    if kind == CaseKind.PRAISE:
        return (
            f"您好！您的表扬已转达{unit_name}，并将作为相关干部平时考核的参考。感谢您的认可与鼓励！"
        )
    return (
        f"您好！感谢您参与评价。您的评分和意见已反馈{unit_name}，将作为年度考核和作风建设的参考。"
    )
