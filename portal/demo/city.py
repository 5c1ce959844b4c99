"""The demo city's organization tree, its cadres and the posts they held."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.extensions import db
from portal.models import Cadre, Post, Unit, UnitKind

K = UnitKind

#: (key, parent key, name, English name, kind); siblings keep this order.
UNITS = [
    ("city", None, "云州市委", "Yunzhou Municipal Party Committee", K.COMMITTEE),
    (
        "org",
        "city",
        "市委组织部",
        "Organization Department of the Municipal Committee",
        K.ORGANIZATION_DEPARTMENT,
    ),
    (
        "hrss",
        "city",
        "市人社局",
        "Municipal Human Resources and Social Security Bureau",
        K.DEPARTMENT,
    ),
    (
        "housing",
        "city",
        "市住建局",
        "Municipal Housing and Urban-Rural Development Bureau",
        K.DEPARTMENT,
    ),
    ("market", "city", "市市场监管局", "Municipal Market Supervision Administration", K.DEPARTMENT),
    ("approval", "city", "市行政审批局", "Municipal Administrative Approval Bureau", K.DEPARTMENT),
    ("education", "city", "市教育局", "Municipal Education Bureau", K.DEPARTMENT),
    ("school", "city", "市委党校", "Party School of the Municipal Committee", K.INSTITUTION),
    ("services", "city", "市政务服务中心", "Municipal Government Service Centre", K.INSTITUTION),
    ("yunzhong", "city", "云中区委", "Yunzhong District Committee", K.DISTRICT),
    (
        "yunzhong_org",
        "yunzhong",
        "云中区委组织部",
        "Organization Department of Yunzhong District",
        K.ORGANIZATION_DEPARTMENT,
    ),
    ("gulou", "yunzhong", "鼓楼街道", "Gulou Subdistrict", K.TOWNSHIP),
    ("wenchang", "yunzhong", "文昌街道", "Wenchang Subdistrict", K.TOWNSHIP),
    ("nanmen", "yunzhong", "南门街道", "Nanmen Subdistrict", K.TOWNSHIP),
    ("wangjiang", "yunzhong", "望江街道", "Wangjiang Subdistrict", K.TOWNSHIP),
    ("linjiang", "city", "临江区委", "Linjiang District Committee", K.DISTRICT),
    (
        "linjiang_org",
        "linjiang",
        "临江区委组织部",
        "Organization Department of Linjiang District",
        K.ORGANIZATION_DEPARTMENT,
    ),
    ("binjiang", "linjiang", "滨江街道", "Binjiang Subdistrict", K.TOWNSHIP),
    ("shazhou", "linjiang", "沙洲街道", "Shazhou Subdistrict", K.TOWNSHIP),
    ("linjiang_town", "linjiang", "临江镇", "Linjiang Town", K.TOWNSHIP),
    ("beishan", "city", "北山区委", "Beishan District Committee", K.DISTRICT),
    (
        "beishan_org",
        "beishan",
        "北山区委组织部",
        "Organization Department of Beishan District",
        K.ORGANIZATION_DEPARTMENT,
    ),
    ("beishan_street", "beishan", "北山街道", "Beishan Subdistrict", K.TOWNSHIP),
    ("longquan", "beishan", "龙泉镇", "Longquan Town", K.TOWNSHIP),
    ("shiqiao", "beishan", "石桥镇", "Shiqiao Town", K.TOWNSHIP),
    ("baishu", "beishan", "柏树乡", "Baishu Township", K.TOWNSHIP),
    ("qingshi", "city", "青石县委", "Qingshi County Committee", K.COUNTY),
    (
        "qingshi_org",
        "qingshi",
        "青石县委组织部",
        "Organization Department of Qingshi County",
        K.ORGANIZATION_DEPARTMENT,
    ),
    ("qingshi_town", "qingshi", "青石镇", "Qingshi Town", K.TOWNSHIP),
    ("hekou", "qingshi", "河口镇", "Hekou Town", K.TOWNSHIP),
    ("liulin", "qingshi", "柳林乡", "Liulin Township", K.TOWNSHIP),
    ("shimen", "qingshi", "石门乡", "Shimen Township", K.TOWNSHIP),
    ("baishui", "city", "白水县委", "Baishui County Committee", K.COUNTY),
    (
        "baishui_org",
        "baishui",
        "白水县委组织部",
        "Organization Department of Baishui County",
        K.ORGANIZATION_DEPARTMENT,
    ),
    ("baishui_town", "baishui", "白水镇", "Baishui Town", K.TOWNSHIP),
    ("shuanghe", "baishui", "双河镇", "Shuanghe Town", K.TOWNSHIP),
    ("yangliu", "baishui", "杨柳乡", "Yangliu Township", K.TOWNSHIP),
]

#: Titles with their English names.
TITLES = {
    "部长": "Head of Department",
    "常务副部长": "Executive Deputy Head",
    "干部监督科科长": "Chief of the Cadre Supervision Section",
    "局长": "Director",
    "副局长": "Deputy Director",
    "科长": "Section Chief",
    "政务服务科科长": "Chief of the Government Services Section",
    "县委常委、组织部部长": "County Standing Committee Member and Head of Organization",
    "党工委书记": "Party Working Committee Secretary",
    "办事处主任": "Director of the Subdistrict Office",
    "党委书记": "Party Secretary",
    "镇长": "Town Mayor",
    "副镇长": "Deputy Town Mayor",
    "乡长": "Township Head",
    "组织委员": "Organization Committee Member",
}

#: (name, English name, posts); a post is (unit key, title, started days ago, ended days ago).
#: Four tenures end within the year: three cadres moved units, one retired.
CADRES = [
    ("张卫东", "Zhang Weidong", [("org", "部长", 1500, None)]),
    ("李秀英", "Li Xiuying", [("org", "常务副部长", 1200, None)]),
    ("王志强", "Wang Zhiqiang", [("org", "干部监督科科长", 900, None)]),
    ("刘建华", "Liu Jianhua", [("hrss", "局长", 1300, None)]),
    ("陈晓明", "Chen Xiaoming", [("hrss", "副局长", 1000, None)]),
    ("杨丽娟", "Yang Lijuan", [("hrss", "科长", 700, None)]),
    ("赵国庆", "Zhao Guoqing", [("housing", "局长", 1600, None)]),
    ("黄海涛", "Huang Haitao", [("housing", "副局长", 1400, 211), ("approval", "局长", 210, None)]),
    ("周敏", "Zhou Min", [("housing", "科长", 800, None)]),
    ("吴永刚", "Wu Yonggang", [("market", "局长", 1100, None)]),
    ("徐静", "Xu Jing", [("market", "科长", 600, None)]),
    ("孙立新", "Sun Lixin", [("market", "副局长", 950, None)]),
    ("马俊峰", "Ma Junfeng", [("approval", "局长", 2000, 211)]),
    ("朱红梅", "Zhu Hongmei", [("approval", "政务服务科科长", 750, None)]),
    ("胡建军", "Hu Jianjun", [("education", "局长", 1250, None)]),
    ("郭晓燕", "Guo Xiaoyan", [("education", "副局长", 880, None)]),
    ("何文斌", "He Wenbin", [("yunzhong_org", "部长", 1050, None)]),
    ("高志远", "Gao Zhiyuan", [("gulou", "党工委书记", 990, None)]),
    ("林春华", "Lin Chunhua", [("gulou", "办事处主任", 820, None)]),
    (
        "罗德明",
        "Luo Deming",
        [("wenchang", "办事处主任", 1150, 151), ("linjiang_town", "镇长", 150, None)],
    ),
    ("郑玉兰", "Zheng Yulan", [("linjiang_org", "部长", 1020, None)]),
    ("梁振宇", "Liang Zhenyu", [("linjiang_town", "党委书记", 1180, None)]),
    ("谢晓东", "Xie Xiaodong", [("linjiang_town", "组织委员", 640, None)]),
    ("宋佳", "Song Jia", [("longquan", "镇长", 930, None)]),
    ("唐国华", "Tang Guohua", [("longquan", "组织委员", 560, None)]),
    ("许文静", "Xu Wenjing", [("qingshi_org", "县委常委、组织部部长", 1320, None)]),
    ("韩磊", "Han Lei", [("qingshi_town", "党委书记", 870, None)]),
    ("冯春燕", "Feng Chunyan", [("liulin", "乡长", 690, None)]),
    ("邓志刚", "Deng Zhigang", [("hekou", "副镇长", 1400, 301), ("shuanghe", "镇长", 300, None)]),
    ("曹丽萍", "Cao Liping", [("yangliu", "组织委员", 720, None)]),
]


@dataclass
class DemoCity:
    """The units by key, and every cadre's posts."""

    units: dict[str, Unit] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)

    def posts_in(self, unit: Unit, on: date) -> list[Post]:
        """Return the posts held in a unit on a day."""
        return [post for post in self.posts if post.unit is unit and post.held_on(on)]


