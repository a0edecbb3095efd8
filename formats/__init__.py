"""Numbers as officials read them: money in 元 with separators, 万元/亿元, 大写, tonnes, hectares.

The ground floor, like graphics: it imports no app and no config (only the
table of places, ledger.commodities, which is plain constants), so pages,
admin, statements and e-mails of every app format the same way.
"""
