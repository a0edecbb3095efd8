"""Compensation's admin, one module per concern; Django imports this package to register them."""

from compensation.admin import channels, credits, settlement, sinks, statements, valuation

__all__ = ["channels", "credits", "settlement", "sinks", "statements", "valuation"]