def build_city(today: date) -> DemoCity:
    """Add the unit tree, the cadres and their posts; tenures are dated back from today."""
    city = DemoCity()
    siblings: dict[str | None, int] = {}
    for key, parent_key, name, name_en, kind in UNITS:
        parent = city.units.get(parent_key) if parent_key else None
        siblings[parent_key] = siblings.get(parent_key, 0) + 1
        city.units[key] = _add_unit(name, name_en, kind, parent, siblings[parent_key])
    for name, name_en, posts in CADRES:
        cadre = Cadre(name=name, name_en=name_en)
        db.session.add(cadre)
        for unit_key, title, started, ended in posts:
            city.posts.append(_add_post(cadre, city.units[unit_key], title, today, started, ended))
    db.session.flush()
    return city


def _add_unit(name: str, name_en: str, kind: UnitKind, parent: Unit | None, order: int) -> Unit:
    # The path holds the unit's own id, known only once the row is inserted.
    unit = Unit(name=name, name_en=name_en, kind=kind, parent=parent, path=f"/pending-{name}/")
    unit.sort_order = order
    db.session.add(unit)
    db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    return unit


def _add_post(
    cadre: Cadre, unit: Unit, title: str, today: date, started: int, ended: int | None
) -> Post:
    post = Post(
        cadre=cadre,
        unit=unit,
        title=title,
        title_en=TITLES[title],
        starts_on=today - timedelta(days=started),
        ends_on=today - timedelta(days=ended) if ended is not None else None,
    )
    db.session.add(post)
    return post
