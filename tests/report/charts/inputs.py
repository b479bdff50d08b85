"""The frames the report layer feeds the charts (realistic shapes and labels), and all four charts drawn
from them."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from sectorscope.report.charts import (
    elasticity_bars_svg,
    market_fan_svg,
    partner_shares_svg,
    rank_intervals_svg,
    trl_quadrant_svg,
)

EMPTY = pd.DataFrame()

CJK_LABELS = st.text(alphabet=st.sampled_from(list("市场规模传感器微机械成像仪热红外长三角珠江中游 MEMSabc0123()-、$_^\\{}<&")),
                     min_size=1, max_size=40)


def history() -> pd.DataFrame:
    return pd.DataFrame({"year": [2019, 2020, 2021, 2022, 2023, 2024],
                         "value": [420.0, 455.0, 510.0, 560.0, 600.0, 668.0]})


def forecast() -> pd.DataFrame:
    years = np.arange(2025, 2030)
    mean = 668 * 1.09 ** (years - 2024)
    w = 0.03 * (years - 2024) * mean
    return pd.DataFrame({"year": years, "mean": mean, "lo80": mean - w, "hi80": mean + w,
                         "lo95": mean - 1.6 * w, "hi95": mean + 1.6 * w})


def reported() -> pd.DataFrame:
    return pd.DataFrame({"year": [2025, 2027, 2029, 2026], "value": [730.0, 880.0, 1050.0, 800.0],
                         "label": ["报告甲", "报告甲", "报告甲", "调研报告乙"]})


def elasticity() -> pd.DataFrame:
    return pd.DataFrame({
        "label": ["MEMS 压力传感器", "MEMS 惯性传感器(加速度计与陀螺仪)用于消费电子和汽车电子的高端型号",
                  "红外热成像仪", "微流控芯片", "显微成像仪器", "工业内窥镜"],
        "tier": [None, "高端", "中端", None, "低端", None],
        "value": [0.42, 1.15, -0.35, 0.05, -0.9, 0.6],
        "low": [0.2, 0.8, -0.6, -0.2, -1.3, 0.4],
        "high": [0.6, 1.4, -0.1, 0.3, -0.5, 0.9],
    })


def technologies() -> pd.DataFrame:
    return pd.DataFrame({
        "label": ["MEMS 麦克风", "硅基微镜", "压电 MEMS 超声换能器", "非制冷红外焦平面", "太赫兹成像", "微型光谱仪",
                  "量子点成像芯片", "晶圆级封装", "边缘 AI 视觉模组", "微纳 3D 打印"],
        "trl": [9, 6, 5, 8, 3, 6, 4, 8, 7, 3],
        "demand": [0.8, 0.55, 0.62, 0.7, 0.3, 0.45, 0.58, 0.4, 0.9, np.nan],
        "demand_low": [0.7, 0.45, 0.5, 0.6, 0.2, 0.38, 0.52, 0.3, 0.85, np.nan],
        "demand_high": [0.88, 0.66, 0.7, 0.8, 0.42, 0.52, 0.68, 0.48, 0.95, np.nan],
        "quadrant": ["scale_up", "scale_up", "fund_rnd", "scale_up", "drop", "watch", "fund_rnd", "watch",
                     "scale_up", "unrated"],
    })


def regions() -> pd.DataFrame:
    # deliberately not in rank order: the chart sorts
    return pd.DataFrame({
        "label": ["京津冀", "长三角", "东北地区", "珠三角", "成渝地区", "长江中游城市群", "山东半岛", "关中平原"],
        "score": [0.70, 0.82, 0.30, 0.78, 0.55, 0.52, 0.50, 0.38],
        "score_low": [0.60, 0.74, 0.22, 0.69, 0.45, 0.43, 0.40, 0.30],
        "score_high": [0.80, 0.90, 0.40, 0.86, 0.65, 0.62, 0.60, 0.47],
        "rank": [3, 1, 8, 2, 4, 5, 6, 7],
        "rank_low": [2, 1, 7, 1, 3, 3, 3, 6],
        "rank_high": [4, 2, 8, 3, 6, 7, 7, 8],
    })


def all_charts(lang: str = "zh") -> dict[str, str]:
    zh = lang == "zh"
    return {
        "fan": market_fan_svg(history(), forecast(), reported(),
                              title="MEMS 市场规模及预测" if zh else "MEMS market",
                              unit="亿元" if zh else "100 million yuan", lang=lang),
        "bars": elasticity_bars_svg(elasticity(), title="各产品供需弹性指数" if zh else "Elasticity", lang=lang,
                                    limit=0.8),
        "trl": trl_quadrant_svg(technologies(), title="关键技术 TRL × 需求四象限" if zh else "TRL × demand",
                                lang=lang),
        "rank": rank_intervals_svg(regions(), title="区域产业竞争力指数及排名区间" if zh else "Regions", lang=lang),
        "partners": partner_shares_svg(partner_bars(), title="进口来源" if zh else "Import sources", lang=lang),
    }


def partner_bars() -> list[dict]:
    """Three markets' largest import sources (%): Japan in all three, a long CJK label, a bar with no rest."""
    return [
        {"label": "缩微机械 · 微型电机类商品(2025)", "parts": [("日本", 40.0), ("德国", 25.0), ("美国", 16.4)]},
        {"label": "成像仪 · 高端成像设备与医学影像设备及其零部件(2025)", "parts": [("美国", 30.0), ("日本", 20.0)]},
        {"label": "MEMS(2025)", "parts": [("日本", 60.0), ("韩国", 40.0)]},
    ]
