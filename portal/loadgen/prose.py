"""Plausible Chinese titles and bodies for load tests, with the long tail real text has.

Sentences are assembled from fragments per category plus random names, places, dates and
numbers, so that common words (窗口, 排队) are common, rare ones are rare, and a few Latin
words (APP, wifi) turn up as they do in what citizens write.
"""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严武戴莫孔汤"
)
GIVEN = "建国华明丽军伟芳敏静强磊洋艳勇杰娟涛超秀霞刚平辉玲桂英鹏飞宇浩然志红春梅海燕文斌琳雪峰"
PLACE_PARTS = "东西南北中新华阳光明和平安康福寿长春江河湖山城关兴旺丰泰景德永宁清泉"
PLACES = [
    "政务服务中心",
    "社保大厅",
    "不动产登记中心",
    "便民服务中心",
    "行政审批局",
    "公积金中心",
    "户籍窗口",
    "人才服务中心",
    "医保经办大厅",
    "税务服务厅",
    "村委会",
    "社区居委会",
]
SUBJECTS = [
    "窗口工作人员",
    "一名科长",
    "副局长",
    "办事员",
    "驻村干部",
    "组工干部",
    "值班人员",
    "负责审批的同志",
    "街道干部",
    "经办人员",
]
TIMES = [
    "上周三上午",
    "工作日中午",
    "节假日期间",
    "今年以来",
    "近两个月",
    "上个月底",
    "昨天下午",
    "国庆前后",
    "年初",
    "最近一段时间",
]
#: What goes wrong, by category code; the titles and bodies draw on these.
PROBLEMS = {
    "fraud_inaction": ["推诿扯皮", "不作为", "弄虚作假", "欺上瞒下", "材料造假", "数据注水"],
    "drinking": ["中午饮酒", "酒后上班", "酗酒误事", "工作日聚餐饮酒"],
    "gifts_banquets": ["收受购物卡", "接受宴请", "收受土特产", "收受红包"],
    "appointment_leaks": ["打听干部任免", "泄露考察名单", "提前透露人事调整"],
    "excessive_demands": ["要求基层填报表格", "重复报送材料", "层层加码", "要求村里出钱"],
    "obstructing_grassroots": ["吃拿卡要", "故意刁难", "索要好处", "拖着不办"],
    "gambling": ["打麻将赌钱", "参与赌博", "网上赌球"],
    "games_at_work": ["上班打游戏", "上班时间玩手机游戏", "上班炒股", "上班时间下棋"],
    "selection_violations": ["选人用人不公", "带病提拔", "突击提拔", "民主推荐走过场"],
    "work_style": ["态度生硬", "门难进脸难看事难办", "说话难听", "不耐烦"],
    "service_efficiency": ["办事拖拉", "排队时间长", "多次往返", "窗口开得太少"],
    "integrity": ["违规报销", "公车私用", "违规发放补贴", "优亲厚友"],
    "other": ["服务不到位", "信息公开不及时", "政策解释不清"],
}
DETAILS = [
    "排了{n}个小时的队",
    "前后跑了{n}趟",
    "材料交了{n}次",
    "金额约{m}元",
    "电话打了{n}次都没人接",
    "只开了{n}个窗口",
    "等了{n}天没有回音",
    "在{place}门口等了很久",
    "网上说可以通过APP预约",
    "大厅的wifi一直连不上",
    "打12345热线也没有解决",
    "要求重新提交Excel表格",
    "让我们加微信群再说",
    "系统显示PDF格式不对",
]
REQUESTS = [
    "希望尽快核实处理。",
    "请组织部门调查。",
    "建议增加窗口。",
    "建议推行网上办理。",
    "希望给予答复。",
    "请相关单位整改。",
    "希望以后不要再发生。",
    "恳请领导重视。",
]
PRAISES = ["热情周到", "主动帮忙", "耐心解答", "加班加点", "上门服务", "一次办好"]
SUGGESTIONS = [
    "加强组工干部作风建设",
    "多开展面对面的培训",
    "公开干部选拔的流程",
    "把后备干部的考察做实",
    "设立意见箱",
    "推行预约办理",
    "延长周末办公时间",
    "简化证明材料",
]
ANSWERS = [
    "经核实，反映的问题属实，已责成{unit}整改。",
    "经调查，未发现反映的问题，已向您说明情况。",
    "已对相关人员进行批评教育，并增加了窗口。",
    "感谢您的监督，我们已完善相关制度。",
]
REJECTIONS = [
    "内容不属于本平台受理范围，请向相关部门反映。",
    "反映的内容过于简略，无法核实。",
    "经核实为重复发送的广告信息。",
]
EXTENSION_REASONS = [
    "需要调取监控录像核实情况。",
    "涉及多个部门，需要会商后答复。",
    "当事人外出，暂无法约谈。",
    "需要现场勘查，等待第三方检测结果。",
]


def person(rng: random.Random) -> str:
    """Return a name as citizens write one: a surname and a given name, or 某."""
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + (given if rng.random() < 0.7 else "某")


def place(rng: random.Random) -> str:
    """Return a place: a generated street or district name and an office in it."""
    name = rng.choice(PLACE_PARTS) + rng.choice(PLACE_PARTS)
    return f"{name}{rng.choice(('街道', '镇', '区'))}{rng.choice(PLACES)}"


def _detail(rng: random.Random) -> str:
    return rng.choice(DETAILS).format(
        n=rng.randint(2, 9), m=rng.randrange(200, 20000, 50), place=rng.choice(PLACES)
    )


def problem_case(rng: random.Random, category: str) -> tuple[str, str]:
    """Return (title, body) of an opinion or report about a category's problem."""
    problem = rng.choice(PROBLEMS.get(category, PROBLEMS["other"]))
    where, who = place(rng), rng.choice(SUBJECTS)
    title = f"{where}{who}{problem}"[:60]
    sentences = [
        f"{rng.choice(TIMES)}，我到{where}办事，{who}{person(rng)}{problem}。",
        *(f"{_detail(rng)}。" for _ in range(rng.randint(1, 3))),
    ]
    if rng.random() < 0.4:
        other = rng.choice(PROBLEMS[rng.choice(list(PROBLEMS))])
        sentences.append(f"听说还有{other}的情况。")
    sentences.append(rng.choice(REQUESTS))
    return title, "".join(sentences)


def praise_case(rng: random.Random) -> tuple[str, str]:
    """Return (title, body) of a praise."""
    where, who, what = place(rng), rng.choice(SUBJECTS), rng.choice(PRAISES)
    title = f"表扬{where}{who}{what}"[:60]
    when, detail = rng.choice(TIMES), _detail(rng)
    body = f"{when}在{where}办事，{who}{person(rng)}{what}，{detail}也没有抱怨。特此表扬。"
    return title, body


def opinion_case(rng: random.Random) -> tuple[str, str]:
    """Return (title, body) of an opinion or suggestion."""
    suggestion = rng.choice(SUGGESTIONS)
    title = f"建议{suggestion}"
    office, detail = rng.choice(PLACES), _detail(rng)
    body = f"关于{office}的工作，建议{suggestion}。{detail}，{rng.choice(REQUESTS)}"
    return title, body


def answer(rng: random.Random, unit_name: str) -> str:
    """Return a staff answer to the reporter."""
    return rng.choice(ANSWERS).format(unit=unit_name)


def rejection(rng: random.Random) -> str:
    """Return the explanation of a refusal."""
    return rng.choice(REJECTIONS)


def extension_reason(rng: random.Random) -> str:
    """Return why a handler asks for more time."""
    return rng.choice(EXTENSION_REASONS)
