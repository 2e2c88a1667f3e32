"""Beijing's administrative divisions, as the gazette names the bodies that act."""

from __future__ import annotations

from enum import StrEnum


class District(StrEnum):
    """The sixteen districts and the Economic-Technological Development Area (经开区)."""

    DONGCHENG = "dongcheng"
    XICHENG = "xicheng"
    CHAOYANG = "chaoyang"
    HAIDIAN = "haidian"
    FENGTAI = "fengtai"
    SHIJINGSHAN = "shijingshan"
    MENTOUGOU = "mentougou"
    FANGSHAN = "fangshan"
    TONGZHOU = "tongzhou"
    SHUNYI = "shunyi"
    CHANGPING = "changping"
    DAXING = "daxing"
    HUAIROU = "huairou"
    PINGGU = "pinggu"
    MIYUN = "miyun"
    YANQING = "yanqing"
    DEVELOPMENT_AREA = "development-area"

    @property
    def chinese_name(self) -> str:
        return _CHINESE_NAMES[self]


_CHINESE_NAMES: dict[District, str] = {
    District.DONGCHENG: "东城区",
    District.XICHENG: "西城区",
    District.CHAOYANG: "朝阳区",
    District.HAIDIAN: "海淀区",
    District.FENGTAI: "丰台区",
    District.SHIJINGSHAN: "石景山区",
    District.MENTOUGOU: "门头沟区",
    District.FANGSHAN: "房山区",
    District.TONGZHOU: "通州区",
    District.SHUNYI: "顺义区",
    District.CHANGPING: "昌平区",
    District.DAXING: "大兴区",
    District.HUAIROU: "怀柔区",
    District.PINGGU: "平谷区",
    District.MIYUN: "密云区",
    District.YANQING: "延庆区",
    District.DEVELOPMENT_AREA: "北京经济技术开发区",
}
