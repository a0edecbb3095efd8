from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.views import (
    auth,
    cascade,
    credits,
    geo,
    horizontal,
    ledger,
    passthrough,
    settlement,
    supervision,
    valuation,
)

router = DefaultRouter()
router.register("regions", geo.RegionViewSet, basename="region")
router.register("pilots", geo.PilotViewSet, basename="pilot")
router.register("zones", geo.ZoneViewSet, basename="zone")
router.register("land-cover", geo.LandCoverViewSet, basename="landcover")
router.register("methodologies", valuation.MethodologyViewSet, basename="methodology")
router.register(
    "methodology-versions", valuation.MethodologyVersionViewSet, basename="methodologyversion"
)
router.register("prices", valuation.PriceViewSet, basename="price")
router.register("valuations", valuation.ValuationViewSet, basename="valuation")
router.register(
    "sink-verifications", valuation.SinkVerificationViewSet, basename="sinkverification"
)
router.register("allocation-methods", cascade.AllocationMethodViewSet, basename="allocationmethod")
router.register("cascade-tiers", cascade.CascadeTierViewSet, basename="cascadetier")
router.register("region-indicators", cascade.RegionIndicatorViewSet, basename="regionindicator")
router.register("agreements", horizontal.AgreementViewSet, basename="agreement")
router.register("monitoring", horizontal.MonitoringViewSet, basename="monitoring")
router.register("runs", settlement.RunViewSet, basename="run")
router.register("transfers", settlement.TransferViewSet, basename="transfer")
router.register("statements", settlement.StatementViewSet, basename="statement")
router.register("credit-projects", credits.CreditProjectViewSet, basename="creditproject")
router.register("credit-holders", credits.CreditHolderViewSet, basename="creditholder")
router.register("credit-batches", credits.BatchViewSet, basename="batch")
router.register("credit-blocks", credits.BlockViewSet, basename="block")
router.register("ledger/accounts", ledger.AccountViewSet, basename="account")
router.register("ledger/balances", ledger.BalanceViewSet, basename="balance")
router.register("ledger/entries", ledger.EntryViewSet, basename="entry")
router.register("ledger/postings", ledger.PostingViewSet, basename="posting")
router.register("ledger/period-closes", ledger.PeriodCloseViewSet, basename="periodclose")
router.register(
    "ledger/balance-assertions", ledger.BalanceAssertionViewSet, basename="balanceassertion"
)
router.register("alerts", supervision.AlertViewSet, basename="alert")
router.register("recipients", passthrough.RecipientViewSet, basename="recipient")
router.register("sub-allocation-plans", passthrough.PlanViewSet, basename="suballocationplan")
router.register("payments", passthrough.PaymentViewSet, basename="payment")
router.register("payment-matches", passthrough.MatchViewSet, basename="paymentmatch")
router.register("obligations", passthrough.ObligationViewSet, basename="obligation")
router.register("change-detections", supervision.ChangeDetectionViewSet, basename="changedetection")

urlpatterns = [
    path("v1/auth/token/", auth.TokenView.as_view(), name="token"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]
