"""What the demo's rectification items say: problems, commitments, progress, results.

Written as a unit's office writes them for a public notice (公示): the problem without a
name, measures that a reader can check, results with figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RoundText:
    """One round of an item: its commitment, measures, progress, result and assessment."""

    commitment: str
    #: (measure, days after the commitment is published that it is due)
    measures: list[tuple[str, int]]
    #: (what was done, percent)
    milestones: list[tuple[str, int]] = field(default_factory=list)
    result: str = ""
    assessment: str = ""
    #: A correction of the published commitment: (the measure changed, its new text, the note)
    correction: tuple[int, str, str] | None = None


@dataclass(frozen=True)
class ItemText:
    """A demo item: the unit (by the demo city's key), category, title, problem and rounds."""

    unit_key: str
    category: str
    title: str
    problem: str
    rounds: list[RoundText]


ITEMS: dict[str, ItemText] = {
    "draft": ItemText(
        "market", "service_efficiency", "个体工商户登记材料反复退回补正",
        "<p>多名群众反映，办理个体工商户设立登记时，材料被以不同理由多次退回，"
        "每次只告知一项问题，往返三四趟才能办结。</p>",
        [RoundText(
            "<p>实行一次性告知，材料问题一次讲清、当场书面列明。</p>",
            [("编制个体工商户登记材料清单和示范文本，在窗口和网站公开", 20),
             ("推行一次性书面告知单，补正事项一次列全", 10)],
        )],
    ),
    "commitment_published": ItemText(
        "hrss", "service_efficiency", "养老保险关系转移接续办理时限长",
        "<p>群众反映，跨市转移养老保险关系，从申请到办结普遍超过两个月，"
        "期间无法查询进度，多次电话询问得不到明确答复。</p>",
        [RoundText(
            "<p>压缩办理时限，办理进度全程可查。</p>",
            [("转移接续办理时限由45个工作日压缩至20个工作日", 60),
             ("在网上办事大厅开通办理进度查询", 45),
             ("设立转移接续专线电话，工作时间专人接听", 15)],
        )],
    ),
    "in_rectification": ItemText(
        "approval", "obstructing_grassroots", "企业开办“一窗通办”落实不到位",
        "<p>多家企业反映，在市政务服务大厅办理企业开办，仍需在登记、刻章、税务窗口间来回排队，"
        "个别窗口以“不归我管”为由推诿，“一窗通办”名不副实。</p>",
        [RoundText(
            "<p>企业开办全部事项一窗受理、一次办结；杜绝窗口推诿。</p>",
            [("整合登记、刻章、涉税窗口，设立企业开办综合窗口", 30),
             ("实行首问负责制，窗口人员不得以任何理由拒收材料", 10),
             ("每月随机回访企业开办对象不少于30户，结果公开", 60)],
            milestones=[("企业开办综合窗口已设立，三个窗口合并为一个，配备人员6名。", 40),
                        ("首问负责制已制定并上墙公示，已开展两轮窗口人员培训。", 65)],
            correction=(2, "每月随机回访企业开办对象不少于50户，回访结果每月在网站公开",
                        "根据企业代表意见，回访数量由30户提高至50户，并明确每月公开。"),
        )],
    ),
    "result_published": ItemText(
        "shazhou", "work_style", "街道便民服务中心午休时段无人值守",
        "<p>群众反映，沙洲街道便民服务中心工作日中午窗口全部关闭，"
        "上班族只能请假办事，门口未公示午间安排。</p>",
        [RoundText(
            "<p>实行午间错时值守，服务时间向群众公开。</p>",
            [("工作日中午安排两个综合窗口错时值守", 15),
             ("在服务中心门口和街道公众号公示服务时间和值班电话", 7)],
            milestones=[("午间值守排班表已制定，两个综合窗口中午正常办理。", 60),
                        ("服务时间已在门口和公众号公示，连续四周午间值守无空岗。", 100)],
            result="<p>自整改以来，工作日中午两个综合窗口均有人值守，午间共办理业务412件。"
            "服务时间和值班电话已在门口及公众号公示。街道纪工委开展暗访4次，未发现空岗。</p>",
            assessment="两次中午暗访，窗口均有人值守，群众排队不超过十分钟，整改属实。",
        )],
    ),
    "under_review": ItemText(
        "wangjiang", "obstructing_grassroots", "社区开具证明要求群众“跑腿托人”",
        "<p>群众反映，望江街道部分社区开具居住、亲属关系等证明时，"
        "要求提供与事项无关的材料，个别工作人员暗示“找人打招呼”才给办。</p>",
        [RoundText(
            "<p>清理证明事项，杜绝刁难群众。</p>",
            [("公布社区可开具证明事项清单，清单外一律不得要求群众提供", 20),
             ("对反映的工作人员进行约谈，情况属实的严肃处理", 10),
             ("设立证明事项投诉电话，接到投诉三个工作日内反馈", 20)],
            milestones=[("证明事项清单已经街道党工委审定，在各社区公示。", 50),
                        ("已约谈相关工作人员2人，给予诫勉1人；投诉电话已开通。", 100)],
            result="<p>已公布证明事项清单9项，清理无依据证明材料14项。对2名工作人员进行约谈，"
            "给予诫勉谈话1人。投诉电话开通以来接到咨询23件、投诉2件，均在三个工作日内反馈。</p>",
            assessment="走访三个社区，证明事项清单均已张贴；群众反映办证明不再被要求额外材料。",
        )],
    ),
    "accepted": ItemText(
        "wenchang", "service_efficiency", "老旧小区加装电梯审批推进慢",
        "<p>多个小区居民反映，申请加装电梯后，街道协调、审批环节多，"
        "一年多没有进展，居民多次反映无人回应。</p>",
        [RoundText(
            "<p>建立加装电梯专班，明确每个环节的办理时限。</p>",
            [("成立加装电梯工作专班，专人对接每个申请小区", 7),
             ("对积压的申请逐一梳理，明确办理时限并告知居民", 30),
             ("每季度公布加装电梯办理进度", 45)],
            milestones=[("专班已成立，5个积压申请全部明确责任人和时限。", 45),
                        ("3个小区已完成审批开工，2个小区已完成意见征询。", 90)],
            result="<p>专班成立后，积压的5个加装电梯申请中，3个已开工建设，2个进入审批。"
            "第一季度办理进度已在街道公众号公布。平均协调审批时间由14个月缩短至4个月。</p>",
            assessment="实地查看3个开工小区，居民对进度基本满意，专班联系人电话畅通。",
        )],
    ),
    "second_round": ItemText(
        "nanmen", "drinking", "工作日中午饮酒问题整改不彻底",
        "<p>群众反映，南门街道个别干部工作日中午在辖区饭店饮酒，下午办事时酒气明显，"
        "影响干部形象和办事秩序。</p>",
        [RoundText(
            "<p>开展专项整治，严格执行工作日禁酒规定。</p>",
            [("召开专题会议，传达工作日中午禁酒规定", 5),
             ("开展专项检查，发现一起查处一起", 30)],
            milestones=[("已召开专题会议，全体干部签订承诺书。", 50),
                        ("开展检查两次，未发现问题。", 100)],
            result="<p>召开专题会议1次，全体干部签订承诺书；开展专项检查2次，未发现问题。</p>",
            assessment="整改以开会、签承诺书为主，检查次数少，群众反映的具体人员未见处理结果。",
        ),
         RoundText(
            "<p>针对群众反映的具体问题逐一核查，建立常态化监督机制，核查和处理结果公开。</p>",
            [("对群众反映的具体人员和时间逐一核查，核查结果在本页公开", 20),
             ("联合区纪委每月至少开展一次工作日中午不打招呼检查", 60),
             ("将工作日禁酒纳入干部年度考核，违反的年度考核不得评为优秀", 30)],
            milestones=[("已核查群众反映的3个时间点，查实1人，已移交区纪委处理。", 35)],
        )],
    ),
}  # fmt: skip
