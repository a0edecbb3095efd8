import pytest

from pilots.regions import load_regions

XINAN = ["340000", "3410", "330000", "330100", "330127"]


@pytest.fixture
def xinan(db):
    """Real boundaries: Anhui, 黄山市 and its counties; Zhejiang, 杭州市, 淳安县."""
    return load_regions(prefixes=XINAN)
