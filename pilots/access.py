"""Who may see which region's data: the one place every admin list, page, download and API asks.

Officials of the roles that view everything (finance, ecology, auditors) and
superusers see every region. A pilot operator sees the regions assigned to
them (pilots.OperatorAssignment) and nothing else: another region's object
is "not found", never "forbidden", so its existence is not revealed.
"""

from django.db.models import Q, QuerySet

from config.roles import OPERATOR, VIEWS_EVERYTHING

ALL = None  # region_codes_of() for users who see every region


def sees_every_region(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name__in=VIEWS_EVERYTHING).exists()


def is_operator(user) -> bool:
    return bool(user and user.is_authenticated and user.groups.filter(name=OPERATOR).exists())


def region_codes_of(user) -> set[str] | None:
    """The region codes `user` may see, or ALL (None) for officials; empty for anyone else."""
    if sees_every_region(user):
        return ALL
    if not is_operator(user) or not user.is_active:
        return set()
    from pilots.models import OperatorAssignment

    return set(OperatorAssignment.objects.filter(user=user).values_list("region__code", flat=True))


def can_view_region(user, region_code: str | None) -> bool:
    """`region_code` None stands for data of no single region (a run's summary)."""
    codes = region_codes_of(user)
    return codes is ALL or (region_code is not None and region_code in codes)


def scoped(queryset: QuerySet, user, *region_paths: str) -> QuerySet:
    """`queryset` limited to rows whose region (at any of `region_paths`, codes) the user sees."""
    codes = region_codes_of(user)
    if codes is ALL:
        return queryset
    condition = Q(pk__in=[])
    for path in region_paths:
        condition |= Q(**{f"{path}__in": codes})
    return queryset.filter(condition).distinct()


def region_or_404(user, code: str):
    """The region `code` if `user` may see it; otherwise "not found", as if it did not exist."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from pilots.models import Region

    region = get_object_or_404(Region, code=code)
    if not can_view_region(user, code):
        raise Http404
    return region
