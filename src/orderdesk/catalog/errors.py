"""Error codes of units, items, unit conversions and kits.

Codes are a contract with API clients and importers; the generic ones (required, too_long,
decimal_invalid, reference_unknown, country_invalid) are raised through the shared checks in
`parties.errors` and carry the same codes there.
"""

from __future__ import annotations

from enum import StrEnum


class CatalogErrorCode(StrEnum):
    SKU_TAKEN = "sku_taken"
    UOM_CODE_TAKEN = "uom_code_taken"
    REPLACEMENT_ON_ACTIVE_ITEM = "replacement_on_active_item"
    SELF_REPLACEMENT = "self_replacement"
    REPLACEMENT_CYCLE = "replacement_cycle"
    NOT_A_KIT = "not_a_kit"
    KIT_HAS_COMPONENTS = "kit_has_components"
    KIT_CONTAINS_ITSELF = "kit_contains_itself"
    KIT_COMPONENT_TAKEN = "kit_component_taken"
    CONVERSION_OF_BASE_UNIT = "conversion_of_base_unit"
    CONVERSION_TAKEN = "conversion_taken"
    UN_NUMBER_INVALID = "un_number_invalid"
    HAZMAT_INCOMPLETE = "hazmat_incomplete"
    PACKING_GROUP_INVALID = "packing_group_invalid"
    HS_CODE_INVALID = "hs_code_invalid"
