"""Compensation's admin, one module per concern; Django imports this package to register them."""

from compensation.admin import cascade, channels, credits, settlement, sinks, statements, valuation

__all__ = ["cascade", "channels", "credits", "settlement", "sinks", "statements", "valuation"]
