"""Who may see which region's data: the one place every view, download and API asks.

Officials of the roles that view everything (finance, ecology, auditors) and
superusers see every region. Pilot operators will see their own regions once
their assignments exist (issue "Roles, permissions and the officials'
interface"); until then they see none.
"""

from config.roles import VIEWS_EVERYTHING


def sees_every_region(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name__in=VIEWS_EVERYTHING).exists()


def can_view_region(user, region_code: str | None) -> bool:
    """`region_code` None means data of no single region (a run's summary)."""
    return sees_every_region(user)
