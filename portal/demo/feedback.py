"""What demo opinions, praise and ratings say.

Placeholders as in :mod:`portal.demo.reports`: ``{unit}``, ``{subject}``, ``{day}``.
"""

from __future__ import annotations

#: (category code or None, title, body)
OPINIONS: list[tuple[str | None, str, str]] = [
    (
        "service_efficiency",
        "建议{unit}推行周末预约服务",
        "很多上班族只有周末有时间办事，建议{unit}推行周末预约服务或者延时服务，方便群众。",
    ),
    (
        "service_efficiency",
        "建议{unit}推行“一次性告知”",
        "每次去{unit}办事都被告知缺材料，建议把所需材料清单在网上一次性公开，并提供填写样表。",
    ),
    (
        "work_style",
        "建议加强{unit}窗口人员服务培训",
        "{unit}窗口人员业务水平参差不齐，同一个问题不同的人答复不一样，建议定期开展业务培训。",
    ),
    (
        "selection_violations",
        "建议扩大干部选拔的民主推荐范围",
        "希望干部提拔时扩大民主推荐范围，让基层干部和服务对象也能参与评价，结果及时公开。",
    ),
    (
        "excessive_demands",
        "建议精简基层报表",
        "基层每个月要填报大量表格，很多数据各部门重复要求，建议建立统一的数据共享平台，"
        "减轻基层负担。",
    ),
    (
        "other",
        "建议在{unit}设立意见箱并定期开箱",
        "{unit}附近没有意见箱，老年人不会上网留言，建议设置意见箱并公布开箱时间。",
    ),
    (
        None,
        "希望公开整改承诺的落实进度",
        "上次测评中群众提出的问题，建议在网上公开整改措施和进度，接受群众监督。",
    ),
    (
        None,
        "建议组工干部多下基层走访",
        "组织部门的同志可以多到村、社区走一走，直接听听基层干部和群众的意见。",
    ),
    (
        "service_efficiency",
        "建议{unit}大厅增加休息座椅和饮水设施",
        "{unit}大厅排队时间长，老人和带孩子的群众没地方坐，建议增加座椅和饮水设施。",
    ),
    (
        None,
        "建议完善12380举报受理反馈机制",
        "希望举报后能及时告知受理情况和办理进度，让群众知道反映的问题有人管。",
    ),
    (
        "work_style",
        "建议{unit}公开干部联系方式和职责分工",
        "群众经常不知道该找谁，建议{unit}在门口公示干部的职责分工和联系电话。",
    ),
    (
        "other",
        "建议优化政务服务网上办理流程",
        "网上办理需要重复上传同样的证件照片，建议打通各部门数据，已提交过的材料不再重复提交。",
    ),
]

#: [(titles that fit the account, the account)]; ``{subject}`` is the cadre, or "工作人员".
PRAISE: list[tuple[tuple[str, ...], str]] = [
    (
        ("表扬{subject}主动上门服务", "感谢{unit}{subject}上门办理认证"),
        "我父亲行动不便，{subject}得知后主动上门帮他办理了养老资格认证，非常感谢。",
    ),
    (
        ("感谢{unit}{subject}耐心细致", "表扬{subject}加班为群众办结业务"),
        "我的营业执照变更材料有问题，{subject}耐心地一项项告诉我怎么改，还加班帮我办完。",
    ),
    (
        ("感谢{unit}急群众之所急", "表扬{unit}干部连夜转移群众"),
        "{day}暴雨，{unit}的干部连夜组织转移群众，{subject}一直在现场指挥，我们都看在眼里。",
    ),
    (
        ("为{unit}的高效服务点赞",),
        "在{unit}办事全程不到半小时，{subject}态度热情，流程讲得清清楚楚，值得表扬。",
    ),
    (
        ("表扬{subject}热心帮助群众", "感谢{unit}帮孩子解决入学难题"),
        "孩子入学材料不全，{subject}主动帮我们联系学校和社区，两天就解决了。",
    ),
]

#: A rater's remarks; empty means none.
RATING_REMARKS = [
    "",
    "",
    "",
    "窗口服务比以前好多了。",
    "办事效率还需要提高。",
    "整体满意，但等待时间偏长。",
    "希望继续保持。",
    "工作人员业务熟练，答复清楚。",
    "电话经常打不通。",
]
