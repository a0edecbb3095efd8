"""Pass-through to final recipients (补偿资金拨付到户): who below the region protects the land,
how a region passes a posted run's receipts on to them, and whether it did."""
