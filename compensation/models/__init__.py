"""Compensation's models, one module per concern; import them from here."""

from compensation.models.cascade import (
    AllocationMethod,
    CascadeTier,
    MethodAdjustment,
    MethodFactor,
    RegionIndicator,
)
from compensation.models.horizontal import (
    Agreement,
    AgreementParty,
    AgreementRound,
    IndexWeight,
    MonitoringRecord,
    Pollutant,
)
from compensation.models.market import (
    CreditBlock,
    CreditHolder,
    CreditOperation,
    CreditProject,
    IssuanceBatch,
)
from compensation.models.settlement import RunChunk, RunTransfer, RunTransition, SettlementRun
from compensation.models.sinks import SinkVerification
from compensation.models.statements import Statement
from compensation.models.valuation import (
    CarbonMarket,
    CarbonPrice,
    EmissionInventory,
    Methodology,
    MethodologyVersion,
    RegionPosition,
    SinkCoefficient,
    Valuation,
    ValuationLine,
    ZoneOverlap,
)
from compensation.models.vertical import (
    AssessmentRule,
    EcologicalIndex,
    RegionFiscalData,
    SubsidyTier,
    VerticalParameters,
)

__all__ = [
    "Agreement",
    "AgreementParty",
    "AgreementRound",
    "AllocationMethod",
    "AssessmentRule",
    "CarbonMarket",
    "CarbonPrice",
    "CascadeTier",
    "CreditBlock",
    "CreditHolder",
    "CreditOperation",
    "CreditProject",
    "EcologicalIndex",
    "EmissionInventory",
    "IndexWeight",
    "IssuanceBatch",
    "MethodAdjustment",
    "MethodFactor",
    "Methodology",
    "MethodologyVersion",
    "MonitoringRecord",
    "Pollutant",
    "RegionFiscalData",
    "RegionIndicator",
    "RegionPosition",
    "RunChunk",
    "RunTransfer",
    "RunTransition",
    "SettlementRun",
    "SinkCoefficient",
    "SinkVerification",
    "Statement",
    "SubsidyTier",
    "Valuation",
    "ValuationLine",
    "VerticalParameters",
    "ZoneOverlap",
]
