"""Compensation's admin, one module per concern; Django imports this package to register them."""

from compensation.admin import channels, credits, valuation

__all__ = ["channels", "credits", "valuation"]
