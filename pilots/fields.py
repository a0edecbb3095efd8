"""The model field for areas in hectares, typed once (the area sibling of `ledger.fields`).

Hectares are kept to 4 places, one square metre; `compensation.quantities.hectares`
rounds to the same places.
"""

from django.db import models

HECTARE_PLACES = 4


class HectaresField(models.DecimalField):
    """An area in hectares (公顷), ellipsoidal, to the square metre: numeric(14, 4)."""

    def __init__(self, *args, **kwargs):
        if "decimal_places" in kwargs or "max_digits" in kwargs:
            raise TypeError("HectaresField is numeric(14, 4); its shape is not an argument.")
        super().__init__(*args, max_digits=14, decimal_places=HECTARE_PLACES, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        del kwargs["max_digits"], kwargs["decimal_places"]
        return name, path, args, kwargs
