"""Error codes of price lists, quantity breaks, contract prices, surcharges and tax rates.

Codes are a contract with API clients and importers; the generic ones (required,
decimal_invalid, currency_invalid, reference_unknown) come from the shared checks in
`parties.errors` and read the same there.
"""

from __future__ import annotations

from enum import StrEnum


class PricingErrorCode(StrEnum):
    PRICE_LIST_CODE_TAKEN = "price_list_code_taken"
    PRICE_LIST_CURRENCY_LOCKED = "price_list_currency_locked"
    PRICE_BREAK_TAKEN = "price_break_taken"
    CONTRACT_DATES_INVALID = "contract_dates_invalid"
    CONTRACT_OVERLAP = "contract_overlap"
    CONTRACT_CURRENCY_MISMATCH = "contract_currency_mismatch"
    SURCHARGE_CODE_TAKEN = "surcharge_code_taken"
    TAX_RATE_TAKEN = "tax_rate_taken"
