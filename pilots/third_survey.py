"""Third National Land Survey (第三次全国国土调查, 三调) land-use data as departments hand it over.

A 三调 land-use layer (地类图斑, DLTB) names each parcel's class by its second-level
code (地类编码, DLBM), sometimes with a suffix: K marks land that may be restored to
cropland (可调整地类, e.g. 0201K 可调整果园), A an aquaculture pond (1104A 养殖坑塘).
Valuation uses the first-level working classes (工作分类), and these are not always
the first two digits: 1106 内陆滩涂 is 00 湿地 in the working classification, where
GB/T 21010-2017 puts it under 11 水域及水利设施用地.

Source: 《第三次全国国土调查技术规程》(TD/T 1055-2019), appendix A, 第三次全国国土调查
工作分类; field names from its 地类图斑 (DLTB) attribute table.
"""

# DLBM (second level) -> (working class, name)
WORKING_CLASSES = {
    "0303": ("00", "红树林地"),
    "0304": ("00", "森林沼泽"),
    "0306": ("00", "灌丛沼泽"),
    "0402": ("00", "沼泽草地"),
    "0603": ("00", "盐田"),
    "1105": ("00", "沿海滩涂"),
    "1106": ("00", "内陆滩涂"),
    "1108": ("00", "沼泽地"),
    "0101": ("01", "水田"),
    "0102": ("01", "水浇地"),
    "0103": ("01", "旱地"),
    "0201": ("02", "果园"),
    "0202": ("02", "茶园"),
    "0203": ("02", "橡胶园"),
    "0204": ("02", "其他园地"),
    "0301": ("03", "乔木林地"),
    "0302": ("03", "竹林地"),
    "0305": ("03", "灌木林地"),
    "0307": ("03", "其他林地"),
    "0401": ("04", "天然牧草地"),
    "0403": ("04", "人工牧草地"),
    "0404": ("04", "其他草地"),
    "05H1": ("05", "商业服务业设施用地"),
    "0508": ("05", "物流仓储用地"),
    "0601": ("06", "工业用地"),
    "0602": ("06", "采矿用地"),
    "0701": ("07", "城镇住宅用地"),
    "0702": ("07", "农村宅基地"),
    "08H1": ("08", "机关团体新闻出版用地"),
    "08H2": ("08", "科教文卫用地"),
    "0809": ("08", "公用设施用地"),
    "0810": ("08", "公园与绿地"),
    "09": ("09", "特殊用地"),
    "1001": ("10", "铁路用地"),
    "1002": ("10", "轨道交通用地"),
    "1003": ("10", "公路用地"),
    "1004": ("10", "城镇村道路用地"),
    "1005": ("10", "交通服务场站用地"),
    "1006": ("10", "农村道路"),
    "1007": ("10", "机场用地"),
    "1008": ("10", "港口码头用地"),
    "1009": ("10", "管道运输用地"),
    "1101": ("11", "河流水面"),
    "1102": ("11", "湖泊水面"),
    "1103": ("11", "水库水面"),
    "1104": ("11", "坑塘水面"),
    "1107": ("11", "沟渠"),
    "1109": ("11", "水工建筑用地"),
    "1110": ("11", "冰川及永久积雪"),
    "1201": ("12", "空闲地"),
    "1202": ("12", "设施农用地"),
    "1203": ("12", "田坎"),
    "1204": ("12", "盐碱地"),
    "1205": ("12", "沙地"),
    "1206": ("12", "裸土地"),
    "1207": ("12", "裸岩石砾地"),
}
# Suffixes the survey appends to a code: 可调整 (restorable to cropland), 养殖 / 高教.
SUFFIXES = {"K": "可调整", "A": "养殖或高教"}
# The deduction for field ridges (田坎) that 三调 books out of cropland parcels, and the
# working class (and GB/T 21010 first level) it is booked to: 12 其他土地.
FIELD_RIDGE = "1203"
FIELD_RIDGE_CLASS = "12"

# The DLTB attribute table's standard fields (TD/T 1055-2019), ours -> theirs.
DLTB_FIELDS = {
    "code": "DLBM",  # 地类编码
    "identifier": "BSM",  # 标识码
    "located_in": "ZLDWDM",  # 坐落单位代码
    "owned_by": "QSDWDM",  # 权属单位代码
    "official_area_m2": "TBMJ",  # 图斑面积 (m², on the ellipsoid)
    "deduction_code": "KCDLBM",  # 扣除地类编码 (1203 田坎)
    "deduction_rate": "KCXS",  # 扣除地类系数
    "deduction_m2": "KCMJ",  # 扣除地类面积
    "net_area_m2": "TBDLMJ",  # 图斑地类面积 = TBMJ − KCMJ
    "survey_year": "SJNF",  # 数据年份, where the layer has it
}


class UnknownCode(ValueError):
    """The code is not a 三调 land-use code (DLBM)."""


def working_class(code: str) -> tuple[str, str]:
    """(working class, suffix) of a DLBM such as `0201K` -> ("02", "K"), `1106` -> ("00", "").

    A first-level code (`03`, or `3`) is its own class. Raises UnknownCode.
    """
    text = code.strip().upper()
    if text.isdigit() and len(text) <= 2:
        return text.zfill(2), ""
    for length in (4, 2):
        base, suffix = text[:length], text[length:]
        if base in WORKING_CLASSES and (suffix == "" or suffix in SUFFIXES):
            return WORKING_CLASSES[base][0], suffix
    raise UnknownCode(code)


def suffix_of(code: str) -> str:
    """The suffix of a stored DLBM (K, A) or "" when it has none or is not a 三调 code."""
    try:
        return working_class(code)[1]
    except UnknownCode:
        return ""


def gbt21010_class(code: str) -> str:
    """GB/T 21010-2017 first level: the first two digits of any level's code."""
    text = code.strip()
    return text.zfill(2) if len(text) <= 2 else text[:2]
