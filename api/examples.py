"""Examples for the OpenAPI schema: the Xin'an River pilot (新安江), as the test data has it."""

from drf_spectacular.utils import OpenApiExample


def example(name, value, **kwargs) -> OpenApiExample:
    return OpenApiExample(name, value=value, **kwargs)


def request(name, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


def response(name, value, status_code=None) -> OpenApiExample:
    extra = {"status_codes": [str(status_code)]} if status_code else {}
    return OpenApiExample(name, value=value, response_only=True, **extra)


HUANGSHAN = "341000"
FEATURE_GEOMETRY = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[118.1, 29.7], [118.11, 29.7], [118.11, 29.71], [118.1, 29.71], [118.1, 29.7]]]
    ],
}

REGION = response(
    "Huangshan",
    {
        "code": HUANGSHAN,
        "name": "黄山市",
        "name_en": "Huangshan",
        "level": "city",
        "area_km2": "9678.412",
    },
)
PILOT = response(
    "Xin'an pilot",
    {
        "id": 1,
        "name": "新安江试点",
        "description": "",
        "start_date": "2023-01-01",
        "end_date": "2026-12-31",
        "vertical": True,
        "horizontal": True,
        "market": True,
        "settlement_frequency": "yearly",
        "status": "active",
        "regions": ["330127", HUANGSHAN],
    },
)
ZONE = response(
    "Red-line zone",
    {
        "id": 7,
        "type": "Feature",
        "geometry": FEATURE_GEOMETRY,
        "properties": {
            "region": HUANGSHAN,
            "kind": "ecological_red_line",
            "name": "黄山风景区",
            "area_km2": "1.000",
            "planning_version": 3,
        },
    },
)
LAND_COVER = response(
    "Forest polygon",
    {
        "id": 41,
        "type": "Feature",
        "geometry": FEATURE_GEOMETRY,
        "properties": {
            "region": HUANGSHAN,
            "land_use": "03",
            "scheme": "gbt21010-2017",
            "survey_year": 2023,
            "area_km2": "1.000",
            "source": "third national land survey",
            "synthetic": False,
        },
    },
)
METHODOLOGY = response(
    "Forest sink",
    {"id": 1, "name": "IPCC Tier 1 forest sink", "description": "", "versions": [2, 1]},
)
METHODOLOGY_VERSION = response(
    "Version 2",
    {
        "id": 2,
        "methodology": 1,
        "version": 2,
        "scheme": "gbt21010-2017",
        "unit": "tC/ha/yr",
        "valid_from": "2024-01-01",
        "valid_to": None,
        "citation": "2006 IPCC Guidelines, Vol. 4 (AFOLU)",
        "url": "https://www.ipcc-nggip.iges.or.jp/public/2006gl/vol4.html",
        "published": True,
        "coefficients": [{"land_use_code": "03", "value": "1.0636"}],
    },
)
PRICE = response(
    "CEA price",
    {
        "id": 12,
        "market": "CEA",
        "date": "2024-12-31",
        "price": "97.49",
        "currency": "CNY",
        "source": "Shanghai Environment and Energy Exchange closing price",
    },
)
VALUATION = response(
    "2024 valuation",
    {
        "id": 5,
        "programme": 1,
        "year": 2024,
        "methodology_version": 2,
        "price": 12,
        "price_per_tco2e": "97.49",
        "adjustment": "1.0000",
        "inputs": {HUANGSHAN: {"planning_version": 3, "land_cover": [2023]}},
        "code_version": "1f0c2ab",
        "input_hash": "9c4e…",
        "current": True,
        "supersedes": None,
        "created_at": "2025-01-15T09:30:00+08:00",
    },
)
VALUATION_LINE = response(
    "Forest in a red-line zone",
    {
        "id": 88,
        "zone": 7,
        "region": HUANGSHAN,
        "protected": True,
        "land_use_code": "03",
        "area_ha": "256.4103",
        "coefficient_tco2e": "3.9000000000",
        "tco2e": "1000.000",
    },
)
POSITION = response(
    "Protector",
    {
        "region": HUANGSHAN,
        "sink_tco2e": "1000.000",
        "emission_tco2e": "100.000",
        "emission_reported": False,
        "net_tco2e": "900.000",
        "increment_tco2e": None,
        "value_cny": "87741.00",
        "role": "protector",
    },
)
ALLOCATION_METHOD = response(
    "A province's illustrative method",
    {
        "id": 2,
        "name": "安徽省重点生态功能区转移支付分配办法（示意）",
        "version": 1,
        "issuer": "340000",
        "budget_cap": "60000000.00",
        "illustrative": True,
        "source": "演示用示意数值，非官方统计",
        "published": True,
        "factors": [
            {"kind": "red-line-share", "basis": "share", "weight": "0.600000", "source": ""},
            {"kind": "water-quality", "basis": "share", "weight": "0.400000", "source": ""},
        ],
        "adjustments": [{"change": "slight-worse", "percent": "-10.00"}],
    },
)
CASCADE_TIER = response(
    "安徽省 passes its share on to its counties",
    {
        "id": 2,
        "programme": 1,
        "year": 2025,
        "level": 2,
        "payer": "340000",
        "method": 2,
        "recipients": [HUANGSHAN],
    },
)
REGION_INDICATOR = response(
    "A fiscal gap with its source",
    {
        "id": 7,
        "region": HUANGSHAN,
        "year": 2025,
        "kind": "fiscal-gap",
        "value": "1250000000.0000",
        "source": "安徽省财政厅 2025 年标准收支测算",
    },
)
AGREEMENT = response(
    "Xin'an agreement",
    {
        "id": 3,
        "programme": 1,
        "name": "新安江流域横向补偿协议",
        "rule": "water-quality",
        "description": "",
        "carbon_market": None,
        "carbon_adjustment": "1.0000",
        "deficit_cap_share": "1.0000",
        "parties": [
            {
                "region": HUANGSHAN,
                "side": "upstream",
                "contribution_ratio": "0.0000",
                "allocation_ratio": "0.0000",
                "section": "街口",
            },
            {
                "region": "330127",
                "side": "downstream",
                "contribution_ratio": "0.0000",
                "allocation_ratio": "0.0000",
                "section": "",
            },
        ],
        "rounds": [
            {
                "id": 4,
                "name": "2024–2026",
                "start_year": 2024,
                "end_year": 2026,
                "amount": "100000000.00",
                "central_top_up": "0.00",
                "stability_coefficient": "0.8500",
                "weights": [{"pollutant": "TP", "weight": "0.2500", "baseline_mg_l": "0.0200"}],
            }
        ],
    },
)
MONITORING = response(
    "TP at Jiekou",
    {
        "id": 31,
        "agreement": 3,
        "year": 2024,
        "section": "街口",
        "pollutant": "TP",
        "value": "0.01800",
        "unit": "mg/L",
        "source": "means-2024.csv",
    },
)
MONITORING_CREATED = response("Recorded", MONITORING.value, 201)  # listed by the schema
RUN = response(
    "Posted run",
    {
        "id": 9,
        "programme": 1,
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "kind": "regular",
        "name": "",
        "status": "statements",
        "progress": {"done": 3, "total": 3},
        "error": "",
        "summary": {"transfers": 6, "previous_run": None},
        "started_by": 2,
        "approved_by": 3,
        "created_at": "2025-01-20T10:00:00+08:00",
        "posted_at": "2025-01-21T15:00:00+08:00",
    },
)
START_RUN = request(
    "Start the 2024 run", {"programme": 1, "period": "2024", "reason": "annual settlement"}
)
RUN_STARTED = response(
    "Calculating",
    {
        **RUN.value,
        "status": "calculating",
        "progress": {"done": 0, "total": 3},
        "summary": {},
        "approved_by": None,
        "posted_at": None,
    },
    202,
)
REASON = request("Reason", {"reason": "figures checked against the 2024 budget"})
RUN_POSTING = response(
    "Queued for posting", {**RUN.value, "status": "approved", "posted_at": None}, 202
)
MONITORING_UPLOAD = OpenApiExample(
    "Annual means",
    value={"agreement": 3, "file": "means-2024.csv"},
    request_only=True,
    media_type="multipart/form-data",
)
MONITORING_UPLOAD_WORKBOOK = OpenApiExample(
    "Annual means from one sheet of a workbook",
    value={"agreement": 3, "file": "jiekou-2026.xlsx", "sheet": "年均值"},
    request_only=True,
    media_type="multipart/form-data",
)
RUN_APPROVED = response("Approved", {**RUN.value, "status": "approved", "posted_at": None})
STATEMENT = response(
    "Huangshan statement",
    {
        "id": 21,
        "run": 9,
        "region": HUANGSHAN,
        "status": "issued",
        "digest": "5d41…",
        "ledger_hash": "a3f9…",
        "issued_at": "2025-01-21T15:02:00+08:00",
        "downloads": {
            "pdf": "https://tanhui.example.org/statements/21/pdf/",
            "csv": "https://tanhui.example.org/statements/21/csv/",
            "xlsx": "https://tanhui.example.org/statements/21/xlsx/",
        },
    },
)
TRANSFER = response(
    "Horizontal transfer",
    {
        "id": 44,
        "run": 9,
        "channel": "horizontal",
        "key": "agreement:3:2024",
        "payer": "cny:region:330127:horizontal",
        "payee": f"cny:region:{HUANGSHAN}:horizontal",
        "payer_region": "330127",
        "payee_region": HUANGSHAN,
        "commodity": "CNY",
        "amount": "100000000.00",
        "description": "Xin'an 2024: P = 0.8386 ≤ 1, downstream pays upstream",
        "inputs": {"P": "0.8386"},
        "entry": 117,
    },
)
CREDIT_PROJECT = response(
    "Huangshan forestry",
    {
        "id": 2,
        "programme": 1,
        "region": HUANGSHAN,
        "code": "XAJ001",
        "name": "黄山林业碳汇",
        "methodology_version": 2,
        "zones": [7],
        "crediting_start": "2021-01-01",
        "crediting_end": "2030-12-31",
        "buffer_share": "0.100",
    },
)
HOLDER = response("Buyer", {"id": 4, "name": "电厂", "kind": "buyer", "region": None})
ISSUE = request("Issue 2024", {"vintage": 2024, "on": "2025-06-01"})
BATCH = response(
    "Batch 1",
    {
        "id": 6,
        "project": "XAJ001",
        "number": 1,
        "vintage": 2024,
        "valuation": 5,
        "verified_tco2e": "1000.000",
        "units": 1000,
        "buffer_units": 100,
        "issued_at": "2025-06-01T10:00:00+08:00",
    },
)
BLOCK = response(
    "Held block",
    {
        "id": 15,
        "batch": 6,
        "serial": "CN-XAJ001-2024-1-000001-000900",
        "first_unit": 1,
        "last_unit": 900,
        "units": 900,
        "holder": 1,
        "status": "active",
    },
)
TRANSFER_UNITS = request(
    "Move 100 units",
    {"first_unit": 1, "last_unit": 100, "from_holder": 1, "to_holder": 4, "on": "2025-07-01"},
)
OPERATION = response(
    "Transfer",
    {
        "id": 30,
        "kind": "transfer",
        "batch": 6,
        "first_unit": 1,
        "last_unit": 100,
        "units": 100,
        "from_holder": 1,
        "to_holder": 4,
        "date": "2025-07-01",
        "price": None,
        "proceeds": None,
        "beneficiary": "",
        "beneficiary_published": False,
        "reason": "",
        "created_at": "2025-07-01T09:00:00+08:00",
    },
    201,
)
RETIRE_UNITS = request(
    "Retire 10 units",
    {
        "first_unit": 1,
        "last_unit": 10,
        "holder": 4,
        "beneficiary": "电厂",
        "publish_beneficiary": True,
        "reason": "2024 offset",
        "on": "2025-08-01",
    },
)
RETIREMENT = response(
    "Retirement",
    {
        **OPERATION.value,
        "id": 31,
        "kind": "retire",
        "last_unit": 10,
        "units": 10,
        "from_holder": 4,
        "to_holder": 4,
        "date": "2025-08-01",
        "beneficiary": "电厂",
        "beneficiary_published": True,
        "reason": "2024 offset",
    },
    201,
)
ACCOUNT = response(
    "Region money account",
    {
        "code": f"cny:region:{HUANGSHAN}:horizontal",
        "name": f"{HUANGSHAN} horizontal compensation",
        "type": "liability",
        "normal_balance": "credit",
        "owner": f"region:{HUANGSHAN}",
        "commodity": "CNY",
        "non_negative": False,
        "balance": "100000000.00",
    },
)
BALANCES = response(
    "Huangshan CNY",
    {
        "owner": f"region:{HUANGSHAN}",
        "commodity": "CNY",
        "as_of": "2024-12-31",
        "balances": [
            {"account": f"cny:region:{HUANGSHAN}:horizontal", "balance": "100000000.00"},
            {"account": f"cny:region:{HUANGSHAN}:vertical", "balance": "2500000.00"},
        ],
    },
)
ENTRY = response(
    "Horizontal transfer entry",
    {
        "sequence": 117,
        "idempotency_key": "run:9:horizontal:agreement:3:2024",
        "effective_date": "2024-12-31",
        "description": "Xin'an 2024: P = 0.8386 ≤ 1, downstream pays upstream",
        "cause": "settlement-run:9",
        "posted_at": "2025-01-21T15:00:00+08:00",
        "reverses": None,
        "hash": "a3f9…",
        "postings": [
            {
                "account": "cny:region:330127:horizontal",
                "commodity": "CNY",
                "amount": "100000000.00",
            },
            {
                "account": f"cny:region:{HUANGSHAN}:horizontal",
                "commodity": "CNY",
                "amount": "-100000000.00",
            },
        ],
    },
)
POSTING = response(
    "Credit leg",
    {
        "id": 233,
        "entry": 117,
        "account": f"cny:region:{HUANGSHAN}:horizontal",
        "commodity": "CNY",
        "effective_date": "2024-12-31",
        "amount": "-100000000.00",
    },
)
TOKEN_REQUEST = request("Credentials", {"username": "finance-system", "password": "…"})
TOKEN = response("Token", {"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"})
ALERT = response(
    "Red-line encroachment",
    {
        "id": 5,
        "region": HUANGSHAN,
        "rule": "生态保护红线占用",
        "kind": "encroachment",
        "year": 2025,
        "measured": "9259.5484",
        "message": "9259.5484 ha of ecological red line in planning version 1 is developed "
        "land in version 2.",
        "detection": 2,
        "raised_at": "2025-03-02T09:15:00+08:00",
        "acknowledged_at": None,
        "acknowledged_by": None,
        "comment": "",
    },
)
ACKNOWLEDGE = request("Comment", {"comment": "Site visited with the county; permit checked."})
ALERT_ACKNOWLEDGED = response(
    "Acknowledged",
    {
        **ALERT.value,
        "acknowledged_at": "2025-03-03T10:00:00+08:00",
        "acknowledged_by": "operator-huangshan",
        "comment": "Site visited with the county; permit checked.",
    },
)
DETECTION = response(
    "Plan v1 to v2",
    {
        "id": 2,
        "region": HUANGSHAN,
        "subject": "planning",
        "before_version": 1,
        "after_version": 4,
        "before_year": None,
        "after_year": None,
        "areas": {
            "ecological_red_line": {
                "before_ha": "200.0000",
                "after_ha": "150.0000",
                "gained_ha": "0.0000",
                "lost_ha": "50.0000",
            }
        },
        "methodology_version": 1,
        "sink_before_tco2e": "780.000",
        "sink_after_tco2e": "585.000",
        "sink_change_tco2e": "-195.000",
        "uncounted_codes": [],
        "encroachments": [
            {
                "protected_kind": "ecological_red_line",
                "area_ha": "50.0000",
                "developed_zone": 12,
                "protected_zone": 7,
            }
        ],
        "transitions": [],
        "computed_at": "2025-03-02T09:15:00+08:00",
    },
)
SINK_VERIFICATION = response(
    "Verified",
    {
        "id": 4,
        "valuation": 12,
        "vintage": 2024,
        "region": None,
        "status": "verified",
        "requested_by": 5,
        "requested_at": "2025-01-10T09:00:00+08:00",
        "reason": "2024 valuation on the 2023 三调 update",
        "decided_by": 6,
        "decided_at": "2025-01-11T16:30:00+08:00",
        "decision_reason": "coefficients and areas checked",
        "entries": 2,
    },
)
REQUEST_VERIFICATION = request(
    "Verify the 2024 sink of every region",
    {"valuation": 12, "reason": "2024 valuation on the 2023 三调 update"},
)
VERIFICATION_REQUESTED = response(
    "Requested",
    {
        **SINK_VERIFICATION.value,
        "status": "requested",
        "decided_by": None,
        "decided_at": None,
        "decision_reason": "",
        "entries": 0,
    },
    201,
)
REJECT_REASON = request("Reason", {"reason": "land cover of 341003 not yet updated"})
VERIFICATION_REJECTED = response(
    "Rejected",
    {
        **VERIFICATION_REQUESTED.value,
        "status": "rejected",
        "decided_by": 6,
        "decided_at": "2025-01-11T16:30:00+08:00",
        "decision_reason": "land cover of 341003 not yet updated",
    },
)
RECIPIENT = response(
    "A village collective",
    {
        "id": 2,
        "region": HUANGSHAN,
        "kind": "village",
        "code": "V-01",
        "name": "翡翠村村民委员会",
        "zones": [],
        "active": True,
        "holder_name": "",
        "bank_account": "",
    },
)
PLAN = response(
    "A posted plan",
    {
        "id": 1,
        "run": 1,
        "region": HUANGSHAN,
        "method": "shares",
        "rule": None,
        "status": "posted",
        "total": "5000.00",
        "proposed_by": "operator-huangshan",
        "proposed_at": "2025-01-10T09:00:00+08:00",
        "reason": "",
        "decided_by": "finance-checker",
        "decided_at": "2025-01-12T10:00:00+08:00",
        "decision_reason": "checked",
        "entry": 42,
        "reversed_by": None,
        "reversed_at": None,
        "reversal_reason": "",
        "reversal": None,
        "lines": [
            {
                "id": 1,
                "recipient": "V-01",
                "zone": None,
                "weight": "1.000000",
                "amount": "5000.00",
                "due_date": "2025-03-31",
                "account": "cny:recipient:2:line:1",
            }
        ],
    },
)
PAYMENT = response(
    "A treasury payment voucher",
    {
        "id": 1,
        "region": HUANGSHAN,
        "kind": "voucher",
        "reference": "GK-2025-0001",
        "paid_on": "2025-03-20",
        "amount": "5000.00",
        "matched": "5000.00",
        "payee_code": "V-01",
        "payee_account": "",
        "source": "vouchers-2025q1.xlsx",
        "entered_by": "operator-huangshan",
        "entered_at": "2025-03-21T09:00:00+08:00",
    },
)
MATCH = response(
    "A voucher matched automatically",
    {
        "id": 1,
        "region": HUANGSHAN,
        "payment": 1,
        "reference": "GK-2025-0001",
        "line": 1,
        "recipient": "V-01",
        "amount": "5000.00",
        "matched_by": None,
        "matched_at": "2025-03-21T09:00:00+08:00",
    },
)
OBLIGATION = response(
    "A line paid in part after its due date",
    {
        "id": 1,
        "region": HUANGSHAN,
        "plan": 1,
        "recipient": "V-01",
        "account": "cny:recipient:2:line:1",
        "due_date": "2025-03-31",
        "amount": "5000.00",
        "paid": "3000.00",
        "owed": "2000.00",
        "last_paid_on": "2025-03-20",
        "status": "partial",
    },
)
PERIOD_CLOSE = response(
    "The year 2024 closed",
    {
        "id": 1,
        "action": "close",
        "status": "approved",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "reason": "2024 年度结账",
        "proposed_by": "finance-maker",
        "proposed_at": "2025-01-15T09:00:00+08:00",
        "decided_by": "finance-checker",
        "decided_at": "2025-01-16T10:00:00+08:00",
    },
)
BALANCE_ASSERTION = response(
    "A bank statement balance that holds",
    {
        "id": 1,
        "account": f"cny:region:{HUANGSHAN}:horizontal",
        "commodity": "CNY",
        "as_of": "2024-12-31",
        "expected": "5000.00",
        "found": "5000.00",
        "holds": True,
        "source": "开户行对账单 2024-12-31",
        "entered_by": "finance-maker",
        "entered_at": "2025-01-05T09:00:00+08:00",
    },
)
