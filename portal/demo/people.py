"""Reporters of the demo: plausible, made-up names and contact details."""

from __future__ import annotations

import random

from portal.services.intake import ContactDetails

#: (surname, pinyin)
SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("赵", "zhao"),
    ("黄", "huang"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("孙", "sun"),
    ("朱", "zhu"),
    ("何", "he"),
    ("罗", "luo"),
    ("蒋", "jiang"),
]
#: (given name, pinyin)
GIVEN_NAMES = [
    ("丽华", "lihua"),
    ("建平", "jianping"),
    ("秀兰", "xiulan"),
    ("海燕", "haiyan"),
    ("志明", "zhiming"),
    ("春梅", "chunmei"),
    ("德福", "defu"),
    ("晓光", "xiaoguang"),
    ("桂芳", "guifang"),
    ("宏伟", "hongwei"),
    ("淑珍", "shuzhen"),
    ("刚", "gang"),
    ("敏", "min"),
    ("涛", "tao"),
    ("玉梅", "yumei"),
    ("文军", "wenjun"),
]
ROADS = ["人民路", "解放路", "文昌路", "滨江大道", "建设路", "中山路", "北山路", "青石街"]
#: Mobile prefixes of the three carriers.
PHONE_PREFIXES = ["138", "139", "135", "150", "158", "186", "188", "133", "177", "199"]


def contact_for(rng: random.Random, district: str) -> ContactDetails:
    """Return a made-up reporter with a phone, and sometimes an e-mail and an address."""
    surname, surname_pinyin = rng.choice(SURNAMES)
    given, given_pinyin = rng.choice(GIVEN_NAMES)
    phone = rng.choice(PHONE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))
    email = address = ""
    if rng.random() < 0.3:
        email = f"{surname_pinyin}{given_pinyin}{rng.randint(60, 99)}@example.com"
    if rng.random() < 0.4:
        address = (
            f"{district}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
            f"{rng.randint(1, 12)}栋{rng.randint(1, 4)}单元{rng.randint(101, 1802)}室"
        )
    return ContactDetails(name=surname + given, phone=phone, email=email, address=address)
