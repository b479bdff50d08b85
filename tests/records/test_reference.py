"""The hand-written reference tables and the country names (pycountry zh_CN, customs' own names first)."""
from __future__ import annotations

from sectorscope.records import reference as ref

# the codes plan19.md §2 lists as confirmed in several independent copies of the 国别(地区)代码表
PLAN_CODES = {
    "110": ("中国香港", "HKG"), "116": ("日本", "JPN"), "121": ("中国澳门", "MAC"), "122": ("马来西亚", "MYS"),
    "132": ("新加坡", "SGP"), "133": ("韩国", "KOR"), "136": ("泰国", "THA"), "141": ("越南", "VNM"),
    "142": ("中国", "CHN"), "143": ("中国台湾", "TWN"), "199": ("亚洲其他国家(地区)", None),
    "301": ("比利时", "BEL"), "303": ("英国", "GBR"), "304": ("德国", "DEU"), "305": ("法国", "FRA"),
    "309": ("荷兰", "NLD"), "344": ("俄罗斯联邦", "RUS"), "501": ("加拿大", "CAN"), "502": ("美国", "USA"),
    "601": ("澳大利亚", "AUS"), "701": ("国(地)别不详的", None), "702": ("联合国及机构和国际组织", None),
}


def test_every_code_of_the_plan_is_in_the_partner_table():
    table = ref.customs_partners()
    assert {c: (table[c].name_zh, table[c].iso3) for c in PLAN_CODES} == PLAN_CODES
    assert (table["199"].kind, table["701"].kind, table["702"].kind, table["143"].kind) == (
        "residual", "unknown", "org", "territory")
    assert {p.continent for c, p in table.items() if c.startswith("3")} == {"europe"}


def test_partner_table_is_consistent():
    import pycountry

    table = ref.customs_partners()
    for code, p in table.items():
        assert code.isdigit() and len(code) == 3
        assert p.kind in {"country", "territory", "residual", "unknown", "org"}
        assert (p.iso3 is None) == (p.kind in {"residual", "unknown", "org"})
        if p.iso3:
            assert pycountry.countries.get(alpha_3=p.iso3) is not None, code
    iso = [p.iso3 for p in table.values() if p.iso3]
    assert len(iso) == len(set(iso))
    rows = ref.reference_rows("customs_partners")
    assert all(r["evidence"] for r in rows) and len(rows) == len(table)


def test_partner_by_name_knows_aliases():
    assert ref.partner_by_name("台澎金马关税区").code == "143"
    assert ref.partner_by_name("中国台湾").code == "143"
    assert ref.partner_by_name("火星") is None


def test_country_names_in_chinese_and_english():
    assert ref.country_name("JP") == "日本"
    assert ref.country_name("DE") == "德国"
    assert ref.country_name("KR") == "韩国"  # the customs table's name (pycountry's zh_CN says 大韩民国)
    assert ref.country_name("TW") == "中国台湾"  # customs' name, not pycountry's 中国台湾省
    assert ref.country_name("HKG") == "中国香港"
    assert ref.country_name("FJ") == "斐济"  # not in the customs table: pycountry's zh_CN
    assert ref.country_name("DEU", "en") == "Germany"
    assert ref.country_name("XX") is None


def test_pycountry_zh_cn_as_it_is():
    import gettext

    import pycountry

    t = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, ["zh_CN"])
    assert t.gettext(pycountry.countries.get(alpha_2="KR").name) == "大韩民国"


def test_m49_to_iso3():
    assert ref.iso3_from_m49("392") == "JPN"
    assert ref.iso3_from_m49("36") == "AUS"
    assert ref.iso3_from_m49("842") == "USA"  # Comtrade's code for the USA, not ISO's 840
    assert ref.iso3_from_m49("0") is None


def test_provinces_are_the_31_of_gb_t_2260():
    p = ref.provinces()
    assert len(p) == 31
    assert (p["11"].name_zh, p["44"].name_zh, p["65"].short_zh) == ("北京市", "广东省", "新疆")
    assert [ref.province_code(x) for x in ("44", "广东省", "广东", "440000", "99", "香港")] == [
        "44", "44", "44", "44", None, None]


def test_trade_mode_categories():
    assert [ref.trade_mode_category(x) for x in ("一般贸易", "进料加工贸易", "0214", "保税监管场所进出境货物",
                                                 "边境小额贸易", "不存在")] == [
        "general", "processing", "processing", "bonded_logistics", "other", None]
    assert {m.category for m in ref.trade_modes().values()} == {"general", "processing", "bonded_logistics", "other"}
